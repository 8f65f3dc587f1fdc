import { describe, expectTypeOf, it } from 'vitest';
import type { JsonObject } from '../json.js';
import type { Operator, OperatorForFieldType, OperatorOfKind } from './operators.js';
import type { Fields, MangoSelector, Paths, PathValue, Projected, Selector, Sort } from './selector-types.js';

interface Song {
  title: string;
  artist: string;
  year: number;
  tags: string[];
}

interface Playlist {
  _id: string;
  _rev?: string;
  name: string;
  owner: { name: string; email?: string; address: { city: string; zip: string | null } | null };
  songs: Song[];
  plays: number;
  public: boolean;
  rating?: number | null;
  meta: Record<string, string>;
  'dotted.key'?: string;
}

/** Type-checks a selector for Playlist documents (contextually typed, like a real call site). */
const playlists = (selector: Selector<Playlist>) => selector;

/** A recursive model: typed paths stop at five levels. */
interface Folder {
  name: string;
  parent?: Folder;
}

describe('Selector<T>: fields and paths', () => {
  it('accepts top-level, dotted, nested-object and array-index paths', () => {
    playlists({ name: 'mix' });
    playlists({ 'owner.address.city': 'Paris' });
    playlists({ owner: { address: { city: 'Paris' } } });
    playlists({ 'songs.0.artist': 'x' });
    playlists({ 'songs.3.tags.0': 'rock' });
    playlists({ 'dotted\\.key': 'yes' });
    playlists({ 'meta.color': 'red' });
    playlists({ rating: null });
  });

  it('rejects unknown fields and values of the wrong type', () => {
    // @ts-expect-error no such field
    playlists({ nope: 1 });
    // @ts-expect-error no such nested field
    playlists({ 'owner.nope': 1 });
    // @ts-expect-error name is a string
    playlists({ name: 5 });
    // @ts-expect-error songs.0 is a Song, its year a number
    playlists({ 'songs.0.year': 'x' });
    // @ts-expect-error an unescaped dot means a nested field, and there is no "dotted" field
    playlists({ 'dotted.key': 'yes' });
  });

  it('compares whole arrays: an array field takes an array, not an element', () => {
    playlists({ 'songs.0.tags': ['a', 'b'] });
    // @ts-expect-error {"tags": "a"} does not match ["a"] in CouchDB, so it is not offered
    playlists({ 'songs.0.tags': 'a' });
  });

  it('stops typed paths at five levels on recursive models', () => {
    expectTypeOf<'parent.parent.parent.parent.name'>().toExtend<Paths<Folder>>();
    expectTypeOf<'parent.parent.parent.parent.parent.name'>().not.toExtend<Paths<Folder>>();
    const folders = (selector: Selector<Folder>) => selector;
    folders({ 'parent.parent.parent.parent.name': 'x' });
    // @ts-expect-error deeper than five levels
    folders({ 'parent.parent.parent.parent.parent.name': 'x' });
  });

  it('gives the loose MangoSelector for untyped documents', () => {
    expectTypeOf<Selector<unknown>>().toEqualTypeOf<MangoSelector>();
    expectTypeOf<Selector<JsonObject>>().toEqualTypeOf<MangoSelector>();
    expectTypeOf({ anything: { $foo: 1 } }).toExtend<Selector<unknown>>();
  });
});

describe('Selector<T>: operators checked against the field type', () => {
  it('accepts every operator where it fits', () => {
    expectTypeOf({
      name: { $regex: '^a', $beginsWith: 'a', $in: ['a', 'b'], $nin: ['c'], $type: 'string', $exists: true },
      plays: { $gt: 10, $lte: 100, $mod: [2, 0], $ne: 3 },
      songs: { $size: 2, $elemMatch: { artist: 'x', year: { $gte: 1990 } }, $allMatch: { year: { $lt: 2030 } } },
      'songs.0.tags': { $all: ['rock'], $in: ['pop'], $elemMatch: { $eq: 'jazz' } },
      meta: { $keyMapMatch: { $eq: 'color' } },
      _id: { $gt: null },
      public: { $eq: true },
      rating: { $not: { $gt: 3 } },
    });
  });

  it('accepts combinations at the top, nested, and on a field', () => {
    playlists({
      $and: [{ name: 'a' }, { $or: [{ plays: { $gt: 1 } }, { public: true }] }],
      $nor: [{ 'owner.name': 'x' }],
      $not: { plays: 0 },
      plays: { $or: [{ $lt: 1 }, { $gt: 9 }] },
    });
  });

  it('refuses string operators on non-strings', () => {
    // @ts-expect-error $regex applies to string fields only
    playlists({ plays: { $regex: '1' } });
    // @ts-expect-error $beginsWith applies to string fields only
    playlists({ public: { $beginsWith: 't' } });
  });

  it('refuses array operators on non-arrays', () => {
    // @ts-expect-error $size applies to array fields only
    playlists({ name: { $size: 1 } });
    // @ts-expect-error $all applies to array fields only
    playlists({ name: { $all: ['a'] } });
    // @ts-expect-error $elemMatch applies to array fields only
    playlists({ plays: { $elemMatch: { $gt: 1 } } });
    // @ts-expect-error $allMatch applies to array fields only
    playlists({ owner: { $allMatch: { $eq: 1 } } });
  });

  it('refuses $mod on non-numbers and $keyMapMatch on non-objects', () => {
    // @ts-expect-error $mod applies to number fields only
    playlists({ name: { $mod: [2, 0] } });
    // @ts-expect-error $keyMapMatch applies to object fields only
    playlists({ name: { $keyMapMatch: { $eq: 'x' } } });
  });

  it('checks operator arguments', () => {
    // @ts-expect-error plays is a number
    playlists({ plays: { $gt: 'x' } });
    // @ts-expect-error not a CouchDB $type name
    playlists({ name: { $type: 'integer' } });
    // @ts-expect-error $exists takes a boolean
    playlists({ name: { $exists: 'yes' } });
    // @ts-expect-error $mod takes [divisor, remainder]
    playlists({ plays: { $mod: [2] } });
    // @ts-expect-error $in takes an array
    playlists({ name: { $in: 'a' } });
    // @ts-expect-error $and takes an array of selectors
    playlists({ $and: { name: 'a' } });
    // @ts-expect-error unknown operator
    playlists({ name: { $foo: 1 } });
    // @ts-expect-error $elemMatch conditions are checked against the element type
    playlists({ songs: { $elemMatch: { nope: 1 } } });
    // @ts-expect-error $keyMapMatch conditions are on string keys
    playlists({ meta: { $keyMapMatch: { $gt: 1 } } });
  });
});

