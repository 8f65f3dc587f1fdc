import type { Observable } from 'rxjs';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type { DatabaseAdapter } from '../adapter/index.js';
import { Doc } from '../model/doc.js';
import { field } from '../model/field-decorator.js';
import { model } from '../model/model-decorator.js';
import type { BulkResult } from './bulk-writes.js';
import type { ModelChange } from './model-changes.js';
import { Repository } from './repository.js';

const Song = z.object({ title: z.string(), artist: z.string(), year: z.number() });
type Song = z.infer<typeof Song>;

@model('playlist')
class Playlist extends Doc {
  @field(z.string()) name!: string;
  @field(z.array(Song)) songs!: Song[];
  @field(z.string()) owner!: string;
  @field(z.number().optional()) rating?: number;
  add(song: Song): void {
    this.songs.push(song);
  }
}

declare const db: DatabaseAdapter;
const playlists = new Repository(db, Playlist);

describe('Repository<M>: entity types', () => {
  it('is typed by the model class', () => {
    expectTypeOf(playlists).toEqualTypeOf<Repository<Playlist>>();
    expectTypeOf(playlists.get('x')).toEqualTypeOf<Promise<Playlist>>();
    expectTypeOf(playlists.maybe('x')).toEqualTypeOf<Promise<Playlist | undefined>>();
    expectTypeOf(playlists.getMany(['x'])).toEqualTypeOf<Promise<Array<Playlist | undefined>>>();
    expectTypeOf(playlists.find({})).toEqualTypeOf<Promise<Playlist[]>>();
    expectTypeOf(playlists.findOne({})).toEqualTypeOf<Promise<Playlist | undefined>>();
    expectTypeOf(playlists.createMany([])).toEqualTypeOf<Promise<BulkResult<Playlist>[]>>();
    expectTypeOf(playlists.changes$()).toEqualTypeOf<Observable<ModelChange<Playlist>>>();
    expectTypeOf(playlists.get$('x')).toEqualTypeOf<Observable<Playlist | undefined>>();
    expectTypeOf(playlists.find$({ owner: 'ana' })).toEqualTypeOf<Observable<Playlist[]>>();
  });

  it('hands entities with their methods to update, merge hooks and resolvers', () => {
    void playlists.update('x', (draft) => {
      expectTypeOf(draft).toEqualTypeOf<Playlist>();
      draft.add({ title: 't', artist: 'a', year: 1 });
    }, {
      retries: 3,
      onConflict: (mine, theirs) => {
        expectTypeOf(mine).toEqualTypeOf<Playlist>();
        theirs.songs.push(...mine.songs);
        return theirs;
      },
    });
    void playlists.resolve('x', (winner, losers) => {
      expectTypeOf(losers).toEqualTypeOf<readonly Playlist[]>();
      winner.rating = Math.max(...losers.map((l) => l.rating ?? 0));
    });
  });

  it('narrows a change to its entity when it is not a deletion', () => {
    playlists.changes$().subscribe((change) => {
      if (!change.deleted) expectTypeOf(change.entity).toEqualTypeOf<Playlist>();
      else expectTypeOf(change.entity).toEqualTypeOf<undefined>();
    });
  });
});

describe('Repository<M>.create', () => {
  it('requires the required fields and rejects unknown ones', () => {
    void playlists.create({ name: 'Mix', songs: [], owner: 'ana' });
    void playlists.create({ _id: 'p1', name: 'Mix', songs: [], owner: 'ana', rating: 3 });
    // @ts-expect-error owner is missing
    void playlists.create({ name: 'Mix', songs: [] });
    // @ts-expect-error colour is not a field of Playlist
    void playlists.create({ name: 'Mix', songs: [], owner: 'ana', colour: 'red' });
    // @ts-expect-error a song needs a year
    void playlists.create({ name: 'Mix', songs: [{ title: 't', artist: 'a' }], owner: 'ana' });
  });
});

describe('Repository<M>.find: typed Mango over the model', () => {
  it('accepts selectors, sorts and projections over the fields and _id', () => {
    void playlists.find({ owner: 'ana', 'songs.0.artist': { $exists: true } }, { sort: [{ name: 'asc' }], limit: 10 });
    void playlists.find({ _id: { $beginsWith: 'playlist:' }, rating: { $gte: 3 } });
    void playlists.count({ 'songs.0.year': { $lt: 2000 } });
    expectTypeOf(playlists.findFields({ owner: 'ana' }, ['_id', 'name'])).toEqualTypeOf<Promise<Array<{ _id: string; name: string }>>>();
  });

  it('rejects bad selectors and sorts', () => {
    // @ts-expect-error no such field
    void playlists.find({ colour: 'red' });
    // @ts-expect-error name is a string
    void playlists.find({ name: 5 });
    // @ts-expect-error $regex applies to string fields only
    void playlists.find({ rating: { $regex: '^1' } });
    // @ts-expect-error $size applies to array fields only
    void playlists.findOne({ owner: { $size: 1 } });
    // @ts-expect-error no such field to sort on
    void playlists.find({}, { sort: [{ colour: 'asc' }] });
    // @ts-expect-error the discriminator is the repository's business, not a field
    void playlists.find({ type: 'song' });
  });
});
