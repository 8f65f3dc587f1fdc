import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ValidationError } from '../errors/index.js';
import { Doc } from './doc.js';
import { field } from './field-decorator.js';
import { index } from './index-decorator.js';
import { model } from './model-decorator.js';
import { modelDefinition } from './model-definition.js';
import { ModelCodec } from './model-codec.js';
import { validateFields } from './validate-fields.js';

const Song = z.object({ title: z.string().min(1), artist: z.string() });

@index(['owner', { name: 'desc' }], { name: 'by-owner' })
@model('playlist')
class Playlist extends Doc {
  @field(z.string().min(1)) name!: string;
  @field(z.array(Song).default([])) songs!: Array<z.infer<typeof Song>>;
  @index() @field(z.string()) owner!: string;
  @field(z.number().optional()) rating?: number;

  get size(): number {
    return this.songs.length;
  }
}

@model('loose', { validation: 'strip', discriminator: 'kind' })
class Loose extends Doc {
  @field(z.string()) name!: string;
}

@model('raw', { validation: 'off', discriminator: false })
class Raw extends Doc {
  @field(z.string()) name!: string;
}

describe('model definitions', () => {
  it('collects the fields, indexes and options the decorators declared', () => {
    const def = modelDefinition(Playlist);
    expect(def.type).toBe('playlist');
    expect(def.discriminator).toBe('type');
    expect(def.validation).toBe('strict');
    expect(def.id).toBe('uuid');
    expect([...def.fields.keys()]).toEqual(['name', 'songs', 'owner', 'rating']);
    expect(def.indexes).toEqual([
      { name: 'by-owner', fields: ['owner', { name: 'desc' }] },
      { fields: ['owner'] },
    ]);
    expect(modelDefinition(Loose).discriminator).toBe('kind');
    expect(modelDefinition(Raw).discriminator).toBeUndefined();
    expect(modelDefinition(Raw).schema).toBeUndefined();
  });

  it('inherits fields from a parent model; the subclass needs its own @model', () => {
    @model('smart-playlist')
    class SmartPlaylist extends Playlist {
      @field(z.string()) rule!: string;
    }
    class Undecorated extends Playlist {}
    expect([...modelDefinition(SmartPlaylist).fields.keys()]).toEqual(['name', 'songs', 'owner', 'rating', 'rule']);
    expect(() => modelDefinition(Undecorated)).toThrow(/Undecorated is not a model: decorate the class with @model/);
  });

  it('refuses fields CouchDB reserves, fields named like the discriminator, and indexes over unknown fields', () => {
    @model('a')
    class Underscore extends Doc {
      @field(z.string()) _secret!: string;
    }
    @model('b')
    class Clash extends Doc {
      @field(z.string()) type!: string;
    }
    @index(['nope'])
    @model('c')
    class BadIndex extends Doc {
      @field(z.string()) name!: string;
    }
    expect(() => modelDefinition(Underscore)).toThrow(/Underscore._secret: CouchDB reserves fields starting with "_"/);
    expect(() => modelDefinition(Clash)).toThrow(/Clash.type: "type" holds the model type/);
    expect(() => modelDefinition(BadIndex)).toThrow(/@index over "nope", which is not a declared @field/);
    expect(() => model('')).toThrow(TypeError);
  });

  it('refuses @index with fields on a property and @index() without fields on a class', () => {
    expect(() => (index(['a']) as (t: object, k?: string) => void)({}, 'name')).toThrow(/goes on the class/);
    expect(() => (index() as (t: object, k?: string) => void)(class {})).toThrow(/needs the list of fields/);
  });
});

describe('validation', () => {
  const strict = modelDefinition(Playlist);

  it('returns the stored fields in schema order, with defaults and without undefined members', () => {
    const out = validateFields(strict, { owner: 'ana', rating: undefined, name: 'Mix' }, { id: 'p1', phase: 'write' });
    expect(out).toEqual({ name: 'Mix', songs: [], owner: 'ana' });
    expect(Object.keys(out)).toEqual(['name', 'songs', 'owner']);
  });

  it("maps zod's issues to {path, message, code} with the document id; unknown fields one issue each", () => {
    let error: unknown;
    try {
      validateFields(strict, { name: '', owner: 'ana', songs: [{ title: 'x', artist: 1 }], colour: 'red', size: 3 }, { id: 'p1', phase: 'write' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const v = error as ValidationError;
    expect(v.id).toBe('p1');
    expect(v.status).toBe(400);
    expect(v.issues.map((i) => [i.path.join('.'), i.code])).toEqual([
      ['name', 'too_small'],
      ['songs.0.artist', 'invalid_type'],
      ['colour', 'unrecognized_keys'],
      ['size', 'unrecognized_keys'],
    ]);
    expect(v.issues[2]!.message).toBe('Unknown field "colour"');
    expect(v.reason).toMatch(/^playlist "p1" is not valid; nothing was written: name: .+ \(and 3 more issues\)$/);
  });

  it('strip mode drops unknown fields, off mode keeps everything', () => {
    expect(validateFields(modelDefinition(Loose), { name: 'x', extra: 1 }, { id: undefined, phase: 'read' })).toEqual({ name: 'x' });
    expect(validateFields(modelDefinition(Raw), { name: 1, extra: [1] }, { id: undefined, phase: 'read' })).toEqual({ name: 1, extra: [1] });
  });

  it('refuses values JSON cannot hold instead of mangling them', () => {
    const call = () => validateFields(modelDefinition(Raw), { when: new Date(0), n: NaN, ok: [undefined, 1] }, { id: 'r', phase: 'write' });
    expect(call).toThrow(ValidationError);
    try {
      call();
    } catch (e) {
      expect((e as ValidationError).issues).toEqual([
        { path: ['when'], code: 'not_json', message: 'A document can only hold JSON values, not an instance of Date' },
        { path: ['n'], code: 'not_json', message: 'A document can only hold JSON values, not NaN' },
      ]);
    }
  });
});

describe('ModelCodec', () => {
  const codec = new ModelCodec(modelDefinition(Playlist));

  it('puts the discriminator first in the body and recognises its own documents', () => {
    expect(Object.keys(codec.body({ name: 'x', owner: 'o' }))).toEqual(['type', 'name', 'owner']);
    expect(codec.owns({ type: 'playlist' })).toBe(true);
    expect(codec.owns({ type: 'song' })).toBe(false);
    expect(new ModelCodec(modelDefinition(Raw)).owns({ _id: '_design/x' })).toBe(false);
  });

  it('hydrates instances of the class (getters work) tracked at their revision, without leaking it', () => {
    const entity = codec.hydrate({ _id: 'p1', _rev: '1-abc', type: 'playlist', name: 'Mix', owner: 'ana', songs: [{ title: 't', artist: 'a' }] });
    expect(entity).toBeInstanceOf(Playlist);
    expect(entity.size).toBe(1);
    expect(entity._rev).toBe('1-abc');
    expect(Object.keys(entity)).toEqual(['_id', 'name', 'songs', 'owner']);
    expect(JSON.parse(JSON.stringify(entity))).toEqual({ _id: 'p1', name: 'Mix', songs: [{ title: 't', artist: 'a' }], owner: 'ana' });
    expect({ ...entity }).not.toHaveProperty('_rev');
  });

  it('validates on read: a stored document that does not match is a ValidationError naming it', () => {
    expect(() => codec.hydrate({ _id: 'p2', _rev: '1-abc', type: 'playlist', name: 7, owner: 'ana' })).toThrow(
      /playlist "p2" as stored does not match the model: name: /,
    );
  });
});
