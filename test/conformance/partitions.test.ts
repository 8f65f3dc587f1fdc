// Partitioned databases (`createDb(name, { partitioned: true })`): the `partition:docid` rule on every write path,
// and a partition's endpoints through `db.partition(name)`: info, `_all_docs`, `_find`, `_explain` and partitioned
// views, with CouchDB's errors. The info answer and the id error are recorded in databases.json ("partdb"); the
// rest follows couch_partition, chttpd_db:handle_partition_req, couch_mrview_util and mango (apache/couchdb 3.x) and
// its partition_*_test.exs suites, as said at each test.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BadRequestError, NotFoundError, type DatabaseAdapter, type DesignResponse, type JsonObject } from '@settee/core';
import { backends } from './backends.js';
import { databaseState } from './db-state.js';
import { expectCouchError } from './expect-couch-error.js';
import { useBackend, type Harness } from './harness.js';

interface RecordedStep {
  note?: string;
  request?: { method: string; path: string; body?: unknown };
  response?: { status: number; body?: unknown };
}

const recorded = (
  JSON.parse(readFileSync(new URL('../../../shared/couchdb-reference/databases.json', import.meta.url), 'utf8')) as { steps: RecordedStep[] }
).steps;

function step(notePrefix: string): Required<RecordedStep> {
  const found = recorded.find((s) => s.note?.startsWith(notePrefix));
  if (found?.request === undefined || found.response === undefined) throw new Error(`no recorded step "${notePrefix}"`);
  return found as Required<RecordedStep>;
}

const NEEDS_PARTITION = 'Doc id must be of form partition:id';

async function partitionedDb(h: Harness): Promise<DatabaseAdapter> {
  const name = h.dbName('part');
  await h.server.createDb(name, { q: 1, partitioned: true });
  return h.server.db(name);
}

/** Documents in partitions p1, p2 and p10 (whose ids sort before `p1:`: "0" < ":"), `value` 1..n in each. */
async function seed(db: DatabaseAdapter): Promise<void> {
  const docs: JsonObject[] = [];
  for (const partition of ['p1', 'p2', 'p10']) {
    for (let i = 1; i <= 6; i++) docs.push({ _id: `${partition}:d${i}`, value: i, kind: i % 2 === 0 ? 'even' : 'odd', partition });
  }
  const results = await db.bulkDocs(docs);
  expect(results.every((r) => 'ok' in r)).toBe(true);
}

/** The ids of view or `_all_docs` rows (undefined for an error row). */
const ids = (rows: readonly object[]): Array<string | undefined> => rows.map((row) => ('id' in row && typeof row.id === 'string' ? row.id : undefined));

