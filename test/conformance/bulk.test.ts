// _bulk_docs, _bulk_get and _revs_diff, after shared/couchdb-reference/bulk.json.
import { describe, expect, it } from 'vitest';
import { BadRequestError, type DatabaseAdapter, type DocumentInput } from '@settee/core';
import { backends } from './backends.js';
import { databaseState } from './db-state.js';
import { expectCouchError } from './expect-couch-error.js';
import { useBackend } from './harness.js';
import { unsafe } from './unsafe.js';

const CONFLICT = 'Document update conflict.';

const REV = {
  a1: '1-7a7e4b29f3af401e69b6f86e4c26b727',
  b1: '1-c7a7a74ea67a7e7b62067bb33379fc2b',
  c1: '1-b0f2140feaaeb57b7b7f48784847e852',
  d1: '1-3a978d8c8db1b0122a212b8456cef2aa',
  a2: '2-e825f23f8ac9e7b498c4cb786b1c94df',
  b2: '2-c97363904e17aa9369386df493b2df6c',
  a3deleted: '3-5f9808dfcc54ecb631c4d677bbd4d1d6',
  c2deleted: '2-b3f9c520abbaa8a5eec81e57e98d39a2',
  d2: '2-7f121114feef6cf60ec328d512b5c586',
  hC: '3-cccccccccccccccccccccccccccccccc',
  hD: '3-dddddddddddddddddddddddddddddddd',
} as const;

const H_HISTORY = ['bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'];

/** bulk.json steps 1-4: insert (one without _id), a per-doc conflict, updates, deletes with one stale rev. */
async function writeInsertUpdateDelete(db: DatabaseAdapter): Promise<string> {
  const inserted = await db.bulkDocs([{ _id: 'a', v: 1 }, { v: 2 }, { _id: 'b', v: 3 }, { _id: 'c', v: 4 }]);
  expect(inserted).toStrictEqual([
    { ok: true, id: 'a', rev: REV.a1 },
    { ok: true, id: expect.stringMatching(/^[0-9a-f]{32}$/), rev: '1-b8f97323e7f26909d5e0c8d2764a765f' },
    { ok: true, id: 'b', rev: REV.b1 },
    { ok: true, id: 'c', rev: REV.c1 },
  ]);
  expect(
    await db.bulkDocs([
      { _id: 'a', v: 'again' },
      { _id: 'd', v: 5 },
    ]),
  ).toStrictEqual([
    { id: 'a', error: 'conflict', reason: CONFLICT },
    { ok: true, id: 'd', rev: REV.d1 },
  ]);
  expect(
    await db.bulkDocs([
      { _id: 'a', _rev: REV.a1, v: 10 },
      { _id: 'b', _rev: REV.b1, v: 30 },
    ]),
  ).toStrictEqual([
    { ok: true, id: 'a', rev: REV.a2 },
    { ok: true, id: 'b', rev: REV.b2 },
  ]);
  expect(
    await db.bulkDocs([
      { _id: 'a', _rev: REV.a2, _deleted: true },
      { _id: 'b', _rev: REV.b1, _deleted: true },
      { _id: 'c', _rev: REV.c1, _deleted: true },
    ]),
  ).toStrictEqual([
    { ok: true, id: 'a', rev: REV.a3deleted },
    { id: 'b', error: 'conflict', reason: CONFLICT },
    { ok: true, id: 'c', rev: REV.c2deleted },
  ]);
  const generated = inserted[1]?.id;
  if (generated === undefined) throw new Error('no generated id');
  return generated;
}

/** bulk.json step 7: "h" with two rev-3 branches sharing revs 1 and 2. */
async function writeBranchesOfH(db: DatabaseAdapter): Promise<void> {
  const written = await db.bulkDocs(
    [
      { _id: 'h', _rev: REV.hC, _revisions: { start: 3, ids: ['cccccccccccccccccccccccccccccccc', ...H_HISTORY] }, v: 'branch-1' },
      { _id: 'h', _rev: REV.hD, _revisions: { start: 3, ids: ['dddddddddddddddddddddddddddddddd', ...H_HISTORY] }, v: 'branch-2' },
    ],
    { new_edits: false },
  );
  expect(written).toStrictEqual([]);
}