describe('Paths and PathValue', () => {
  it('lists dot paths through objects and arrays', () => {
    expectTypeOf<'owner.address.zip'>().toExtend<Paths<Playlist>>();
    expectTypeOf<'songs.12.title'>().toExtend<Paths<Playlist>>();
    expectTypeOf<'dotted\\.key'>().toExtend<Paths<Playlist>>();
    expectTypeOf<'owner.phone'>().not.toExtend<Paths<Playlist>>();
  });

  it('resolves the value type at a path', () => {
    expectTypeOf<PathValue<Playlist, 'owner.address.zip'>>().toEqualTypeOf<string | null>();
    expectTypeOf<PathValue<Playlist, 'songs.0.year'>>().toEqualTypeOf<number>();
    expectTypeOf<PathValue<Playlist, 'songs.0'>>().toEqualTypeOf<Song>();
    expectTypeOf<PathValue<Playlist, 'rating'>>().toEqualTypeOf<number | null>();
  });
});

describe('Sort<T> and Fields<T>', () => {
  it('accepts paths and { path: direction }', () => {
    expectTypeOf<['plays', { 'owner.name': 'desc' }, { 'songs.0.year': 'asc' }]>().toExtend<Sort<Playlist>>();
    const sort = (fields: Sort<Playlist>) => fields;
    sort(['plays', { 'owner.address.city': 'desc' }]);
    // @ts-expect-error unknown field
    sort(['nope']);
    // @ts-expect-error directions are asc or desc
    sort([{ plays: 'up' }]);
  });

  it('accepts field paths to project', () => {
    expectTypeOf<['_id', 'owner.address.city', 'songs.0.title']>().toExtend<Fields<Playlist>>();
    const fields = (paths: Fields<Playlist>) => paths;
    fields(['_id', 'songs.2.artist']);
    // @ts-expect-error unknown field
    fields(['_id', 'nope']);
  });
});

describe('Projected<T, F>', () => {
  it('keeps only the listed fields, with their optionality', () => {
    expectTypeOf<Projected<Playlist, ['_id', 'name', 'rating']>>().toEqualTypeOf<{ _id: string; name: string; rating?: number | null }>();
  });

  it('nests dotted fields, optional below a nullable parent', () => {
    expectTypeOf<Projected<Playlist, ['owner.name', 'owner.address.city']>>().toEqualTypeOf<{
      owner: { name: string; address?: { city: string } };
    }>();
  });

  it('builds objects for array indexes, as CouchDB does', () => {
    expectTypeOf<Projected<Playlist, ['songs.0.title']>>().toEqualTypeOf<{ songs: { '0'?: { title: string } } }>();
  });

  it('unescapes dotted keys, and returns the whole document for no fields', () => {
    expectTypeOf<Projected<Playlist, ['dotted\\.key']>>().toEqualTypeOf<{ 'dotted.key'?: string }>();
    expectTypeOf<Projected<Playlist, []>>().toEqualTypeOf<Playlist>();
  });
});

describe('OPERATORS table types', () => {
  it('derives the operator unions from the table', () => {
    expectTypeOf<OperatorOfKind<'combination'>>().toEqualTypeOf<'$and' | '$or' | '$nor' | '$not'>();
    expectTypeOf<OperatorForFieldType<'string'>>().toEqualTypeOf<'$regex' | '$beginsWith'>();
    expectTypeOf<OperatorForFieldType<'array'>>().toEqualTypeOf<'$size' | '$all' | '$elemMatch' | '$allMatch'>();
    expectTypeOf<'$eq'>().toExtend<Operator>();
    expectTypeOf<'$where'>().not.toExtend<Operator>();
  });
});
