// The `oldDoc` validate_doc_update gets: the revision a write is made on, not the winner. Derived from couch_db.erl
// (prep_and_validate_update, prep_and_validate_replicated_updates, make_first_doc_on_disk, make_doc) and
// couch_query_servers:validate_doc_update (oldDoc is couch_doc:to_json_obj(Doc, [revs]), or null), not recorded.
import { describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError, type BulkWriteResult, type DatabaseAdapter, type JsonObject } from '@settee/core';
import { backends } from './backends.js';
import { expectCouchError } from './expect-couch-error.js';
import { useBackend } from './harness.js';
import { hasQuirk } from './quirks.js';

/** Refuses any document marked `echo`, with the oldDoc it was given (JSON) as the reason. */
const ECHO_OLD_DOC = 'function (newDoc, oldDoc) { if (newDoc.echo) throw({ forbidden: JSON.stringify(oldDoc) }); }';
const ADMIN = { userCtx: { name: 'admin', roles: ['_admin'] } };

const hash = (c: string): string => c.repeat(32);
const A = hash('a');
const B = hash('b');
const C = hash('c');
const D = hash('d');

/**
 * "cf": root 1-aaa (body stored, now an inner revision) with three leaves: 2-ccc (the winner), 2-bbb (losing) and
 * 2-ddd (a tombstone that kept a body); then the validator.
 */
async function writeConflicts(db: DatabaseAdapter): Promise<void> {
  const replicated = { new_edits: false, ...ADMIN };
  expect(await db.bulkDocs([{ _id: 'cf', _rev: `1-${A}`, v: 'root' }], replicated)).toEqual([]);
  const leaves = [
    { _id: 'cf', _rev: `2-${B}`, _revisions: { start: 2, ids: [B, A] }, v: 'losing' },
    { _id: 'cf', _rev: `2-${C}`, _revisions: { start: 2, ids: [C, A] }, v: 'winner' },
    { _id: 'cf', _rev: `2-${D}`, _revisions: { start: 2, ids: [D, A] }, _deleted: true, gone: 'yes' },
  ];
  expect(await db.bulkDocs(leaves, replicated)).toEqual([]);
  expect(await db.get('cf')).toMatchObject({ _rev: `2-${C}`, v: 'winner' });
  // The validator comes last: pouchdb-server does not store replicated revisions of existing documents once it has one.
  await db.put({ _id: '_design/echo', validate_doc_update: ECHO_OLD_DOC }, ADMIN);
}

/** The oldDoc the validator saw, from its forbidden reason. */
function seenIn(reason: string): JsonObject | null {
  return JSON.parse(reason) as JsonObject | null;
}

async function oldDocOfEdit(db: DatabaseAdapter, doc: JsonObject & { _id: string }): Promise<JsonObject | null> {
  const error = await expectCouchError(db.put(doc, ADMIN), ForbiddenError, 403, 'forbidden');
  return seenIn(error.reason);
}

async function oldDocOfReplicated(db: DatabaseAdapter, doc: JsonObject & { _id: string; _rev: string }): Promise<JsonObject | null> {
  const results: BulkWriteResult[] = await db.bulkDocs([doc], { new_edits: false, ...ADMIN });
  expect(results).toEqual([expect.objectContaining({ id: doc._id, rev: doc._rev, error: 'forbidden' })]);
  const [failure] = results;
  return seenIn((failure as { reason: string }).reason);
}

