// Single-document reads and writes, after shared/couchdb-reference/documents.json.
import { describe, expect, it } from 'vitest';
import { BadRequestError, ConflictError, NotFoundError } from '@settee/core';
import { backends } from './backends.js';
import { databaseState } from './db-state.js';
import { expectCouchError } from './expect-couch-error.js';
import { useBackend } from './harness.js';
import { DOC1, writeDoc1History } from './recorded-flows.js';
import { unsafe } from './unsafe.js';

const CONFLICT = 'Document update conflict.';

describe.each(backends)('documents [$name]', (backend) => {
  const h = useBackend(backend);

  describe('create and read', () => {
    it('post generates a 32-hex id; the revision depends on the body only', async () => {
      const db = await h.createDb('post');
      const first = await db.post({ type: 'auto', n: 1 });
      expect(first).toStrictEqual({ ok: true, id: expect.stringMatching(/^[0-9a-f]{32}$/), rev: '1-73a42824e38b2586ed5e775613bcf740' });
      const second = await db.post({ type: 'auto', n: 3 });
      expect(second.rev).toBe('1-a175d6f29a60b469bb4e324046df41b1');
      expect(second.id).not.toBe(first.id);
      expect(await db.get(first.id)).toStrictEqual({ _id: first.id, _rev: first.rev, type: 'auto', n: 1 });
    });

    it('post keeps a given _id, and conflicts when it exists', async () => {
      const db = await h.createDb('postid');
      expect(await db.post({ _id: 'posted', n: 2 })).toStrictEqual({
        ok: true,
        id: 'posted',
        rev: '1-43a36d04d31d38efc5b9245c53e00627',
      });
      await expectCouchError(db.post({ _id: 'posted', n: 3 }), ConflictError, 409, 'conflict', CONFLICT);
    });

    it('put creates with the recorded revision and get returns the body with _id and _rev', async () => {
      const db = await h.createDb('put');
      expect(await db.put({ _id: 'doc1', title: 'hello', n: 1 })).toStrictEqual({
        ok: true,
        id: 'doc1',
        rev: DOC1.r1,
      });
      expect(await db.get('doc1')).toStrictEqual({ _id: 'doc1', _rev: DOC1.r1, title: 'hello', n: 1 });
    });

    it('stores unicode and slash ids as given', async () => {
      const db = await h.createDb('ids');
      expect(await db.put({ _id: '中文', lang: 'zh' })).toStrictEqual({
        ok: true,
        id: '中文',
        rev: '1-70c8028ccf04ce0d85e121a153fefb71',
      });
      expect(await db.get('中文')).toStrictEqual({ _id: '中文', _rev: '1-70c8028ccf04ce0d85e121a153fefb71', lang: 'zh' });
      expect(await db.put({ _id: 'has/slash', a: 1 })).toStrictEqual({
        ok: true,
        id: 'has/slash',
        rev: '1-23202479633c2b380f79507a776743d5',
      });
      expect(await db.get('has/slash')).toStrictEqual({ _id: 'has/slash', _rev: '1-23202479633c2b380f79507a776743d5', a: 1 });
    });

    it('answers 404 missing for an unknown id', async () => {
      const db = await h.createDb('missing');
      await expectCouchError(db.get('nope'), NotFoundError, 404, 'not_found', 'missing');
    });

    it('returns objects that belong to the caller, and keeps no reference to the input', async () => {
      const db = await h.createDb('copies');
      const input = { _id: 'c', list: [1, 2], nested: { a: 'x' } };
      const { rev } = await db.put(input);
      input.list.push(3);
      input.nested.a = 'changed by caller';
      const read = await db.get('c');
      expect(read).toStrictEqual({ _id: 'c', _rev: rev, list: [1, 2], nested: { a: 'x' } });
      (read['list'] as number[]).push(99);
      (read['nested'] as { a: string }).a = 'mutated';
      expect(await db.get('c')).toStrictEqual({ _id: 'c', _rev: rev, list: [1, 2], nested: { a: 'x' } });
    });
  });

  describe('updates and MVCC', () => {
    it('reproduces doc1: body _rev, options.rev, delete and re-create continue the generation', async () => {
      const db = await h.createDb('doc1');
      await writeDoc1History(db);
      expect(await db.get('doc1')).toStrictEqual({ _id: 'doc1', _rev: DOC1.r6, title: 'reborn' });
    });

    it('rejects an update without rev, with a stale rev and with an unknown rev with 409, writing nothing', async () => {
      const db = await h.createDb('conflicts');
      await db.put({ _id: 'doc1', title: 'hello', n: 1 });
      await db.put({ _id: 'doc1', _rev: DOC1.r1, title: 'second', n: 2 });
      const before = await databaseState(db);
      await expectCouchError(db.put({ _id: 'doc1', title: 'no rev' }), ConflictError, 409, 'conflict', CONFLICT);
      await expectCouchError(db.put({ _id: 'doc1', _rev: DOC1.r1, title: 'stale' }), ConflictError, 409, 'conflict', CONFLICT);
      await expectCouchError(
        db.put({ _id: 'doc1', _rev: '2-00000000000000000000000000000000', title: 'unknown' }),
        ConflictError,
        409,
        'conflict',
        CONFLICT,
      );
      await expectCouchError(db.put({ _id: 'doc1', title: 'stale' }, { rev: DOC1.r1 }), ConflictError, 409, 'conflict', CONFLICT);
      expect(await databaseState(db)).toStrictEqual(before);
    });

    it('rejects a body _rev that differs from options.rev', async () => {
      const db = await h.createDb('revmismatch');
      await writeDoc1History(db);
      await expectCouchError(
        db.put({ _id: 'doc1', _rev: DOC1.r6, title: 'x' }, { rev: DOC1.r3 }),
        BadRequestError,
        400,
        'bad_request',
        'Document rev from request body and query string have different values',
      );
    });

    it('accepts a made-up _rev for a new document: it starts at generation 2', async () => {
      const db = await h.createDb('madeup');
      expect(await db.put({ _id: 'bad5', _rev: '1-00000000000000000000000000000000' })).toStrictEqual({
        ok: true,
        id: 'bad5',
        rev: '2-fccfcbc9943ccc2d4c3349b400411646',
      });
    });

    it('silently drops the read-only special members and an empty _attachments', async () => {
      const db = await h.createDb('specials');
      const written = await db.put({
        _id: 'specials',
        _attachments: {},
        _conflicts: ['1-x'],
        _deleted_conflicts: [],
        _local_seq: 5,
        _revs_info: [],
        a: 1,
      });
      expect(written).toStrictEqual({ ok: true, id: 'specials', rev: '1-23202479633c2b380f79507a776743d5' });
      expect(await db.get('specials')).toStrictEqual({ _id: 'specials', _rev: '1-23202479633c2b380f79507a776743d5', a: 1 });
    });

    it("keeps the replicator's _replication_* members in the body, in any database", async () => {
      const db = await h.createDb('replstate');
      const state = { _replication_state: 'completed', _replication_state_time: '2026-11-22T10:00:00Z', _replication_id: 'abc', v: 1 };
      const written = await db.put(unsafe({ _id: 'job', ...state }));
      expect(await db.get('job')).toStrictEqual({ _id: 'job', _rev: written.rev, ...state });
    });

    it('new_edits: false stores the given revision as is, creating conflicts instead of rejecting', async () => {
      const db = await h.createDb('replput');
      const a = '1-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
      const f = '1-ffffffffffffffffffffffffffffffff';
      expect(await db.put({ _id: 'rep', _rev: a, v: 'a' }, { new_edits: false })).toStrictEqual({ ok: true, id: 'rep', rev: a });
      expect(await db.put({ _id: 'rep', _rev: f, v: 'f' }, { new_edits: false })).toStrictEqual({ ok: true, id: 'rep', rev: f });
      expect(await db.get('rep', { conflicts: true })).toStrictEqual({ _id: 'rep', _rev: f, v: 'f', _conflicts: [a] });
    });
  });

  describe('deletion', () => {
    it('deletes with the current rev, answers 404 deleted, and keeps the tombstone readable by rev', async () => {
      const db = await h.createDb('delete');
      await db.put({ _id: 'doc1', title: 'hello', n: 1 });
      await db.put({ _id: 'doc1', _rev: DOC1.r1, title: 'second', n: 2 });
      await db.put({ _id: 'doc1', title: 'third', n: 3 }, { rev: DOC1.r2 });
      await db.put({ _id: 'doc1', _rev: DOC1.r3, title: 'fourth', n: 4 });
      await expectCouchError(db.remove('doc1', DOC1.r1), ConflictError, 409, 'conflict', CONFLICT);
      expect(await db.remove('doc1', DOC1.r4)).toStrictEqual({ ok: true, id: 'doc1', rev: DOC1.r5 });
      await expectCouchError(db.get('doc1'), NotFoundError, 404, 'not_found', 'deleted');
      expect(await db.get('doc1', { rev: DOC1.r5 })).toStrictEqual({ _id: 'doc1', _rev: DOC1.r5, _deleted: true });
      await expectCouchError(db.remove('doc1', DOC1.r5), NotFoundError, 404, 'not_found', 'deleted');
      expect(await db.info()).toMatchObject({ doc_count: 0, doc_del_count: 1 });
    });

    it('deleted: true answers the winning tombstone instead of 404 deleted', async () => {
      const db = await h.createDb('deletedopt');
      const first = await db.put({ _id: 'gone', v: 1 });
      const removed = await db.remove('gone', first.rev);
      expect(await db.get('gone', { deleted: true })).toStrictEqual({ _id: 'gone', _rev: removed.rev, _deleted: true });
      await expectCouchError(db.get('nothere', { deleted: true }), NotFoundError, 404, 'not_found', 'missing');
    });

    it('re-creates a deleted document without rev; old revisions stay readable until compaction', async () => {
      const db = await h.createDb('recreate');
      await writeDoc1History(db);
      expect(await db.get('doc1', { rev: DOC1.r1 })).toStrictEqual({ _id: 'doc1', _rev: DOC1.r1, title: 'hello', n: 1 });
      await expectCouchError(
        db.get('doc1', { rev: '1-00000000000000000000000000000000' }),
        NotFoundError,
        404,
        'not_found',
        'missing',
      );
      expect(await db.info()).toMatchObject({ doc_count: 1, doc_del_count: 0 });
    });

    it('_deleted: true on a new id writes a tombstone', async () => {
      const db = await h.createDb('borndead');
      expect(await db.put({ _id: 'borndead', _deleted: true })).toStrictEqual({
        ok: true,
        id: 'borndead',
        rev: '1-de715bf126efc93d225d9e3f8e8eb81a',
      });
      await expectCouchError(db.get('borndead'), NotFoundError, 404, 'not_found', 'deleted');
      expect(await db.info()).toMatchObject({ doc_count: 0, doc_del_count: 1 });
    });

    it('deleting through put keeps the given body in the tombstone', async () => {
      const db = await h.createDb('viaput');
      const first = await db.put({ _id: 'viaput', a: 1 });
      expect(first.rev).toBe('1-23202479633c2b380f79507a776743d5');
      expect(await db.put({ _id: 'viaput', _rev: first.rev, _deleted: true, a: 1 })).toStrictEqual({
        ok: true,
        id: 'viaput',
        rev: '2-59880ecd931e058a6ef8615c32fb600e',
      });
      expect(await db.get('viaput', { rev: '2-59880ecd931e058a6ef8615c32fb600e' })).toStrictEqual({
        _id: 'viaput',
        _rev: '2-59880ecd931e058a6ef8615c32fb600e',
        a: 1,
        _deleted: true,
      });
    });
  });

  describe('id and member rules', () => {
    it.each(['put', 'post'] as const)('%s refuses ids starting with "_" other than _design/ and _local/', async (method) => {
      const db = await h.createDb('underscore');
      const doc = { _id: '_foo', a: 1 };
      await expectCouchError(
        method === 'put' ? db.put(doc) : db.post(doc),
        BadRequestError,
        400,
        'illegal_docid',
        'Only reserved document ids may start with underscore.',
      );
      await expectCouchError(db.get('_foo'), NotFoundError, 404, 'not_found', 'missing');
    });

    it('refuses an empty id and a non-string id', async () => {
      const db = await h.createDb('badids');
      await expectCouchError(db.post({ _id: '' }), BadRequestError, 400, 'illegal_docid', 'Document id must not be empty');
      await expectCouchError(db.post(unsafe({ _id: 5 })), BadRequestError, 400, 'illegal_docid', 'Document id must be a string');
      expect(await db.info()).toMatchObject({ doc_count: 0, doc_del_count: 0 });
    });

    it.each(['put', 'post'] as const)('%s refuses unknown top-level "_" members with doc_validation', async (method) => {
      const db = await h.createDb('foomember');
      const doc = { _id: 'bad1', _foo: 1 };
      await expectCouchError(
        method === 'put' ? db.put(doc) : db.post({ _foo: 1 }),
        BadRequestError,
        400,
        'doc_validation',
        'Bad special document member: _foo',
      );
      expect(await db.info()).toMatchObject({ doc_count: 0 });
    });

    it('handles design documents like other documents', async () => {
      const db = await h.createDb('design');
      const created = await db.put({ _id: '_design/ddoc', language: 'javascript', views: {} });
      expect(created).toStrictEqual({ ok: true, id: '_design/ddoc', rev: '1-0216605ef384362605fb46b1a6310ad3' });
      expect(await db.get('_design/ddoc')).toStrictEqual({
        _id: '_design/ddoc',
        _rev: '1-0216605ef384362605fb46b1a6310ad3',
        language: 'javascript',
        views: {},
      });
      await expectCouchError(db.put({ _id: '_design/ddoc', views: {} }), ConflictError, 409, 'conflict', CONFLICT);
      expect(await db.remove('_design/ddoc', created.rev)).toStrictEqual({
        ok: true,
        id: '_design/ddoc',
        rev: '2-0f53ae5d111ef4915046ea4b36260625',
      });
    });

    it('validates design document members', async () => {
      const db = await h.createDb('baddesign');
      await expectCouchError(
        db.put({ _id: '_design/bad', views: 'nope' }),
        BadRequestError,
        400,
        'invalid_design_doc',
        '`views` field must have object type',
      );
      // couch_mrview's validation of the design options that change how views are built.
      await expectCouchError(
        db.put({ _id: '_design/bad', options: { local_seq: 'yes' } }),
        BadRequestError,
        400,
        'invalid_design_doc',
        '`options.local_seq` field must have boolean type',
      );
      await expectCouchError(
        db.put({ _id: '_design/bad', options: { include_design: 1 } }),
        BadRequestError,
        400,
        'invalid_design_doc',
        '`options.include_design` field must have boolean type',
      );
      await expectCouchError(
        db.put({ _id: '_design/bad', options: { partitioned: true } }),
        BadRequestError,
        400,
        'invalid_design_doc',
        'partitioned option cannot be true in a non-partitioned database.',
      );
      await expectCouchError(db.get('_design/bad'), NotFoundError, 404, 'not_found', 'missing');
    });
  });

  describe('read options', () => {
    it('local_seq gives the integer sequence of the document’s last update', async () => {
      const db = await h.createDb('localseq');
      await writeDoc1History(db);
      // Six updates in a fresh one-shard database (the recording's 12 counts the other documents written first).
      expect(await db.get('doc1', { local_seq: true })).toStrictEqual({
        _id: 'doc1',
        _rev: DOC1.r6,
        title: 'reborn',
        _local_seq: 6,
      });
    });
  });
});
