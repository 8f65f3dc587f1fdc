// `_purge` on the engine, as chttpd_db and couch_db answer it (CouchDB's purge_test.exs and chttpd_purge_tests.erl):
// the checks of the request and what a purge removes. pouchdb-server has no `_purge`, so this is not in the
// cross-backend suite; test/server/purge-http.test.ts checks the wire.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BadRequestError, NotFoundError, type DatabaseAdapter, type JsonObject } from '@settee/core';
import { createEngine, type Engine } from '../engine.js';

/** A well-formed revision that no document has. */
const revN = (n: number) => `1-${n.toString(16).padStart(32, '0')}`;

/** `count` ids, each with one revision. */
const ids = (count: number): Record<string, string[]> => Object.fromEntries(Array.from({ length: count }, (_, i) => [`d${i}`, [revN(1)]]));

async function refused(promise: Promise<unknown>, reason: string): Promise<void> {
  const error: unknown = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(BadRequestError);
  expect(error).toMatchObject({ status: 400, error: 'bad_request', reason });
}

describe('purge', () => {
  let engine: Engine;
  let db: DatabaseAdapter;
  beforeEach(async () => {
    engine = createEngine({ storage: 'memory' });
    await engine.createDb('db');
    db = engine.db('db');
  });
  afterEach(() => engine.close());

  // chttpd_db: json_body_obj, then couch_doc:parse_revs on every value, then [purge] max_document_id_number (100)
  // and max_revisions_number (1000) as shipped.
  it('refuses a body that is not an object, a value that is not a list, and more than 100 ids or 1000 revisions', async () => {
    const bad = (request: unknown, reason: string) => refused(db.purge(request as Record<string, string[]>), reason);
    await bad([], 'Request body must be a JSON object');
    await bad({ a: revN(1) }, 'Invalid list of revisions');
    await bad({ a: ['nodash'] }, 'Invalid rev format');
    await bad(ids(101), 'Exceeded maximum number of documents.');
    await bad({ a: Array.from({ length: 1001 }, (_, i) => revN(i)) }, 'Exceeded maximum number of revisions.');
    // Every revision is parsed before the counts are checked.
    await bad({ ...ids(101), z: ['nodash'] }, 'Invalid rev format');
  });

  it('takes 100 ids and 1000 revisions; an empty request purges nothing', async () => {
    const atIdLimit = await db.purge(ids(100));
    expect(Object.values(atIdLimit.purged).every((revs) => revs.length === 0)).toBe(true);
    expect(await db.purge({ a: Array.from({ length: 1000 }, (_, i) => revN(i)) })).toStrictEqual({ purge_seq: null, purged: { a: [] } });
    expect(await db.purge({})).toStrictEqual({ purge_seq: null, purged: {} });
  });

  // purge_test.exs "purge documents" and "COUCHDB-1065".
  it('purges whole documents and single conflicting leaves, and counts purges in purge_seq', async () => {
    const one = await db.put({ _id: 'one', n: 1 });
    const two = await db.put({ _id: 'two', n: 2 });
    const before = await db.info();
    expect(await db.purge({ one: [one.rev], two: [two.rev] })).toStrictEqual({ purge_seq: null, purged: { one: [one.rev], two: [two.rev] } });
    await expect(db.get('one')).rejects.toBeInstanceOf(NotFoundError);
    const after = await db.info();
    expect(after.doc_count).toBe(before.doc_count - 2);
    expect(after.purge_seq).not.toBe(before.purge_seq);

    const first = '1-23202479633c2b380f79507a776743d5';
    const second = '1-3975759ccff3842adf690a5c10caee42';
    const leaves: JsonObject[] = [
      { _id: 'c', _rev: first, a: 1 },
      { _id: 'c', _rev: second, a: 2 },
    ];
    await db.bulkDocs(leaves, { new_edits: false });
    await db.purge({ c: [first] });
    await expect(db.get('c', { rev: first })).rejects.toBeInstanceOf(NotFoundError);
    expect(await db.get('c', { conflicts: true })).toStrictEqual({ _id: 'c', _rev: second, a: 2 });
    await db.purge({ c: [second] });
    await expect(db.get('c')).rejects.toBeInstanceOf(NotFoundError);
    // What is already gone is answered with an empty list.
    expect((await db.purge({ c: [first, second] })).purged).toStrictEqual({ c: [] });
  });
});