describe.each(backends)('partitions [$name]', (backend) => {
  const h = useBackend(backend);

  it('refuses a partitioned flag other than true or false, and partitioning a system database', async () => {
    const name = h.dbName('badflag');
    await expectCouchError(h.server.createDb(name, { partitioned: 'tru' as unknown as boolean }), BadRequestError, 400, 'bad_request', 'Invalid `partitioned` parameter');
    await expectCouchError(h.server.createDb('_replicator', { partitioned: true }), BadRequestError, 400, 'bad_request', 'Cannot partition a system database');
    await expect(h.server.db(name).info()).rejects.toMatchObject({ status: 404 });
    // `false` is a plain database.
    await h.server.createDb(h.track(name), { partitioned: false });
    expect((await h.server.db(name).info()).props).toStrictEqual({});
  });

  it('records props.partitioned and refuses an id without a partition (recorded)', async () => {
    const db = await partitionedDb(h);
    expect((await db.info()).props).toStrictEqual({ partitioned: true });
    const refused = step('PUT /partdb/nocolon');
    expect(refused.response.status).toBe(400);
    expect(refused.response.body).toStrictEqual({ error: 'illegal_docid', reason: NEEDS_PARTITION });
    await expectCouchError(db.put({ _id: 'nocolon', x: 1 }), BadRequestError, 400, 'illegal_docid', NEEDS_PARTITION);
    const accepted = step('PUT /partdb/p1:doc');
    const result = await db.put({ _id: 'p1:doc', ...(accepted.request.body as JsonObject) });
    expect(result).toStrictEqual(accepted.response.body);
  });

  it('partition info counts the partition only (recorded)', async () => {
    const db = await partitionedDb(h);
    await db.put({ _id: 'p1:doc', x: 1 });
    await db.put({ _id: 'p2:other', x: 1 });
    const expected = step('GET /partdb/_partition/p1').response.body as JsonObject;
    const info = await db.partition('p1').info();
    expect(info).toStrictEqual({ ...expected, db_name: db.name, sizes: { ...(expected['sizes'] as JsonObject), active: info.sizes.active } });
    expect(typeof info.sizes.active).toBe('number');
  });

  it('partition info counts deleted documents in doc_del_count', async () => {
    const db = await partitionedDb(h);
    await seed(db);
    const doomed = await db.get('p1:d1');
    await db.remove('p1:d1', doomed._rev);
    const info = await db.partition('p1').info();
    expect([info.partition, info.doc_count, info.doc_del_count]).toStrictEqual(['p1', 5, 1]);
    const empty = await db.partition('nothing').info();
    expect([empty.doc_count, empty.doc_del_count, empty.sizes.external]).toStrictEqual([0, 0, 0]);
  });

  // couch_partition:validate_docid, on every write path (partition_crud_test.exs); the request writes nothing.
  it('refuses ids without a valid partition on every write path and writes nothing', async () => {
    const db = await partitionedDb(h);
    await db.put({ _id: 'p1:keep', x: 1 });
    const before = await databaseState(db);
    const docid = (promise: Promise<unknown>, reason: string) => expectCouchError(promise, BadRequestError, 400, 'illegal_docid', reason);
    await docid(db.put({ _id: 'nocolon' }), NEEDS_PARTITION);
    await docid(db.put({ _id: '_bad:x' }), 'Only reserved document ids may start with underscore.');
    await docid(db.put({ _id: 'p1:' }), 'Document id must not be empty');
    await docid(db.put({ _id: 'p1:_x' }), 'Only reserved document ids may start with underscore.');
    await expectCouchError(db.put({ _id: ':x' }), BadRequestError, 400, 'illegal_partition', 'Partition must not be empty');
    await docid(db.post({ _id: 'nocolon' }), NEEDS_PARTITION);
    // A generated id (a uuid) has no partition.
    await docid(db.post({ x: 1 }), NEEDS_PARTITION);
    await docid(db.bulkDocs([{ _id: 'p1:fine' }, { _id: 'nocolon' }]), NEEDS_PARTITION);
    await docid(db.bulkDocs([{ _id: 'p1:fine' }, { x: 1 }]), NEEDS_PARTITION);
    await docid(db.bulkDocs([{ _id: 'p1:fine' }, { _id: 'foo:' }]), 'Document id must not be empty');
    await docid(
      db.bulkDocs([{ _id: 'nocolon', _rev: '1-967a00dff5e02add41819138abb3284d', _revisions: { start: 1, ids: ['967a00dff5e02add41819138abb3284d'] } }], { new_edits: false }),
      NEEDS_PARTITION,
    );
    await docid(db.putAttachment('nocolon', 'a.txt', new TextEncoder().encode('hi'), 'text/plain'), NEEDS_PARTITION);
    await docid(db.purge({ nocolon: ['1-967a00dff5e02add41819138abb3284d'] }), NEEDS_PARTITION);
    expect(await databaseState(db)).toStrictEqual(before);
  });

  it('accepts partition:docid, _design/ and _local/ ids; reading an id without a partition is refused', async () => {
    const db = await partitionedDb(h);
    const written = await db.bulkDocs([{ _id: 'p1:a' }, { _id: '_design/x' }, { _id: '_local/y' }]);
    expect(written.every((r) => 'ok' in r)).toBe(true);
    const put = await db.putAttachment('p1:b', 'a.txt', new TextEncoder().encode('hi'), 'text/plain');
    expect(put.ok).toBe(true);
    expect((await db.get('p1:a'))._id).toBe('p1:a');
    // The shard of a document is found from its partition (the partition_crud_test.exs _bulk_get case).
    await expectCouchError(db.get('nocolon'), BadRequestError, 400, 'illegal_docid', NEEDS_PARTITION);
    await expectCouchError(db.get('p1:missing'), NotFoundError, 404, 'not_found', 'missing');
    // _bulk_get answers that per entry (partition_crud_test.exs "_bulk_get bad partitioned document").
    const got = await db.bulkGet([{ id: 'p1:a' }, { id: 'nocolon' }]);
    expect(got.results[0]?.docs[0]).toMatchObject({ ok: { _id: 'p1:a' } });
    expect(got.results[1]).toStrictEqual({
      id: 'nocolon',
      docs: [{ error: { id: 'nocolon', rev: null, error: 'illegal_docid', reason: NEEDS_PARTITION } }],
    });
  });

  it('allDocs in a partition lists its ids only, with key, ranges, limit, skip and descending', async () => {
    const db = await partitionedDb(h);
    await seed(db);
    const p1 = db.partition('p1');
    const all = ['p1:d1', 'p1:d2', 'p1:d3', 'p1:d4', 'p1:d5', 'p1:d6'];
    expect(ids((await p1.allDocs()).rows)).toStrictEqual(all);
    expect(ids((await p1.allDocs({ limit: 2, skip: 1 })).rows)).toStrictEqual(['p1:d2', 'p1:d3']);
    expect(ids((await p1.allDocs({ descending: true, limit: 3 })).rows)).toStrictEqual(['p1:d6', 'p1:d5', 'p1:d4']);
    expect(ids((await p1.allDocs({ startkey: 'p1:d3', endkey: 'p1:d4' })).rows)).toStrictEqual(['p1:d3', 'p1:d4']);
    expect(ids((await p1.allDocs({ key: 'p1:d5' })).rows)).toStrictEqual(['p1:d5']);
    // Ranges are clamped to the partition: a wider range or another partition's key finds nothing outside it.
    expect(ids((await p1.allDocs({ startkey: 'a', endkey: 'z' })).rows)).toStrictEqual(all);
    expect((await p1.allDocs({ key: 'p2:d1' })).rows).toStrictEqual([]);
    const withDocs = await db.partition('p10').allDocs({ include_docs: true, limit: 1 });
    expect(withDocs.rows[0]).toMatchObject({ id: 'p10:d1', doc: { _id: 'p10:d1', value: 1 } });
  });

  it('allDocs in a partition with keys answers a row per key', async () => {
    const db = await partitionedDb(h);
    await seed(db);
    const rows = (await db.partition('p1').allDocs({ keys: ['p1:d4', 'p1:d2', 'p1:nope'] })).rows;
    expect(rows.map((row) => row.key)).toStrictEqual(['p1:d4', 'p1:d2', 'p1:nope']);
    expect(rows[2]).toStrictEqual({ key: 'p1:nope', error: 'not_found' });
  });

  it('find in a partition returns its documents only, with and without a partitioned index', async () => {
    const db = await partitionedDb(h);
    await seed(db);
    const selector = { value: { $gte: 2, $lt: 5 } };
    const p2 = db.partition('p2');
    const scanned = await p2.find({ selector, fields: ['_id', 'value'] });
    expect(scanned.docs).toStrictEqual([
      { _id: 'p2:d2', value: 2 },
      { _id: 'p2:d3', value: 3 },
      { _id: 'p2:d4', value: 4 },
    ]);
    // An index created in a partitioned database is partitioned (mango's db default).
    await db.createIndex({ index: { fields: ['value'] }, name: 'by-value', ddoc: 'idx' });
    const listed = (await db.getIndexes()).indexes.find((index) => index.name === 'by-value');
    expect(listed?.partitioned).toBe(true);
    const indexed = await p2.find({ selector, fields: ['_id', 'value'], sort: [{ value: 'desc' }] });
    expect(indexed.docs.map((doc) => doc._id)).toStrictEqual(['p2:d4', 'p2:d3', 'p2:d2']);
    // Paging with the bookmark stays in the partition.
    const first = await p2.find({ selector: { value: { $gt: 0 } }, limit: 4 });
    const next = await p2.find({ selector: { value: { $gt: 0 } }, limit: 4, bookmark: first.bookmark });
    expect([...first.docs, ...next.docs].map((doc) => doc._id)).toStrictEqual(['p2:d1', 'p2:d2', 'p2:d3', 'p2:d4', 'p2:d5', 'p2:d6']);
  });

  // partition_mango_test.exs: "global query does not use partition index", "partitioned query does not use global index".
  it('explain shows the partition; partitioned indexes serve partition queries, global ones global queries', async () => {
    const db = await partitionedDb(h);
    await seed(db);
    await db.createIndex({ index: { fields: ['kind'] }, name: 'by-kind', ddoc: 'part' });
    await db.createIndex({ index: { fields: ['value'] }, name: 'by-value-global', ddoc: 'global', partitioned: false });
    const inPartition = await db.partition('p1').explain({ selector: { kind: 'odd' } });
    expect(inPartition.index?.name).toBe('by-kind');
    expect(inPartition.opts.partition).toBe('p1');
    expect(inPartition.mrargs?.partition).toBe('p1');
    expect(inPartition.partitioned).toBe(true);
    const globalInPartition = await db.partition('p1').explain({ selector: { value: 3 } });
    expect(globalInPartition.index?.name).toBe('_all_docs');
    const global = await db.explain({ selector: { kind: 'odd' } });
    expect(global.index?.name).toBe('_all_docs');
    expect(global.opts.partition).toBe('');
    expect(global.mrargs?.partition).toBeNull();
    const globalIndexed = await db.explain({ selector: { value: 3 } });
    expect(globalIndexed.index?.name).toBe('by-value-global');
    expect(globalIndexed.partitioned).toBe(false);
    const found = await db.find({ selector: { value: 3 }, fields: ['_id'] });
    expect(found.docs.map((doc) => doc._id).sort()).toStrictEqual(['p10:d3', 'p1:d3', 'p2:d3']);
  });

  // partition_view_test.exs: design documents of a partitioned database are partitioned unless they say otherwise.
  it('a view query with the partition parameter answers as the partition\'s own view query', async () => {
    const db = await partitionedDb(h);
    await seed(db);
    await db.put({ _id: '_design/v', views: { by_value: { map: 'function (doc) { if (doc.value) emit(doc.value, null); }' } } });
    await db.put({ _id: '_design/g', options: { partitioned: false }, views: { all: { map: 'function (doc) { emit(doc._id, null); }' } } });
    const viaParameter = await db.query('v', 'by_value', { partition: 'p2', startkey: 2, endkey: 3 });
    expect(viaParameter).toStrictEqual(await db.partition('p2').query('v', 'by_value', { startkey: 2, endkey: 3 }));
    expect(ids(viaParameter.rows)).toStrictEqual(['p2:d2', 'p2:d3']);
    const unsupported = '`partition` parameter is not supported in this design doc';
    await expectCouchError(db.query('g', 'all', { partition: 'p2' }), BadRequestError, 400, 'query_parse_error', unsupported);
    await expectCouchError(db.query('v', 'by_value', { partition: '_bad' }), BadRequestError, 400, 'illegal_partition', 'Partition must not start with an underscore');
    // A view of a database that is not partitioned is global: the parameter is refused the same way.
    const plain = await h.createDb('plainview');
    await plain.put({ _id: '_design/v', views: { all: { map: 'function (doc) { emit(doc._id, null); }' } } });
    await expectCouchError(plain.query('v', 'all', { partition: 'p1' }), BadRequestError, 400, 'query_parse_error', unsupported);
  });

  it('a partitioned view answers per partition: rows, keys, ranges, limit, skip, descending and reduce', async () => {
    const db = await partitionedDb(h);
    await seed(db);
    await db.put({
      _id: '_design/v',
      views: {
        by_value: { map: 'function (doc) { if (doc.value) emit(doc.value, doc.kind); }' },
        count_kind: { map: 'function (doc) { if (doc.kind) emit([doc.kind, doc.value], 1); }', reduce: '_count' },
      },
    });
    const p1 = db.partition('p1');
    const rows = (await p1.query('v', 'by_value')).rows;
    expect(rows.map((row) => [row.id, row.key, row.value])).toStrictEqual([
      ['p1:d1', 1, 'odd'],
      ['p1:d2', 2, 'even'],
      ['p1:d3', 3, 'odd'],
      ['p1:d4', 4, 'even'],
      ['p1:d5', 5, 'odd'],
      ['p1:d6', 6, 'even'],
    ]);
    expect(ids((await p1.query('v', 'by_value', { startkey: 2, endkey: 4 })).rows)).toStrictEqual(['p1:d2', 'p1:d3', 'p1:d4']);
    expect(ids((await p1.query('v', 'by_value', { keys: [5, 2] })).rows)).toStrictEqual(['p1:d5', 'p1:d2']);
    expect(ids((await p1.query('v', 'by_value', { descending: true, limit: 2, skip: 1 })).rows)).toStrictEqual(['p1:d5', 'p1:d4']);
    expect(ids((await p1.query('v', 'by_value', { key: 3, include_docs: true })).rows)).toStrictEqual(['p1:d3']);
    // A string key sorts after every number: nothing matches (the "wrong inputs" case).
    expect((await p1.query('v', 'by_value', { startkey: 'p1:d2' })).rows).toStrictEqual([]);
    expect((await p1.query('v', 'count_kind')).rows).toStrictEqual([{ key: null, value: 6 }]);
    expect((await db.partition('p2').query('v', 'count_kind', { group_level: 1 })).rows).toStrictEqual([
      { key: ['even'], value: 3 },
      { key: ['odd'], value: 3 },
    ]);
  });

  // chttpd_show reads a list's view parameters as a view query does (couch_mrview_http:parse_params), so
  // `partition` scopes the rows the list function reads and a partitioned view still needs one.
  it('a list over a partitioned view reads the partition given by the partition parameter', async () => {
    const db = await partitionedDb(h);
    await seed(db);
    await db.put({
      _id: '_design/l',
      views: { by_value: { map: 'function (doc) { if (doc.value) emit(doc.value, null); }' } },
      lists: { ids: 'function (head) { var row, ids = []; while ((row = getRow())) ids.push(row.id); return JSON.stringify(ids); }' },
    });
    const listed = (response: DesignResponse): unknown => JSON.parse(new TextDecoder().decode(response.body));
    expect(listed(await db.list('l', 'ids', 'by_value', { partition: 'p2', startkey: 2, endkey: 3 }))).toStrictEqual(['p2:d2', 'p2:d3']);
    expect(listed(await db.list('l', 'ids', 'by_value', { partition: 'p10', limit: 1 }))).toStrictEqual(['p10:d1']);
    await expectCouchError(db.list('l', 'ids', 'by_value'), BadRequestError, 400, 'query_parse_error', '`partition` parameter is mandatory for queries to this view.');
    await expectCouchError(db.list('l', 'ids', 'by_value', { partition: '_p' }), BadRequestError, 400, 'illegal_partition', 'Partition must not start with an underscore');
  });

  it('a global design document (options.partitioned false) is queried without a partition', async () => {
    const db = await partitionedDb(h);
    await seed(db);
    await db.put({ _id: '_design/g', options: { partitioned: false }, views: { by_value: { map: 'function (doc) { emit(doc.value, null); }' } } });
    const rows = (await db.query('g', 'by_value', { key: 2 })).rows;
    expect(ids(rows)).toStrictEqual(['p10:d2', 'p1:d2', 'p2:d2']);
  });

  // couch_mrview_util:validate_args and chttpd_db:handle_partition_req.
  it('answers CouchDB errors: scope mismatches, bad partition names, a database that is not partitioned', async () => {
    const db = await partitionedDb(h);
    await seed(db);
    await db.put({ _id: '_design/v', views: { by_value: { map: 'function (doc) { emit(doc.value, null); }' } } });
    await db.put({ _id: '_design/g', options: { partitioned: false }, views: { by_value: { map: 'function (doc) { emit(doc.value, null); }' } } });
    const parse = (promise: Promise<unknown>, reason: string) => expectCouchError(promise, BadRequestError, 400, 'query_parse_error', reason);
    await parse(db.query('v', 'by_value'), '`partition` parameter is mandatory for queries to this view.');
    await parse(db.partition('p1').query('g', 'by_value'), '`partition` parameter is not supported in this design doc');
    await expectCouchError(db.partition('p1').query('v', 'nope'), NotFoundError, 404, 'not_found', 'missing_named_view');
    await expectCouchError(db.partition('p1').query('nope', 'by_value'), NotFoundError, 404, 'not_found', 'missing');
    const illegal = (promise: Promise<unknown>, reason: string) => expectCouchError(promise, BadRequestError, 400, 'illegal_partition', reason);
    await illegal(db.partition('_bar').allDocs(), 'Partition must not start with an underscore');
    await illegal(db.partition('_bar').info(), 'Partition must not start with an underscore');
    await illegal(db.partition('').find({ selector: {} }), 'Partition must not be empty');
    await illegal(db.partition('a:b').query('v', 'by_value'), 'Partition must not contain a colon');
    // mango_opts:validate_partition: a `partition` member of a global `_find` is checked the same way ("" is none).
    await illegal(db.find({ selector: {}, partition: '_bar' }), 'Partition must not start with an underscore');
    await illegal(db.explain({ selector: {}, partition: 'a:b' }), 'Partition must not contain a colon');
    await illegal(db.find({ selector: {}, partition: 5 as unknown as string }), 'Partition must be a string');
    expect((await db.find({ selector: { value: 6 }, partition: '', fields: ['_id'] })).docs).toHaveLength(3);
    expect((await db.find({ selector: { value: 6 }, partition: 'p1', fields: ['_id'] })).docs).toStrictEqual([{ _id: 'p1:d6' }]);

    const plain = await h.createDb('plain');
    const notPartitioned = (promise: Promise<unknown>) => expectCouchError(promise, BadRequestError, 400, 'bad_request', 'database is not partitioned');
    await notPartitioned(plain.partition('p1').info());
    await notPartitioned(plain.partition('p1').allDocs());
    await notPartitioned(plain.partition('p1').find({ selector: {} }));
    await notPartitioned(plain.partition('p1').explain({ selector: {} }));
    await notPartitioned(plain.partition('p1').query('v', 'by_value'));
  });
});
