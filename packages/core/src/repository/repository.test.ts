import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createEngine } from '@settee/engine';
import type { DatabaseAdapter, ServerAdapter } from '../adapter/index.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors/index.js';
import { Doc, field, index, model } from '../model/index.js';
import { Repository } from './repository.js';
import { RevisionConflictError } from './revision-conflict-error.js';

const Song = z.object({ title: z.string().min(1), artist: z.string() });
type Song = z.infer<typeof Song>;

@model('playlist')
class Playlist extends Doc {
  @field(z.string().min(1)) name!: string;
  @field(z.array(Song)) songs!: Song[];
  @field(z.string().default('private')) visibility?: string;
  @field(z.string()) owner!: string;

  get size(): number {
    return this.songs.length;
  }
  add(song: Song): this {
    this.songs.push(song);
    return this;
  }
}

@model('song', { id: (s: SongDoc) => `song:${s.artist}:${s.title}` })
class SongDoc extends Doc {
  @field(z.string()) title!: string;
  @field(z.string()) artist!: string;
}

let server: ServerAdapter;
let db: DatabaseAdapter;
let playlists: Repository<Playlist>;

beforeEach(async () => {
  server = createEngine({ storage: 'memory' });
  await server.createDb('music');
  db = server.db('music');
  playlists = new Repository(db, Playlist);
});
afterEach(() => server.close());

describe('create, get, maybe, getMany', () => {
  it('stores a validated body with the type first and returns a tracked instance of the class', async () => {
    const p = await playlists.create({ name: 'Road trip', owner: 'ana', songs: [] });
    expect(p).toBeInstanceOf(Playlist);
    expect(p.visibility).toBe('private');
    expect(p._rev).toMatch(/^1-[0-9a-f]{32}$/);
    expect(p.add({ title: 'x', artist: 'y' }).size).toBe(1);
    const stored = await db.get(p._id);
    expect(stored).toEqual({ _id: p._id, _rev: p._rev, type: 'playlist', name: 'Road trip', songs: [], visibility: 'private', owner: 'ana' });
    expect(Object.keys(stored)).toEqual(['_id', '_rev', 'type', 'name', 'songs', 'visibility', 'owner']);
  });

  it('writes nothing when validation fails, and says why', async () => {
    const bad = playlists.create({ name: '', owner: 'ana', songs: [], extra: true } as never);
    await expect(bad).rejects.toBeInstanceOf(ValidationError);
    await expect(bad).rejects.toMatchObject({ issues: [{ path: ['name'], code: 'too_small' }, { path: ['extra'], code: 'unrecognized_keys' }] });
    expect((await db.info()).doc_count).toBe(0);
  });

  it('derives ids from fields and refuses a second create of the same id with both revisions', async () => {
    const songs = new Repository(db, SongDoc);
    const s = await songs.create({ title: 'Blank Space', artist: 'Taylor Swift' });
    expect(s._id).toBe('song:Taylor Swift:Blank Space');
    const again = songs.create({ title: 'Blank Space', artist: 'Taylor Swift' });
    await expect(again).rejects.toBeInstanceOf(RevisionConflictError);
    await expect(again).rejects.toMatchObject({ status: 409, attemptedRev: undefined, currentRev: s._rev, id: s._id });
  });

  it('get rejects with NotFoundError for missing, deleted and other-model documents; maybe answers undefined', async () => {
    const songs = new Repository(db, SongDoc);
    const s = await songs.create({ title: 't', artist: 'a' });
    await expect(playlists.get('nope')).rejects.toBeInstanceOf(NotFoundError);
    await expect(playlists.get(s._id)).rejects.toThrow(`"${s._id}" is of type "song", not a playlist`);
    expect(await playlists.maybe('nope')).toBeUndefined();
    expect(await playlists.maybe(s._id)).toBeUndefined();
    const p = await playlists.create({ name: 'x', owner: 'o', songs: [] });
    await playlists.delete(p);
    await expect(playlists.get(p._id)).rejects.toMatchObject({ status: 404, reason: 'deleted' });
  });

  it('maybe still rejects when the database itself is missing', async () => {
    const gone = new Repository(server.db('nowhere'), Playlist);
    await expect(gone.maybe('x')).rejects.toThrow('Database does not exist.');
  });

  it('validates on read: a document written around the model is a ValidationError with its id', async () => {
    await db.put({ _id: 'raw', type: 'playlist', name: 'ok', songs: [], owner: 42 });
    await expect(playlists.get('raw')).rejects.toMatchObject({ name: 'ValidationError', id: 'raw', issues: [{ path: ['owner'], code: 'invalid_type' }] });
  });

  it('getMany keeps the order of ids, with undefined where there is no entity of the model', async () => {
    const a = await playlists.create({ name: 'a', owner: 'o', songs: [] });
    const b = await playlists.create({ name: 'b', owner: 'o', songs: [] });
    await new Repository(db, SongDoc).create({ title: 't', artist: 'a' });
    const found = await playlists.getMany([b._id, 'missing', a._id, 'song:a:t']);
    expect(found.map((p) => p?.name)).toEqual(['b', undefined, 'a', undefined]);
    expect(found[0]).toBeInstanceOf(Playlist);
    expect(await playlists.getMany([])).toEqual([]);
  });
});

