// Repositories (`@settee/core`'s models and repositories) on every backend: the behaviour that depends on the
// backend answering like CouchDB (revision checks, conflicts, bulk results, filtered feeds, attachments).
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  Doc,
  field,
  index,
  model,
  Repository,
  RevisionConflictError,
  ValidationError,
  type DatabaseAdapter,
  type ModelChange,
} from '@settee/core';
import { backends } from './backends.js';
import { useBackend } from './harness.js';
import { sleep, waitFor } from './timing.js';

@model('counter', { id: (c: Counter) => `counter:${c.name}` })
class Counter extends Doc {
  @field(z.string()) name!: string;
  @field(z.number().int().nonnegative()) value!: number;
}

const Song = z.object({ title: z.string(), artist: z.string() });
type Song = z.infer<typeof Song>;

@index(['name'])
@model('playlist')
class Playlist extends Doc {
  @field(z.string().min(1)) name!: string;
  @index() @field(z.string()) owner!: string;
  @field(z.array(Song)) songs!: Song[];
  @field(z.number().optional()) rating?: number;

  titles(): string[] {
    return this.songs.map((s) => s.title);
  }
}

/** A database handle that records which adapter methods were called, to count requests. */
function recording(db: DatabaseAdapter): { db: DatabaseAdapter; calls: string[] } {
  const calls: string[] = [];
  const proxy = new Proxy(db, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(key));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { db: proxy, calls };
}

const hex = (c: string) => c.repeat(32);