describe.each(backends)('validate_doc_update oldDoc [$name]', (backend) => {
  const h = useBackend(backend);

  describe('interactive edits', () => {
    it('an edit of a losing leaf gets that leaf, not the winner', async () => {
      const db = await h.createDb('vdu-losing');
      await writeConflicts(db);
      expect(await oldDocOfEdit(db, { _id: 'cf', _rev: `2-${B}`, echo: true })).toEqual({
        _id: 'cf',
        _rev: `2-${B}`,
        v: 'losing',
        _revisions: { start: 2, ids: [B, A] },
      });
    });

    it('an edit of a deleted leaf gets the tombstone: its body, _deleted and _revisions', async () => {
      const db = await h.createDb('vdu-tomb');
      await writeConflicts(db);
      expect(await oldDocOfEdit(db, { _id: 'cf', _rev: `2-${D}`, echo: true })).toEqual({
        _id: 'cf',
        _rev: `2-${D}`,
        gone: 'yes',
        _deleted: true,
        _revisions: { start: 2, ids: [D, A] },
      });
    });

    it('a write without _rev that re-creates a deleted document gets null', async () => {
      const db = await h.createDb('vdu-recreate');
      await db.put({ _id: '_design/echo', validate_doc_update: ECHO_OLD_DOC }, ADMIN);
      const created = await db.put({ _id: 'gone', v: 1 }, ADMIN);
      await db.remove('gone', created.rev, ADMIN);
      expect(await oldDocOfEdit(db, { _id: 'gone', echo: true })).toBeNull();
    });

    it("oldDoc carries the revision's attachment stubs", async () => {
      const db = await h.createDb('vdu-atts');
      await db.put({ _id: '_design/echo', validate_doc_update: ECHO_OLD_DOC }, ADMIN);
      const data = Buffer.from('hello').toString('base64');
      const created = await db.put({ _id: 'att', v: 1, _attachments: { 'a.txt': { content_type: 'text/plain', data } } }, ADMIN);
      const stored = await db.get('att');
      expect(await oldDocOfEdit(db, { _id: 'att', _rev: created.rev, echo: true })).toEqual({
        _id: 'att',
        _rev: created.rev,
        v: 1,
        _revisions: { start: 1, ids: [created.rev.slice(2)] },
        _attachments: stored._attachments,
      });
    });
  });

  describe('the revision check comes first', () => {
    const conflict = hasQuirk(backend, 'different-error-reasons') ? 'Document update conflict' : 'Document update conflict.';

    it('with a validator, an edit with the _rev of a document that does not exist is a conflict', async () => {
      // Without validators (nor design documents or attachments in the request) CouchDB takes such a made-up _rev.
      const db = await h.createDb('vdu-madeup');
      await db.put({ _id: '_design/echo', validate_doc_update: ECHO_OLD_DOC }, ADMIN);
      await expectCouchError(db.put({ _id: 'nope', _rev: `1-${A}`, v: 1 }, ADMIN), ConflictError, 409, 'conflict', conflict);
      expect(await db.bulkDocs([{ _id: 'nope', _rev: `1-${A}` }, { _id: 'fine' }], ADMIN)).toEqual([
        { id: 'nope', error: 'conflict', reason: conflict },
        expect.objectContaining({ ok: true, id: 'fine' }),
      ]);
    });

    it('a design document written on a revision it does not have is a conflict before its views are checked', async () => {
      const db = await h.createDb('vdu-ddoc-conflict');
      const bad = { views: { v: { map: 'function (doc) {' } } };
      await expectCouchError(db.put({ _id: '_design/new', _rev: `1-${A}`, ...bad }, ADMIN), ConflictError, 409, 'conflict', conflict);
      await db.put({ _id: '_design/old', views: {} }, ADMIN);
      await expectCouchError(db.put({ _id: '_design/old', _rev: `1-${A}`, ...bad }, ADMIN), ConflictError, 409, 'conflict', conflict);
    });
  });

  describe('replicated writes (new_edits: false)', () => {
    it('a new revision gets its parent, here a losing leaf', async () => {
      const db = await h.createDb('vdu-rep-parent');
      await writeConflicts(db);
      const E = hash('e');
      expect(await oldDocOfReplicated(db, { _id: 'cf', _rev: `3-${E}`, _revisions: { start: 3, ids: [E, B, A] }, echo: true })).toEqual({
        _id: 'cf',
        _rev: `2-${B}`,
        v: 'losing',
        _revisions: { start: 2, ids: [B, A] },
      });
    });

    it('a parent that is a tombstone is given with _deleted', async () => {
      const db = await h.createDb('vdu-rep-tomb');
      await writeConflicts(db);
      const E = hash('e');
      expect(await oldDocOfReplicated(db, { _id: 'cf', _rev: `3-${E}`, _revisions: { start: 3, ids: [E, D, A] }, echo: true })).toEqual({
        _id: 'cf',
        _rev: `2-${D}`,
        gone: 'yes',
        _deleted: true,
        _revisions: { start: 2, ids: [D, A] },
      });
    });

    it('ancestors the database does not have are skipped for the first one whose body is stored', async () => {
      const db = await h.createDb('vdu-rep-skip');
      await writeConflicts(db);
      const [E, F] = [hash('e'), hash('f')];
      expect(await oldDocOfReplicated(db, { _id: 'cf', _rev: `3-${E}`, _revisions: { start: 3, ids: [E, F, A] }, echo: true })).toEqual({
        _id: 'cf',
        _rev: `1-${A}`,
        v: 'root',
        _revisions: { start: 1, ids: [A] },
      });
    });

    it('gets null when no ancestor is stored, even though the document exists', async () => {
      const db = await h.createDb('vdu-rep-none');
      await writeConflicts(db);
      const [E, F] = [hash('e'), hash('f')];
      expect(await oldDocOfReplicated(db, { _id: 'cf', _rev: `2-${E}`, _revisions: { start: 2, ids: [E, F] }, echo: true })).toBeNull();
    });

    it('an ancestor whose body compaction dropped is skipped too', async () => {
      const db = await h.createDb('vdu-rep-compacted');
      await writeConflicts(db);
      expect(await db.compact()).toStrictEqual({ ok: true });
      for (let i = 0; i < 100 && (await db.info()).compact_running === true; i++) await new Promise((resolve) => setTimeout(resolve, 50));
      const [E, F] = [hash('e'), hash('f')];
      expect(await oldDocOfReplicated(db, { _id: 'cf', _rev: `3-${E}`, _revisions: { start: 3, ids: [E, F, A] }, echo: true })).toBeNull();
    });

    it('a revision the database already has is not validated again', async () => {
      const db = await h.createDb('vdu-rep-known');
      await writeConflicts(db);
      const again = { _id: 'cf', _rev: `2-${B}`, _revisions: { start: 2, ids: [B, A] }, echo: true };
      expect(await db.bulkDocs([again], { new_edits: false, ...ADMIN })).toEqual([]);
      expect(await db.get('cf', { rev: `2-${B}` })).toEqual({ _id: 'cf', _rev: `2-${B}`, v: 'losing' });
    });
  });

  describe('newDoc._revisions', () => {
    /** Refuses a document marked `echoNew`, with its newDoc._revisions (JSON) as the reason. */
    const ECHO_NEW_REVISIONS = 'function (newDoc) { if (newDoc.echoNew) throw({ forbidden: JSON.stringify(newDoc._revisions) }); }';

    it('is the given _rev alone for a PUT, and its whole path for an attachment write (which opens the revision first)', async () => {
      const db = await h.createDb('vdu-new-revisions');
      const first = await db.put({ _id: 'n', echoNew: true, step: 1 });
      const second = await db.put({ _id: 'n', _rev: first.rev, echoNew: true, step: 2 });
      await db.put({ _id: '_design/echo', validate_doc_update: ECHO_NEW_REVISIONS }, ADMIN);
      const [pos2, hash2] = second.rev.split('-') as [string, string];
      const [, hash1] = first.rev.split('-') as [string, string];
      const put = await expectCouchError(db.put({ _id: 'n', _rev: second.rev, echoNew: true, step: 3 }, ADMIN), ForbiddenError, 403, 'forbidden');
      const putIds = hasQuirk(backend, 'vdu-new-doc-revisions-path') ? [hash2, hash1] : [hash2];
      expect(JSON.parse(put.reason)).toEqual({ start: Number(pos2), ids: putIds });
      const attachment = await expectCouchError(
        db.putAttachment('n', 'a.txt', new TextEncoder().encode('hi'), 'text/plain', second.rev, ADMIN),
        ForbiddenError,
        403,
        'forbidden',
      );
      expect(JSON.parse(attachment.reason)).toEqual({ start: Number(pos2), ids: [hash2, hash1] });
    });
  });
});