describe('save and revision tracking', () => {
  it('saves after saves without anyone touching revisions, and never leaks the revision into the body', async () => {
    const p = await playlists.create({ name: 'a', owner: 'o', songs: [] });
    p.add({ title: 't1', artist: 'x' });
    await playlists.save(p);
    p.name = 'b';
    await playlists.save(p);
    expect(p._rev).toMatch(/^3-/);
    const stored = await db.get(p._id);
    expect(stored._rev).toBe(p._rev);
    expect(stored).toMatchObject({ name: 'b', songs: [{ title: 't1', artist: 'x' }] });
    expect(JSON.stringify(p)).not.toContain('_rev');
    expect(Object.getOwnPropertyNames(p)).not.toContain('_rev');
  });

  it('refuses a stale entity with both revisions and overwrites nothing', async () => {
    const mine = await playlists.create({ name: 'a', owner: 'o', songs: [] });
    const theirs = await playlists.get(mine._id);
    theirs.name = 'theirs';
    await playlists.save(theirs);
    mine.name = 'mine';
    const error = await playlists.save(mine).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RevisionConflictError);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ attemptedRev: mine._rev, currentRev: theirs._rev, status: 409, error: 'conflict' });
    expect((await playlists.get(mine._id)).name).toBe('theirs');
  });

  it('save creates an entity that was never stored, and refuses an invalid one', async () => {
    const fresh = Object.assign(Object.create(Playlist.prototype) as Playlist, { name: 'new', owner: 'o', songs: [] });
    await playlists.save(fresh);
    expect(fresh._id).toMatch(/^[0-9a-f]{32}$/);
    expect(fresh._rev).toMatch(/^1-/);
    fresh.name = '';
    await expect(playlists.save(fresh)).rejects.toBeInstanceOf(ValidationError);
    expect((await db.get(fresh._id))['name']).toBe('new');
  });
});