describe.each(backends)('repository [$name]', (backend) => {
  const h = useBackend(backend);

  it('20 concurrent updaters x 50 increments of one counter end at exactly 1,000', async () => {
    const counters = new Repository(await h.createDb('counter'), Counter);
    const counter = await counters.create({ name: 'plays', value: 0 });
    expect(counter._id).toBe('counter:plays');
    const updater = async () => {
      for (let i = 0; i < 50; i++) await counters.update(counter._id, (c) => void (c.value += 1), { retries: 100 });
    };
    await Promise.all(Array.from({ length: 20 }, updater));
    const final = await counters.get(counter._id);
    expect(final.value).toBe(1000);
    // Every successful increment is one revision on top of the create.
    expect(final._rev).toMatch(/^1001-/);
    // A remote server answers each of the ~2,000+ requests over HTTP: allow it more time than an embedded engine.
  }, backend.shared ? 120_000 : 30_000);

  it('tracks revisions: save after save works, a stale entity gets both revisions and overwrites nothing', async () => {
    const db = await h.createDb('revs');
    const playlists = new Repository(db, Playlist);
    const mine = await playlists.create({ name: 'Road trip', owner: 'ana', songs: [] });
    mine.songs.push({ title: 'Blank Space', artist: 'Taylor Swift' });
    await playlists.save(mine);
    mine.rating = 5;
    await playlists.save(mine);
    expect(mine._rev).toMatch(/^3-/);
    const stored = await db.get(mine._id);
    expect(stored).toStrictEqual({
      _id: mine._id,
      _rev: mine._rev,
      type: 'playlist',
      name: 'Road trip',
      owner: 'ana',
      songs: [{ title: 'Blank Space', artist: 'Taylor Swift' }],
      rating: 5,
    });

    const stale = await playlists.get(mine._id);
    mine.name = 'Mine';
    await playlists.save(mine);
    stale.name = 'Stale';
    const error = await playlists.save(stale).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RevisionConflictError);
    expect(error).toMatchObject({ status: 409, attemptedRev: stale._rev, currentRev: mine._rev });
    const reread = await playlists.get(mine._id);
    expect(reread.name).toBe('Mine');
    expect(reread.titles()).toEqual(['Blank Space']);
  });

  it('writes nothing when validation fails', async () => {
    const db = await h.createDb('invalid');
    const playlists = new Repository(db, Playlist);
    await expect(playlists.create({ name: '', owner: 'ana', songs: [] })).rejects.toBeInstanceOf(ValidationError);
    expect((await db.info()).doc_count).toBe(0);
  });

  it('update merges with the hook when retries run out', async () => {
    const playlists = new Repository(await h.createDb('merge'), Playlist);
    const p = await playlists.create({ name: 'Mix', owner: 'ana', songs: [] });
    let interfered = false;
    const merged = await playlists.update(
      p._id,
      async (draft) => {
        if (!interfered) {
          interfered = true;
          await playlists.update(p._id, (d) => void d.songs.push({ title: 'theirs', artist: 'b' }));
        }
        draft.songs.push({ title: 'mine', artist: 'a' });
      },
      { retries: 0, onConflict: (mine, theirs) => Object.assign(theirs, { songs: [...theirs.songs, ...mine.songs.filter((s) => s.title === 'mine')] }) },
    );
    expect(merged.titles()).toEqual(['theirs', 'mine']);
    expect((await playlists.get(p._id)).titles()).toEqual(['theirs', 'mine']);
  });

  it('bulk writes report per-document results in order', async () => {
    const db = await h.createDb('bulk');
    const playlists = new Repository(db, Playlist);
    const created = await playlists.createMany([
      { _id: 'a', name: 'A', owner: 'o', songs: [] },
      { _id: 'b', name: '', owner: 'o', songs: [] },
      { _id: 'c', name: 'C', owner: 'o', songs: [] },
    ]);
    expect(created.map((r) => [r.id, r.ok])).toEqual([['a', true], ['b', false], ['c', true]]);
    const again = await playlists.createMany([{ _id: 'a', name: 'A', owner: 'o', songs: [] }]);
    expect(again[0]).toMatchObject({ ok: false, id: 'a', error: { status: 409, error: 'conflict' } });
    const deleted = await playlists.deleteMany(['a', 'c', 'b']);
    expect(deleted.map((r) => r.ok)).toEqual([true, true, false]);
    expect((await db.info()).doc_count).toBe(0);
  });

  it('resolves replication conflicts: the merged winner and the losers\' tombstones in one bulkDocs', async () => {
    const raw = await h.createDb('conflicts');
    const { db, calls } = recording(raw);
    const playlists = new Repository(db, Playlist);
    const base = await playlists.create({ _id: 'p', name: 'Mix', owner: 'ana', songs: [] });
    const baseHash = base._rev!.slice(2);
    const leaf = (c: string, title: string) => ({
      _id: 'p',
      _rev: `2-${hex(c)}`,
      _revisions: { start: 2, ids: [hex(c), baseHash] },
      type: 'playlist',
      name: 'Mix',
      owner: 'ana',
      songs: [{ title, artist: c }],
    });
    await raw.bulkDocs([leaf('a', 'from a'), leaf('b', 'from b'), leaf('c', 'from c')], { new_edits: false });

    const { winner, losers } = await playlists.conflicts('p');
    expect(winner._rev).toBe(`2-${hex('c')}`);
    expect(losers.map((l) => l._rev).sort()).toEqual([`2-${hex('a')}`, `2-${hex('b')}`]);
    expect(losers[0]).toBeInstanceOf(Playlist);

    calls.length = 0;
    const resolved = await playlists.resolve('p', (w, ls) => {
      w.songs = [...w.songs, ...ls.flatMap((l) => l.songs)].sort((x, y) => x.title.localeCompare(y.title));
    });
    expect(calls.filter((c) => c === 'bulkDocs')).toHaveLength(1);
    expect(resolved._rev).toMatch(/^3-/);
    expect(resolved.titles()).toEqual(['from a', 'from b', 'from c']);
    const after = await raw.get('p', { conflicts: true });
    expect(after._conflicts).toBeUndefined();
    expect(after._rev).toBe(resolved._rev);
    expect((await playlists.conflicts('p')).losers).toEqual([]);
  });

  it("changes$ sees only the model's documents, with deletions", async () => {
    const db = await h.createDb('feed');
    const playlists = new Repository(db, Playlist);
    const counters = new Repository(db, Counter);
    const seen: ModelChange<Playlist>[] = [];
    const p = await playlists.create({ _id: 'before', name: 'Before', owner: 'o', songs: [] });
    const errors: unknown[] = [];
    const sub = playlists.changes$().subscribe({ next: (c) => seen.push(c), error: (e: unknown) => errors.push(e) });
    await waitFor(() => seen.length === 1, 'the existing playlist');
    await counters.create({ name: 'c', value: 1 });
    await playlists.create({ _id: 'after', name: 'After', owner: 'o', songs: [] });
    await waitFor(() => seen.length === 2, 'the new playlist');
    await playlists.delete(p);
    await waitFor(() => seen.length === 3, 'the deletion');
    await counters.create({ name: 'd', value: 2 });
    await sleep(50);
    sub.unsubscribe();
    expect(errors).toEqual([]);
    expect(seen.map((c) => [c.id, c.deleted, c.entity?.name])).toEqual([
      ['before', false, 'Before'],
      ['after', false, 'After'],
      ['before', true, undefined],
    ]);
  });

  it('keeps attachments across saves', async () => {
    const playlists = new Repository(await h.createDb('atts'), Playlist);
    const p = await playlists.create({ name: 'Covers', owner: 'o', songs: [] });
    await playlists.putAttachment(p, 'cover.txt', new TextEncoder().encode('art'), 'text/plain');
    p.rating = 3;
    await playlists.save(p);
    expect(p._rev).toMatch(/^3-/);
    const bytes = await playlists.getAttachment(p, 'cover.txt');
    expect(new TextDecoder().decode(bytes.data)).toBe('art');
    expect(Object.keys((await playlists.get(p._id))._attachments)).toEqual(['cover.txt']);
  });

  describe('queries', () => {
    it('find, findOne and count are scoped to the model and typed', async () => {
      const db = await h.createDb('find');
      const playlists = new Repository(db, Playlist);
      await playlists.createMany([
        { name: 'b', owner: 'ana', songs: [{ title: 't', artist: 'x' }] },
        { name: 'a', owner: 'ana', songs: [] },
        { name: 'c', owner: 'bob', songs: [] },
      ]);
      await new Repository(db, Counter).create({ name: 'ana', value: 1 });
      // `name: { $gt: null }` (any name) keeps PouchDB's planner happy, which wants sorted fields in the selector.
      const anas = await playlists.find({ owner: 'ana', name: { $gt: null } }, { sort: [{ name: 'asc' }] });
      expect(anas.map((p) => p.name)).toEqual(['a', 'b']);
      expect(anas[0]).toBeInstanceOf(Playlist);
      expect((await playlists.findOne({ 'songs.0.artist': { $exists: true } }))?.name).toBe('b');
      expect(await playlists.count()).toBe(3);
      expect(await playlists.count({ owner: 'bob' })).toBe(1);
      expect(await playlists.findFields({ owner: 'bob' }, ['name'])).toEqual([{ name: 'c' }]);
    });

    it('find$ emits the current result, then a new one after each relevant change', async () => {
      const db = await h.createDb('live');
      const playlists = new Repository(db, Playlist);
      await playlists.create({ _id: 'x', name: 'x', owner: 'ana', songs: [] });
      const results: string[][] = [];
      const sub = playlists
        .find$({ owner: 'ana', name: { $gt: null } }, { sort: [{ name: 'asc' }] })
        .subscribe((r) => results.push(r.map((p) => p.name)));
      await waitFor(() => results.length === 1, 'the first result');
      await playlists.create({ _id: 'w', name: 'w', owner: 'ana', songs: [] });
      await waitFor(() => results.length === 2, 'the second result');
      await playlists.delete('x');
      await waitFor(() => results.length === 3, 'the third result');
      sub.unsubscribe();
      expect(results).toEqual([['x'], ['w', 'x'], ['w']]);
    });
  });
});