/** "d" at revs 1 and 2 (bulk.json steps 2 and 28). */
async function writeD(db: DatabaseAdapter): Promise<void> {
  expect(await db.put({ _id: 'd', v: 5 })).toStrictEqual({ ok: true, id: 'd', rev: REV.d1 });
  expect(await db.put({ _id: 'd', _rev: REV.d1, v: 6 })).toStrictEqual({ ok: true, id: 'd', rev: REV.d2 });
}

describe.each(backends)('bulk [$name]', (backend) => {
  const h = useBackend(backend);

  describe('bulkDocs', () => {
    it('inserts, updates and deletes with per-document conflict entries, in request order', async () => {
      const db = await h.createDb('flow');
      const generated = await writeInsertUpdateDelete(db);
      const rows = (await db.allDocs()).rows;
      expect(rows.map((row) => row.key)).toStrictEqual(['b', 'd', generated].sort());
      expect(await db.get('b')).toStrictEqual({ _id: 'b', _rev: REV.b2, v: 30 });
      expect(await db.info()).toMatchObject({ doc_count: 3, doc_del_count: 2 });
    });

    it('the same id twice in one request: the first wins, the second conflicts', async () => {
      const db = await h.createDb('twice');
      expect(
        await db.bulkDocs([
          { _id: 'twice', v: 1 },
          { _id: 'twice', v: 2 },
        ]),
      ).toStrictEqual([
        { ok: true, id: 'twice', rev: REV.a1 },
        { id: 'twice', error: 'conflict', reason: CONFLICT },
      ]);
      expect(await db.get('twice')).toStrictEqual({ _id: 'twice', _rev: REV.a1, v: 1 });
    });

    it('an empty request answers []', async () => {
      const db = await h.createDb('empty');
      expect(await db.bulkDocs([])).toStrictEqual([]);
    });
  });

  describe('bulkDocs with new_edits: false', () => {
    it('merges histories into conflicts and answers []', async () => {
      const db = await h.createDb('histories');
      await writeBranchesOfH(db);
      expect(await db.get('h', { conflicts: true, revs: true })).toStrictEqual({
        _id: 'h',
        _rev: REV.hD,
        v: 'branch-2',
        _revisions: { start: 3, ids: ['dddddddddddddddddddddddddddddddd', ...H_HISTORY] },
        _conflicts: [REV.hC],
      });
    });

    it('re-sending a revision it has is a no-op: the stored body stays', async () => {
      const db = await h.createDb('noop');
      await writeBranchesOfH(db);
      const resent = await db.bulkDocs(
        [
          {
            _id: 'h',
            _rev: REV.hC,
            _revisions: { start: 3, ids: ['cccccccccccccccccccccccccccccccc', ...H_HISTORY] },
            v: 'changed body ignored',
          },
        ],
        { new_edits: false },
      );
      expect(resent).toStrictEqual([]);
      expect(await db.get('h', { rev: REV.hC })).toStrictEqual({ _id: 'h', _rev: REV.hC, v: 'branch-1' });
    });

    it('a _rev without _revisions makes a history of that one revision', async () => {
      const db = await h.createDb('onlyrev');
      const rev = '5-55555555555555555555555555555555';
      expect(await db.bulkDocs([{ _id: 'onlyrev', _rev: rev, v: 1 }], { new_edits: false })).toStrictEqual([]);
      expect(await db.get('onlyrev', { revs: true })).toStrictEqual({
        _id: 'onlyrev',
        _rev: rev,
        v: 1,
        _revisions: { start: 5, ids: ['55555555555555555555555555555555'] },
      });
    });

    it('a document without _rev rejects the whole request', async () => {
      const db = await h.createDb('norev');
      const before = await databaseState(db);
      await expectCouchError(
        db.bulkDocs([{ _id: 'fine', _rev: '1-11111111111111111111111111111111' }, { _id: 'norev', v: 1 }], { new_edits: false }),
        BadRequestError,
        400,
        'bad_request',
        'When `new_edits: false`, the document needs `_rev` or `_revisions` specified',
      );
      expect(await databaseState(db)).toStrictEqual(before);
    });

    it.each([0, 'false', null])('new_edits %j (not a boolean) rejects the request', async (value) => {
      const db = await h.createDb('neweditstype');
      const before = await databaseState(db);
      const options = { new_edits: value as unknown as boolean };
      await expectCouchError(db.bulkDocs([{ _id: 'x', v: 1 }], options), BadRequestError, 400, 'bad_request', '`new_edits` parameter must be a boolean.');
      expect(await databaseState(db)).toStrictEqual(before);
    });
  });

  describe('whole-request rejections write nothing', () => {
    it.each<{ what: string; docs: DocumentInput[]; error: string; reason: string }>([
      {
        what: 'an illegal _id',
        docs: [{ _id: '_bad' }, { _id: 'fine1' }],
        error: 'illegal_docid',
        reason: 'Only reserved document ids may start with underscore.',
      },
      {
        what: 'a _foo member',
        docs: [{ _id: 'f1', _foo: 1 }, { _id: 'fine2' }],
        error: 'doc_validation',
        reason: 'Bad special document member: _foo',
      },
      {
        what: 'a malformed _rev',
        docs: [{ _id: 'r1', _rev: 'abc' }, { _id: 'fine3' }],
        error: 'bad_request',
        reason: 'Invalid rev format',
      },
    ])('$what in one document fails the request with 400 $error', async ({ docs, error, reason }) => {
      const db = await h.createDb('reject');
      await db.put({ _id: 'existing', v: 1 });
      const before = await databaseState(db);
      // The valid document comes second here, so also try it first: neither order may write it.
      await expectCouchError(db.bulkDocs(docs), BadRequestError, 400, error, reason);
      await expectCouchError(db.bulkDocs([...docs].reverse()), BadRequestError, 400, error, reason);
      expect(await databaseState(db)).toStrictEqual(before);
    });
  });

  describe('bulkGet', () => {
    it('answers a doc, an old rev, a missing doc ("undefined" rev) and a missing rev', async () => {
      const db = await h.createDb('bulkget');
      await writeD(db);
      const unknown = '9-99999999999999999999999999999999';
      expect(
        await db.bulkGet([{ id: 'd' }, { id: 'd', rev: REV.d1 }, { id: 'missing' }, { id: 'd', rev: unknown }]),
      ).toStrictEqual({
        results: [
          { id: 'd', docs: [{ ok: { _id: 'd', _rev: REV.d2, v: 6 } }] },
          { id: 'd', docs: [{ ok: { _id: 'd', _rev: REV.d1, v: 5 } }] },
          { id: 'missing', docs: [{ error: { id: 'missing', rev: 'undefined', error: 'not_found', reason: 'missing' } }] },
          { id: 'd', docs: [{ error: { id: 'd', rev: unknown, error: 'not_found', reason: 'missing' } }] },
        ],
      });
    });

    it('revs adds _revisions; latest turns an old rev into the leaf', async () => {
      const db = await h.createDb('bulkgetrevs');
      await writeD(db);
      expect(await db.bulkGet([{ id: 'd' }], { revs: true })).toStrictEqual({
        results: [
          {
            id: 'd',
            docs: [
              {
                ok: {
                  _id: 'd',
                  _rev: REV.d2,
                  v: 6,
                  _revisions: { start: 2, ids: ['7f121114feef6cf60ec328d512b5c586', '3a978d8c8db1b0122a212b8456cef2aa'] },
                },
              },
            ],
          },
        ],
      });
      expect(await db.bulkGet([{ id: 'd', rev: REV.d1 }], { latest: true })).toStrictEqual({
        results: [{ id: 'd', docs: [{ ok: { _id: 'd', _rev: REV.d2, v: 6 } }] }],
      });
    });

    it('without rev answers every leaf of a conflicted doc, and the tombstone of a deleted one', async () => {
      const db = await h.createDb('bulkgetleaves');
      await writeBranchesOfH(db);
      await db.put({ _id: 'gone', v: 1 });
      const removed = await db.remove('gone', '1-7a7e4b29f3af401e69b6f86e4c26b727');
      expect(await db.bulkGet([{ id: 'h' }, { id: 'gone' }])).toStrictEqual({
        results: [
          {
            id: 'h',
            docs: [{ ok: { _id: 'h', _rev: REV.hC, v: 'branch-1' } }, { ok: { _id: 'h', _rev: REV.hD, v: 'branch-2' } }],
          },
          { id: 'gone', docs: [{ ok: { _id: 'gone', _rev: removed.rev, _deleted: true } }] },
        ],
      });
    });

    it('answers an entry without id and an entry with a malformed rev with error entries', async () => {
      const db = await h.createDb('bulkgetbad');
      await writeD(db);
      expect(await db.bulkGet([unsafe({ rev: REV.d2 }), { id: 'd', rev: 'abc' }])).toStrictEqual({
        results: [
          { id: null, docs: [{ error: { id: null, rev: null, error: 'bad_request', reason: 'document id missed' } }] },
          { id: 'd', docs: [{ error: { id: 'd', rev: 'abc', error: 'bad_request', reason: 'Invalid rev format' } }] },
        ],
      });
    });

    it('answers entries it cannot serve as chttpd_db does: not an object, an illegal id, a bad atts_since', async () => {
      const db = await h.createDb('bulkgetinvalid');
      await writeD(db);
      const entry = (id: string | null, rev: string | null, error: string, reason: string) => ({ id, docs: [{ error: { id, rev, error, reason } }] });
      expect(
        await db.bulkGet([
          unsafe('foo'),
          { id: '_bad' },
          unsafe({ id: 'd', atts_since: 'x' }),
          { id: 'd', atts_since: ['bad'] },
        ]),
      ).toStrictEqual({
        results: [
          entry(null, null, 'bad_request', 'document must be a JSON object'),
          entry('_bad', null, 'illegal_docid', 'Only reserved document ids may start with underscore.'),
          entry('d', 'x', 'bad_request', 'att_since value must be array of revs.'),
          entry('d', 'bad', 'bad_request', 'Invalid rev format'),
        ],
      });
    });
  });

  describe('revsDiff', () => {
    it('lists missing revisions with the leaves that could be their ancestors', async () => {
      const db = await h.createDb('revsdiff');
      await writeD(db);
      await writeBranchesOfH(db);
      expect(
        await db.revsDiff({
          d: [REV.d1, REV.d2, '3-33333333333333333333333333333333'],
          h: [REV.hC, '4-eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee', '2-ffffffffffffffffffffffffffffffff'],
          unknown: ['1-11111111111111111111111111111111'],
        }),
      ).toStrictEqual({
        unknown: { missing: ['1-11111111111111111111111111111111'] },
        d: { missing: ['3-33333333333333333333333333333333'], possible_ancestors: [REV.d2] },
        h: {
          missing: ['2-ffffffffffffffffffffffffffffffff', '4-eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee'],
          possible_ancestors: [REV.hD, REV.hC],
        },
      });
    });

    it('answers {} when nothing is missing', async () => {
      const db = await h.createDb('revsdiffnone');
      await writeD(db);
      expect(await db.revsDiff({ d: [REV.d2] })).toStrictEqual({});
      // No revisions asked about: nothing is missing, for a stored document or an unknown one.
      expect(await db.revsDiff({ d: [], nodoc: [] })).toStrictEqual({});
    });

    it('rejects a malformed rev', async () => {
      const db = await h.createDb('revsdiffbad');
      await writeD(db);
      await expectCouchError(db.revsDiff({ d: ['abc'] }), BadRequestError, 400, 'bad_request', 'Invalid rev format');
    });
  });
});