describe('update', () => {
  it('re-reads and re-applies the mutation after a conflict', async () => {
    const p = await playlists.create({ name: 'a', owner: 'o', songs: [] });
    let calls = 0;
    const updated = await playlists.update(p._id, async (draft) => {
      calls += 1;
      // The first time, someone else writes in between our read and our write.
      if (calls === 1) await playlists.update(p._id, (d) => void d.add({ title: 'theirs', artist: 'x' }));
      draft.add({ title: 'mine', artist: 'y' });
    });
    expect(calls).toBe(2);
    expect(updated.songs.map((s) => s.title)).toEqual(['theirs', 'mine']);
    expect(updated._rev).toMatch(/^3-/);
  });

  it('calls the merge hook once retries are exhausted, with mine and theirs', async () => {
    const p = await playlists.create({ name: 'a', owner: 'o', songs: [] });
    let interfere = true;
    const merged = await playlists.update(
      p._id,
      async (draft) => {
        if (interfere) await playlists.update(p._id, (d) => void (d.name = 'renamed'));
        draft.add({ title: 'mine', artist: 'y' });
      },
      {
        retries: 0,
        onConflict: (mine, theirs) => {
          interfere = false;
          expect(theirs.name).toBe('renamed');
          theirs.songs.push(...mine.songs);
          return theirs;
        },
      },
    );
    expect(merged).toMatchObject({ name: 'renamed', songs: [{ title: 'mine' }] });
    expect((await playlists.get(p._id)).songs).toHaveLength(1);
  });

  it('rejects with a RevisionConflictError when retries run out and there is no merge hook', async () => {
    const p = await playlists.create({ name: 'a', owner: 'o', songs: [] });
    const attempt = playlists.update(p._id, async (draft) => {
      await playlists.update(p._id, (d) => void (d.name = `${d.name}!`));
      draft.name = 'mine';
    }, { retries: 2, backoff: { baseMs: 1, maxMs: 2 } });
    await expect(attempt).rejects.toBeInstanceOf(RevisionConflictError);
    expect((await playlists.get(p._id)).name).toBe('a!!!');
  });

  it('does not retry other errors', async () => {
    const p = await playlists.create({ name: 'a', owner: 'o', songs: [] });
    let calls = 0;
    await expect(playlists.update(p._id, (d) => void ((d.name = ''), calls++))).rejects.toBeInstanceOf(ValidationError);
    expect(calls).toBe(1);
  });
});

describe('delete', () => {
  it('deletes an entity or an id with a tombstone that keeps the type', async () => {
    const a = await playlists.create({ name: 'a', owner: 'o', songs: [] });
    const b = await playlists.create({ name: 'b', owner: 'o', songs: [] });
    const { rev } = await playlists.delete(a);
    expect(a._rev).toBe(rev);
    await playlists.delete(b._id);
    const tomb = await db.get(a._id, { rev });
    expect(tomb).toEqual({ _id: a._id, _rev: rev, _deleted: true, type: 'playlist' });
    expect((await db.info()).doc_count).toBe(0);
  });

  it('refuses a stale entity and an entity never stored', async () => {
    const a = await playlists.create({ name: 'a', owner: 'o', songs: [] });
    await playlists.update(a._id, (d) => void (d.name = 'b'));
    await expect(playlists.delete(a)).rejects.toBeInstanceOf(RevisionConflictError);
    const never = Object.assign(Object.create(Playlist.prototype) as Playlist, { _id: a._id });
    await expect(playlists.delete(never)).rejects.toThrow(/never stored or read through a repository/);
    expect((await playlists.get(a._id)).name).toBe('b');
  });
});

