// The flows of the project's seed texts, replayed literally: /work/shared/seeds/000_*.txt (the playlist backup of
// CouchDB's consistency guide) and 002_*.txt (_bulk_docs insert, delete and update).
import { describe, expect, it } from 'vitest';
import { ConflictError, PreconditionFailedError } from '@settee/core';
import { backends } from './backends.js';
import { expectCouchError } from './expect-couch-error.js';
import { useBackend } from './harness.js';

const SONGS = [{ 周杰伦: '《双截棍》' }, { 陈奕迅: '《富士山下》' }, { 'Taylor Swift': '《Blank Space》' }];
const MORE_SONGS = [...SONGS, { 林俊杰: '《那些你很冒险的梦》' }];

/** As printed in seed 000. */
const PLAYLIST_REV1 = '1-612aeb6d24bf9647ef630c246aa69e44';
/**
 * Seed 000 does not print the answer to its update. This is CouchDB's algorithm applied to it by an independent
 * implementation that reproduces every revision in shared/couchdb-reference and in seeds 000 and 002.
 */
const PLAYLIST_REV2 = '2-24cdb0850a42c385a20f98fe49018991';

/** The revisions seed 002 prints for its four inserts. */
const S_REV = {
  s1: '1-5efc8527e2a56dc31e71abe36d365e38',
  s2: '1-959ab718375f00a5b678ece00f68a1f7',
  s3: '1-08ded6f70086c004a2b8ef6bb2439b88',
  s4: '1-ccd6248a85ad565b2b12a3127c1b82d7',
} as const;

describe.each(backends)('seeds [$name]', (backend) => {
  const h = useBackend(backend);

  describe('seed 000: backing up a playlist', () => {
    it('creates "playlist", posts mySongs, reads it back, updates with the rev and refuses the stale rev', async () => {
      const name = h.literalDbName('playlist');
      expect(await h.server.createDb(name)).toStrictEqual({ ok: true });
      await expectCouchError(
        h.server.createDb(name),
        PreconditionFailedError,
        412,
        'file_exists',
        'The database could not be created, the file already exists.',
      );
      const db = h.server.db(name);

      const saved = await db.post({ mySongs: SONGS });
      expect(saved).toStrictEqual({ ok: true, id: expect.stringMatching(/^[0-9a-f]{32}$/), rev: PLAYLIST_REV1 });

      const fetched = await db.get(saved.id);
      expect(fetched).toStrictEqual({ _id: saved.id, _rev: PLAYLIST_REV1, mySongs: SONGS });

      const updated = await db.put({ ...fetched, mySongs: MORE_SONGS });
      expect(updated).toStrictEqual({ ok: true, id: saved.id, rev: PLAYLIST_REV2 });

      // Handing back the playlist with the revision it was read at, after someone else saved: 409.
      await expectCouchError(
        db.put({ ...fetched, mySongs: [...SONGS, { 'Someone else': '《Stale》' }] }),
        ConflictError,
        409,
        'conflict',
        'Document update conflict.',
      );
      expect(await db.get(saved.id)).toStrictEqual({ _id: saved.id, _rev: PLAYLIST_REV2, mySongs: MORE_SONGS });
      expect((await db.get(saved.id, { revs: true }))._revisions).toStrictEqual({
        start: 2,
        ids: [PLAYLIST_REV2.slice(2), PLAYLIST_REV1.slice(2)],
      });
    });
  });

  describe('seed 002: _bulk_docs', () => {
    it('inserts s1..s4 with the printed revisions', async () => {
      const db = await h.createDb('seed002');
      expect(
        await db.bulkDocs([
          { _id: 's1', desc: 'bobo', age: 15 },
          { _id: 's2', desc: '小红', age: 19 },
          { _id: 's3', desc: '小明', age: 22 },
          { _id: 's4', desc: 'ab', age: 14 },
        ]),
      ).toStrictEqual([
        { ok: true, id: 's1', rev: S_REV.s1 },
        { ok: true, id: 's2', rev: S_REV.s2 },
        { ok: true, id: 's3', rev: S_REV.s3 },
        { ok: true, id: 's4', rev: S_REV.s4 },
      ]);
    });

    it('deletes s3 to the printed tombstone rev; inserting s3 again continues at generation 3', async () => {
      const db = await h.createDb('seed002del');
      await db.bulkDocs([{ _id: 's3', desc: '小明', age: 22 }]);
      expect(await db.remove('s3', S_REV.s3)).toStrictEqual({ ok: true, id: 's3', rev: '2-eba8354ebc6964892c780f2d1435dd7f' });
      const again = await db.put({ _id: 's3', desc: '小明', age: 22 });
      expect(again.rev).toMatch(/^3-[0-9a-f]{32}$/);
    });

    it('bulk-deletes with one wrong rev: per-document results as printed', async () => {
      const db = await h.createDb('seed002bulkdel');
      // The seed's s1 and s4 had longer histories than it shows; their printed leaves are restored as they were.
      await db.bulkDocs(
        [
          { _id: 's1', _rev: '5-64964a8e3910a7f17b8bd1b2942811bf', desc: 'bobo', age: 15 },
          { _id: 's4', _rev: '3-e319f63912531859882a9495568fe7f4', desc: 'ab', age: 14 },
        ],
        { new_edits: false },
      );
      await db.bulkDocs([{ _id: 's2', desc: '小红', age: 19 }]);
      expect(
        await db.bulkDocs([
          { _id: 's1', _rev: '5-64964a8e3910a7f17b8bd1b2942811bf', _deleted: true },
          { _id: 's2', _rev: '5-64964a8e3910a7f17b8bd1b2942811bf', _deleted: true },
          { _id: 's4', _rev: '3-e319f63912531859882a9495568fe7f4', _deleted: true },
        ]),
      ).toStrictEqual([
        { ok: true, id: 's1', rev: '6-266b9d0fda1846ccf8c37facbb2f03ba' },
        { id: 's2', error: 'conflict', reason: 'Document update conflict.' },
        { ok: true, id: 's4', rev: '4-836b5d321c9eed62ffdbe124f21df167' },
      ]);
      expect(await db.info()).toMatchObject({ doc_count: 1, doc_del_count: 2 });
    });

    it('bulk-updates s1 and s2, floats included', async () => {
      const db = await h.createDb('seed002upd');
      await db.bulkDocs([
        { _id: 's1', desc: 'bobo', age: 15 },
        { _id: 's2', desc: '小红', age: 19 },
      ]);
      // The seed prints generations 8 and 7 (its documents had been edited more often); the hashes are those of
      // the update of rev 1, and its own _find output shows s2 at "2-50d7fd75...".
      expect(
        await db.bulkDocs([
          { _id: 's1', _rev: S_REV.s1, desc: 'bobo2', age: 56.32 },
          { _id: 's2', _rev: S_REV.s2, desc: '小红2', age: 19.36 },
        ]),
      ).toStrictEqual([
        { ok: true, id: 's1', rev: '2-2951951ea0b4479fc1f2a0210dc83ebe' },
        { ok: true, id: 's2', rev: '2-50d7fd758615aa6aefbc6aa2ec86fd8b' },
      ]);
      expect(await db.get('s2')).toStrictEqual({ _id: 's2', _rev: '2-50d7fd758615aa6aefbc6aa2ec86fd8b', desc: '小红2', age: 19.36 });
    });
  });
});
