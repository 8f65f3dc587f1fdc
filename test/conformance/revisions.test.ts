// Revision trees: histories, conflicts, open_revs, latest and the winner rule, after
// shared/couchdb-reference/documents.json (steps 33-56).
import { describe, expect, it } from 'vitest';
import { BadRequestError, type DatabaseAdapter } from '@settee/core';
import { backends } from './backends.js';
import { expectCouchError } from './expect-couch-error.js';
import { useBackend } from './harness.js';
import { CONFLICTED, DOC1, hashOf, writeConflicted, writeDoc1History } from './recorded-flows.js';

describe.each(backends)('revisions [$name]', (backend) => {
  const h = useBackend(backend);

  describe('history of one branch', () => {
    it('revs gives _revisions newest first, across a deletion', async () => {
      const db = await h.createDb('revs');
      await writeDoc1History(db);
      expect(await db.get('doc1', { revs: true })).toStrictEqual({
        _id: 'doc1',
        _rev: DOC1.r6,
        title: 'reborn',
        _revisions: {
          start: 6,
          ids: [DOC1.r6, DOC1.r5, DOC1.r4, DOC1.r3, DOC1.r2, DOC1.r1].map(hashOf),
        },
      });
    });

    it('revs_info gives each revision on the path with available/deleted status', async () => {
      const db = await h.createDb('revsinfo');
      await writeDoc1History(db);
      expect(await db.get('doc1', { revs_info: true })).toStrictEqual({
        _id: 'doc1',
        _rev: DOC1.r6,
        title: 'reborn',
        _revs_info: [
          { rev: DOC1.r6, status: 'available' },
          { rev: DOC1.r5, status: 'deleted' },
          { rev: DOC1.r4, status: 'available' },
          { rev: DOC1.r3, status: 'available' },
          { rev: DOC1.r2, status: 'available' },
          { rev: DOC1.r1, status: 'available' },
        ],
      });
    });

    it('rev with latest answers the newest leaf descending from that revision', async () => {
      const db = await h.createDb('latest');
      await writeDoc1History(db);
      expect(await db.get('doc1', { rev: DOC1.r1, latest: true })).toStrictEqual({
        _id: 'doc1',
        _rev: DOC1.r6,
        title: 'reborn',
      });
    });

    it('rejects a malformed rev with 400 Invalid rev format', async () => {
      const db = await h.createDb('badrev');
      await writeDoc1History(db);
      await expectCouchError(db.get('doc1', { rev: 'abc' }), BadRequestError, 400, 'bad_request', 'Invalid rev format');
    });
  });

  describe('conflicts', () => {
    it('get answers the winner only, without conflict markers', async () => {
      const db = await h.createDb('winner');
      await writeConflicted(db);
      expect(await db.get('conflicted')).toStrictEqual({ _id: 'conflicted', _rev: CONFLICTED.main2, v: 'main-2' });
    });

    it('conflicts lists live losing leaves; deleted_conflicts lists deleted leaves', async () => {
      const db = await h.createDb('conflicts');
      await writeConflicted(db);
      expect(await db.get('conflicted', { conflicts: true })).toStrictEqual({
        _id: 'conflicted',
        _rev: CONFLICTED.main2,
        v: 'main-2',
        _conflicts: [CONFLICTED.branchC],
      });
      expect(await db.get('conflicted', { deleted_conflicts: true })).toStrictEqual({
        _id: 'conflicted',
        _rev: CONFLICTED.main2,
        v: 'main-2',
        _deleted_conflicts: [CONFLICTED.deletedB],
      });
    });

    it('meta gives revs_info, conflicts and deleted_conflicts together', async () => {
      const db = await h.createDb('meta');
      await writeConflicted(db);
      expect(await db.get('conflicted', { meta: true })).toStrictEqual({
        _id: 'conflicted',
        _rev: CONFLICTED.main2,
        v: 'main-2',
        _revs_info: [
          { rev: CONFLICTED.main2, status: 'available' },
          { rev: CONFLICTED.main1, status: 'available' },
        ],
        _conflicts: [CONFLICTED.branchC],
        _deleted_conflicts: [CONFLICTED.deletedB],
      });
    });

    it('rev with latest on the main branch answers its leaf', async () => {
      const db = await h.createDb('latestmain');
      await writeConflicted(db);
      expect(await db.get('conflicted', { rev: CONFLICTED.main1, latest: true })).toStrictEqual({
        _id: 'conflicted',
        _rev: CONFLICTED.main2,
        v: 'main-2',
      });
    });
  });

  describe('open_revs', () => {
    it("'all' answers every leaf, deleted ones included, in revision order", async () => {
      const db = await h.createDb('openall');
      await writeConflicted(db);
      expect(await db.getOpenRevs('conflicted', 'all')).toStrictEqual([
        { ok: { _id: 'conflicted', _rev: CONFLICTED.branchC, v: 'branch-c' } },
        { ok: { _id: 'conflicted', _rev: CONFLICTED.deletedB, _deleted: true } },
        { ok: { _id: 'conflicted', _rev: CONFLICTED.main2, v: 'main-2' } },
      ]);
    });

    it("'all' with revs adds each leaf's _revisions", async () => {
      const db = await h.createDb('openrevs');
      await writeConflicted(db);
      expect(await db.getOpenRevs('conflicted', 'all', { revs: true })).toStrictEqual([
        {
          ok: {
            _id: 'conflicted',
            _rev: CONFLICTED.branchC,
            v: 'branch-c',
            _revisions: { start: 1, ids: [hashOf(CONFLICTED.branchC)] },
          },
        },
        {
          ok: {
            _id: 'conflicted',
            _rev: CONFLICTED.deletedB,
            _deleted: true,
            _revisions: { start: 2, ids: [hashOf(CONFLICTED.deletedB), hashOf(CONFLICTED.branchB)] },
          },
        },
        {
          ok: {
            _id: 'conflicted',
            _rev: CONFLICTED.main2,
            v: 'main-2',
            _revisions: { start: 2, ids: [hashOf(CONFLICTED.main2), hashOf(CONFLICTED.main1)] },
          },
        },
      ]);
    });

    it('a list answers each revision asked for, or {missing} for an unknown one', async () => {
      const db = await h.createDb('openlist');
      await writeConflicted(db);
      const unknown = '9-99999999999999999999999999999999';
      expect(await db.getOpenRevs('conflicted', [CONFLICTED.branchC, unknown])).toStrictEqual([
        { ok: { _id: 'conflicted', _rev: CONFLICTED.branchC, v: 'branch-c' } },
        { missing: unknown },
      ]);
    });

    it('a non-leaf revision answers itself, or its leaf with latest', async () => {
      const db = await h.createDb('openlatest');
      await writeConflicted(db);
      expect(await db.getOpenRevs('conflicted', [CONFLICTED.main1])).toStrictEqual([
        { ok: { _id: 'conflicted', _rev: CONFLICTED.main1, v: 'main-1' } },
      ]);
      expect(await db.getOpenRevs('conflicted', [CONFLICTED.main1], { latest: true })).toStrictEqual([
        { ok: { _id: 'conflicted', _rev: CONFLICTED.main2, v: 'main-2' } },
      ]);
    });

    it('with latest, a leaf reached from two listed revisions is answered once', async () => {
      // couch_key_tree get_key_leafs drops the leaves it found from the revisions still to look up.
      const db = await h.createDb('openlatestonce');
      await writeConflicted(db);
      expect(await db.getOpenRevs('conflicted', [CONFLICTED.main1, CONFLICTED.main2], { latest: true })).toStrictEqual([
        { ok: { _id: 'conflicted', _rev: CONFLICTED.main2, v: 'main-2' } },
      ]);
    });
  });

  describe('winner rule', () => {
    it('tie: equal generations, the greater hash wins', async () => {
      const db = await h.createDb('tie');
      const low = '1-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
      const high = '1-ffffffffffffffffffffffffffffffff';
      // The higher hash first, so that "last written wins" would pick the wrong one.
      const written = await db.bulkDocs(
        [
          { _id: 'tie', _rev: high, v: 'fff' },
          { _id: 'tie', _rev: low, v: 'aaa' },
        ],
        { new_edits: false },
      );
      expect(written).toStrictEqual([]);
      expect(await db.get('tie', { conflicts: true })).toStrictEqual({ _id: 'tie', _rev: high, v: 'fff', _conflicts: [low] });
    });

    it('delwin: a live leaf beats a deleted leaf of a higher generation', async () => {
      const db = await h.createDb('delwin');
      const written = await db.bulkDocs(
        [
          {
            _id: 'delwin',
            _rev: '2-eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee',
            _deleted: true,
            _revisions: { start: 2, ids: ['eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee', 'dddddddddddddddddddddddddddddddd'] },
          },
          { _id: 'delwin', _rev: '1-11111111111111111111111111111111', v: 'live' },
        ],
        { new_edits: false },
      );
      expect(written).toStrictEqual([]);
      expect(await db.get('delwin', { deleted_conflicts: true })).toStrictEqual({
        _id: 'delwin',
        _rev: '1-11111111111111111111111111111111',
        v: 'live',
        _deleted_conflicts: ['2-eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee'],
      });
      expect(await db.info()).toMatchObject({ doc_count: 1, doc_del_count: 0 });
    });

    it('a higher generation beats a greater hash', async () => {
      const db = await h.createDb('generation');
      await db.bulkDocs(
        [
          { _id: 'g', _rev: '1-ffffffffffffffffffffffffffffffff', v: 'gen1' },
          {
            _id: 'g',
            _rev: '2-00000000000000000000000000000000',
            v: 'gen2',
            _revisions: { start: 2, ids: ['00000000000000000000000000000000', '11111111111111111111111111111111'] },
          },
        ],
        { new_edits: false },
      );
      expect(await db.get('g', { conflicts: true })).toStrictEqual({
        _id: 'g',
        _rev: '2-00000000000000000000000000000000',
        v: 'gen2',
        _conflicts: ['1-ffffffffffffffffffffffffffffffff'],
      });
    });

    it('a replicated batch that takes the win from the stored leaf and hands it back keeps its body', async () => {
      const db = await h.createDb('winback');
      const stored = await db.put({ _id: 'w', v: 'stored' });
      const a = 'a'.repeat(32);
      const b = 'b'.repeat(32);
      // 1-aaa beats the stored 1-967a… on hash; deleting it on a child gives the win back to the stored leaf.
      const written = await db.bulkDocs(
        [
          { _id: 'w', _rev: `1-${a}`, v: 'replicated' },
          { _id: 'w', _rev: `2-${b}`, _deleted: true, _revisions: { start: 2, ids: [b, a] } },
        ],
        { new_edits: false },
      );
      expect(written).toStrictEqual([]);
      expect(await db.get('w', { deleted_conflicts: true })).toStrictEqual({ _id: 'w', _rev: stored.rev, v: 'stored', _deleted_conflicts: [`2-${b}`] });
      expect(await db.get('w', { rev: `1-${a}` })).toStrictEqual({ _id: 'w', _rev: `1-${a}`, v: 'replicated' });
      const changes = await db.changes({ include_docs: true });
      expect(changes.results.map((row) => row.doc)).toStrictEqual([{ _id: 'w', _rev: stored.rev, v: 'stored' }]);
      expect(await db.info()).toMatchObject({ doc_count: 1, doc_del_count: 0 });
    });

    it('when every leaf is deleted, the document reads as deleted', async () => {
      const db = await h.createDb('alldeleted');
      await writeConflicted(db);
      await db.remove('conflicted', CONFLICTED.main2);
      await db.remove('conflicted', CONFLICTED.branchC);
      await expect(db.get('conflicted')).rejects.toMatchObject({ status: 404, error: 'not_found', reason: 'deleted' });
      expect(await db.info()).toMatchObject({ doc_count: 0, doc_del_count: 1 });
    });
  });

  describe('revs_limit stemming', () => {
    it('keeps only revs_limit revisions of history once the document is written again', async () => {
      const db = await h.createDb('stem');
      expect(await db.putRevsLimit(2)).toStrictEqual({ ok: true });
      await writeDoc1History(db);
      // Stemming changes no revision id: each rev still hashes its full parent.
      expect(await db.get('doc1', { revs: true })).toStrictEqual({
        _id: 'doc1',
        _rev: DOC1.r6,
        title: 'reborn',
        _revisions: { start: 6, ids: [hashOf(DOC1.r6), hashOf(DOC1.r5)] },
      });
      expect((await db.get('doc1', { revs_info: true }))._revs_info).toStrictEqual([
        { rev: DOC1.r6, status: 'available' },
        { rev: DOC1.r5, status: 'deleted' },
      ]);
    });

    it('a lowered revs_limit cuts _revisions on every read before the document is written again', async () => {
      const db = await h.createDb('stemread');
      await writeDoc1History(db);
      expect(await db.putRevsLimit(3)).toStrictEqual({ ok: true });
      const cut = { start: 6, ids: [DOC1.r6, DOC1.r5, DOC1.r4].map(hashOf) };
      expect((await db.get('doc1', { revs: true }))._revisions).toStrictEqual(cut);
      expect(await db.getOpenRevs('doc1', [DOC1.r6], { revs: true })).toStrictEqual([{ ok: { _id: 'doc1', _rev: DOC1.r6, title: 'reborn', _revisions: cut } }]);
      const [result] = (await db.bulkGet([{ id: 'doc1' }], { revs: true })).results;
      expect(result?.docs).toStrictEqual([{ ok: { _id: 'doc1', _rev: DOC1.r6, title: 'reborn', _revisions: cut } }]);
    });

    it('compaction stems every document to a lowered revs_limit (couch_bt_engine_compactor)', async () => {
      const db = await h.createDb('stemcompact');
      await writeDoc1History(db);
      expect(await db.putRevsLimit(2)).toStrictEqual({ ok: true });
      // Not written again: the whole history is still known.
      expect(await db.revsDiff({ doc1: [DOC1.r4] })).toStrictEqual({});
      expect(await db.compact()).toStrictEqual({ ok: true });
      await compactionDone(db);
      expect(await db.revsDiff({ doc1: [DOC1.r4, DOC1.r5] })).toStrictEqual({ doc1: { missing: [DOC1.r4] } });
      // Compaction also drops the bodies of non-leaf revisions: the kept ancestor reads as missing, deleted or not.
      expect((await db.get('doc1', { revs_info: true }))._revs_info).toStrictEqual([
        { rev: DOC1.r6, status: 'available' },
        { rev: DOC1.r5, status: 'missing' },
      ]);
    });
  });
});

/** A server compacts in the background (202): wait until its info says compaction is over. */
async function compactionDone(db: DatabaseAdapter): Promise<void> {
  for (let i = 0; i < 100 && (await db.info()).compact_running === true; i++) await new Promise((resolve) => setTimeout(resolve, 50));
}