describe('bulk writes', () => {
  it('createMany reports each input in order; invalid inputs are not sent', async () => {
    const results = await playlists.createMany([
      { name: 'a', owner: 'o', songs: [] },
      { name: '', owner: 'o', songs: [] },
      { _id: 'fixed', name: 'c', owner: 'o', songs: [] },
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(results[1]).toMatchObject({ ok: false, id: undefined, error: { name: 'ValidationError' } });
    expect(results[2]).toMatchObject({ ok: true, id: 'fixed', entity: { name: 'c' } });
    expect((await db.info()).doc_count).toBe(2);
    const again = await playlists.createMany([{ _id: 'fixed', name: 'c', owner: 'o', songs: [] }]);
    expect(again[0]).toMatchObject({ ok: false, id: 'fixed', error: { status: 409 } });
  });

  it('saveMany saves tracked entities at their revision and reports stale ones', async () => {
    const [a, b] = (await playlists.createMany([{ name: 'a', owner: 'o', songs: [] }, { name: 'b', owner: 'o', songs: [] }])).map((r) => (r.ok ? r.entity : undefined));
    const stale = await playlists.get(b!._id);
    await playlists.update(b!._id, (d) => void (d.name = 'b2'));
    a!.name = 'a2';
    stale.name = 'lost';
    const results = await playlists.saveMany([a!, stale]);
    expect(results[0]).toMatchObject({ ok: true, entity: a });
    expect(a!._rev).toMatch(/^2-/);
    expect(results[1]).toMatchObject({ ok: false, id: b!._id, error: { status: 409 } });
    expect((await playlists.get(b!._id)).name).toBe('b2');
  });

  it('deleteMany deletes entities and ids, and reports unknown ids', async () => {
    const a = await playlists.create({ name: 'a', owner: 'o', songs: [] });
    const b = await playlists.create({ name: 'b', owner: 'o', songs: [] });
    const results = await playlists.deleteMany([a, b._id, 'missing']);
    expect(results.map((r) => r.ok)).toEqual([true, true, false]);
    expect(results[2]).toMatchObject({ id: 'missing', error: { status: 404 } });
    expect((await db.info()).doc_count).toBe(0);
  });
});

describe('attachments', () => {
  it('puts, reads and removes attachments on entities; saves keep them', async () => {
    const p = await playlists.create({ name: 'a', owner: 'o', songs: [] });
    const bytes = new TextEncoder().encode('cover');
    await playlists.putAttachment(p, 'cover.txt', bytes, 'text/plain');
    expect(p._rev).toMatch(/^2-/);
    expect(p._attachments['cover.txt']).toMatchObject({ content_type: 'text/plain', length: 5, stub: true });
    p.name = 'renamed';
    await playlists.save(p);
    const read = await playlists.getAttachment(p._id, 'cover.txt');
    expect(new TextDecoder().decode(read.data)).toBe('cover');
    expect((await playlists.get(p._id))._attachments).toHaveProperty('cover.txt');
    await playlists.removeAttachment(p, 'cover.txt');
    expect(p._attachments).toEqual({});
    await expect(playlists.getAttachment(p, 'cover.txt')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('find, findOne, count', () => {
  @index(['name'])
  @model('track')
  class Track extends Doc {
    @field(z.string()) name!: string;
    @index() @field(z.string()) artist!: string;
    @field(z.number().int()) plays!: number;
  }

  it("creates the model's indexes, led by the discriminator, before the first query", async () => {
    const tracks = new Repository(db, Track);
    await tracks.find({ artist: 'x' });
    const { indexes } = await db.getIndexes();
    expect(indexes.filter((i) => i.type === 'json').map((i) => i.def.fields)).toEqual(
      expect.arrayContaining([[{ type: 'asc' }, { name: 'asc' }], [{ type: 'asc' }, { artist: 'asc' }]]),
    );
  });

  it('sorts by an indexed field that the selector does not mention, scoped to the model', async () => {
    const tracks = new Repository(db, Track);
    await tracks.createMany([
      { name: 'c', artist: 'x', plays: 1 },
      { name: 'a', artist: 'x', plays: 5 },
      { name: 'b', artist: 'y', plays: 3 },
    ]);
    await playlists.create({ name: 'a playlist', owner: 'x', songs: [] });
    expect((await tracks.find({ plays: { $gt: 0 } }, { sort: [{ name: 'desc' }] })).map((t) => t.name)).toEqual(['c', 'b', 'a']);
    expect((await tracks.find({ artist: 'x' }, { sort: ['name'], limit: 1 })).map((t) => t.name)).toEqual(['a']);
    expect((await tracks.findOne({ plays: { $gte: 3 } }, { sort: [{ name: 'asc' }] }))?.name).toBe('a');
    expect(await tracks.findOne({ artist: 'nobody' })).toBeUndefined();
    expect(await tracks.count()).toBe(3);
    expect(await playlists.count()).toBe(1);
  });

  it('reads every match page by page when no limit is given', async () => {
    const tracks = new Repository(db, Track);
    await tracks.createMany(Array.from({ length: 600 }, (_, i) => ({ name: `t${String(i).padStart(3, '0')}`, artist: 'many', plays: i })));
    expect(await tracks.count({ artist: 'many' })).toBe(600);
    const sorted = await tracks.find({ artist: 'many' }, { sort: [{ name: 'asc' }] });
    expect(sorted).toHaveLength(600);
    expect(sorted[599]?.name).toBe('t599');
    expect(await tracks.find({ artist: 'many' }, { skip: 590 })).toHaveLength(10);
  });

  it('checks the selector before sending it', async () => {
    const tracks = new Repository(db, Track);
    await expect(tracks.find({ plays: { $mod: [0, 1] } })).rejects.toMatchObject({ status: 400, error: 'bad_arg' });
  });
});
