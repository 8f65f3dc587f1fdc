// The `/{db}/_partition/...` paths over a real settee-server on 127.0.0.1: what the adapter contract cannot reach
// (malformed paths, methods, the `partition` query parameter, view requests as CouchDB's HTTP API takes them).
// Expected answers follow chttpd_db:handle_partition_req (apache/couchdb 3.x).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '@settee/engine';
import { createServer, type SetteeServer } from '../index.js';

const ADMIN = { name: 'admin', password: 'partition-test-pw' };
const AUTH = `Basic ${Buffer.from(`${ADMIN.name}:${ADMIN.password}`).toString('base64')}`;

describe('settee-server /{db}/_partition', () => {
  const engine = createEngine({ storage: 'memory' });
  let server: SetteeServer;

  async function call(path: string, init: { method?: string; json?: unknown } = {}): Promise<{ status: number; body: unknown }> {
    const headers: Record<string, string> = { authorization: AUTH };
    if (init.json !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${server.url}${path}`, {
      method: init.method ?? 'GET',
      headers,
      ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
    });
    const text = await res.text();
    return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
  }

  beforeAll(async () => {
    server = await createServer({ engine, port: 0, host: '127.0.0.1', admin: ADMIN, pbkdf2Iterations: 1000 });
    expect((await call('/pdb?partitioned=true&q=1', { method: 'PUT' })).status).toBe(201);
    expect((await call('/plain', { method: 'PUT' })).status).toBe(201);
    const docs = [
      { _id: 'a:1', n: 1 },
      { _id: 'a:2', n: 2 },
      { _id: 'b:1', n: 1 },
      {
        _id: '_design/v',
        views: { by_n: { map: 'function (doc) { if (doc.n) emit(doc.n, null); }' } },
        lists: { ids: 'function (head, req) { var row, ids = []; while ((row = getRow())) ids.push(row.id); return JSON.stringify({ ids: ids, query: req.query }); }' },
      },
    ];
    expect((await call('/pdb/_bulk_docs', { method: 'POST', json: { docs } })).status).toBe(201);
  });

  afterAll(async () => {
    await server.close();
    await engine.close();
  });

  it('answers the partition info on GET, 405 on other methods', async () => {
    const info = await call('/pdb/_partition/a');
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({ db_name: 'pdb', partition: 'a', doc_count: 2, doc_del_count: 0 });
    expect((await call('/pdb/_partition/a', { method: 'PUT' })).status).toBe(405);
  });

  it('refuses malformed partition paths with CouchDB errors', async () => {
    expect(await call('/pdb/_partition')).toStrictEqual({ status: 400, body: { error: 'bad_request', reason: 'invalid_partition_req' } });
    const underscore = { error: 'illegal_partition', reason: 'Partition must not start with an underscore' };
    expect(await call('/pdb/_partition/_find', { method: 'POST', json: { selector: {} } })).toStrictEqual({ status: 400, body: underscore });
    expect(await call('/pdb/_partition/_bar/_all_docs')).toStrictEqual({ status: 400, body: underscore });
    expect(await call('/plain/_partition/a/_all_docs')).toStrictEqual({ status: 400, body: { error: 'bad_request', reason: 'database is not partitioned' } });
    expect(await call('/pdb/_partition/a/_all_docs?partition=b')).toStrictEqual({
      status: 400,
      body: { error: 'bad_request', reason: 'Conflicting value for `partition` in query string' },
    });
    expect((await call('/pdb/_partition/a/_nope')).status).toBe(404);
  });

  it('serves _all_docs (GET and POST keys), _find and _explain within the partition', async () => {
    const listed = await call('/pdb/_partition/a/_all_docs?limit=1');
    expect((listed.body as { rows: Array<{ id: string }> }).rows.map((row) => row.id)).toStrictEqual(['a:1']);
    const keyed = await call('/pdb/_partition/a/_all_docs', { method: 'POST', json: { keys: ['a:2'] } });
    expect((keyed.body as { rows: Array<{ id: string }> }).rows.map((row) => row.id)).toStrictEqual(['a:2']);
    const found = await call('/pdb/_partition/b/_find', { method: 'POST', json: { selector: { n: 1 }, fields: ['_id'] } });
    expect(found.status).toBe(200);
    expect((found.body as { docs: unknown[] }).docs).toStrictEqual([{ _id: 'b:1' }]);
    const explained = await call('/pdb/_partition/b/_explain', { method: 'POST', json: { selector: { n: 1 } } });
    expect((explained.body as { mrargs: { partition: string } }).mrargs.partition).toBe('b');
    expect((await call('/pdb/_partition/b/_find')).status).toBe(405);
  });

  // chttpd_db passes `_all_docs/queries` on with `partition` in the query string: every query is in the partition.
  it('serves _all_docs/queries within the partition, each query over the query string', async () => {
    const answer = await call('/pdb/_partition/a/_all_docs/queries?descending=true', {
      method: 'POST',
      json: { queries: [{}, { limit: 1 }, { keys: ['a:1'] }, { startkey: 'b:0', descending: false }] },
    });
    expect(answer.status).toBe(200);
    const ids = (answer.body as { results: Array<{ rows: Array<{ id: string }> }> }).results.map((result) => result.rows.map((row) => row.id));
    expect(ids).toStrictEqual([['a:2', 'a:1'], ['a:2'], ['a:1'], []]);
    expect((await call('/pdb/_partition/a/_all_docs/queries')).status).toBe(405);
    expect(await call('/pdb/_partition/a/_all_docs/queries', { method: 'POST', json: { queries: {} } })).toStrictEqual({
      status: 400,
      body: { error: 'bad_request', reason: '`queries` member must be an array.' },
    });
  });

  it('serves a partitioned view by GET and POST; the global path refuses it', async () => {
    const got = await call('/pdb/_partition/a/_design/v/_view/by_n?descending=true');
    expect(got.status).toBe(200);
    expect((got.body as { rows: Array<{ id: string }> }).rows.map((row) => row.id)).toStrictEqual(['a:2', 'a:1']);
    const posted = await call('/pdb/_partition/a/_design/v/_view/by_n', { method: 'POST', json: { keys: [1] } });
    expect((posted.body as { rows: Array<{ id: string }> }).rows.map((row) => row.id)).toStrictEqual(['a:1']);
    expect(await call('/pdb/_design/v/_view/by_n')).toStrictEqual({
      status: 400,
      body: { error: 'query_parse_error', reason: '`partition` parameter is mandatory for queries to this view.' },
    });
    expect((await call('/pdb/_partition/a/_design/missing/_view/by_n')).status).toBe(404);
    // The same partition in the query string is accepted.
    const same = await call('/pdb/_partition/b/_design/v/_view/by_n?partition=b');
    expect((same.body as { rows: Array<{ id: string }> }).rows.map((row) => row.id)).toStrictEqual(['b:1']);
  });

  // chttpd hands the request to the design handlers with `partition` added to the view parameters: a list reads
  // the partition's rows, while `req.query` stays the URL's own query string.
  it('runs a list over the partition\'s rows of a partitioned view', async () => {
    expect(await call('/pdb/_partition/a/_design/v/_list/ids/by_n?descending=true')).toStrictEqual({
      status: 200,
      body: { ids: ['a:2', 'a:1'], query: { descending: 'true' } },
    });
    expect((await call('/pdb/_partition/b/_design/v/_list/ids/by_n', { method: 'POST', json: { keys: [1, 2] } })).body).toMatchObject({ ids: ['b:1'] });
    expect((await call('/pdb/_design/v/_list/ids/by_n?partition=a&limit=1')).body).toMatchObject({ ids: ['a:1'] });
    expect(await call('/pdb/_partition/a/_design/v/_list/ids/by_n?partition=b')).toStrictEqual({
      status: 400,
      body: { error: 'bad_request', reason: 'Conflicting value for `partition` in query string' },
    });
  });

  it('GET /db/_all_docs?partition= lists that partition, and is refused on a database that is not partitioned', async () => {
    const rows = (await call('/pdb/_all_docs?partition=a')).body as { rows: Array<{ id: string }> };
    expect(rows.rows.map((row) => row.id)).toStrictEqual(['a:1', 'a:2']);
    expect(await call('/plain/_all_docs?partition=a')).toStrictEqual({
      status: 400,
      body: { error: 'query_parse_error', reason: '`partition` parameter is not supported on this db' },
    });
  });

  it('_all_docs/queries applies each query over the URL\'s own parameters', async () => {
    const answer = (await call('/pdb/_all_docs/queries?limit=1', { method: 'POST', json: { queries: [{}, { skip: 1 }, { limit: 3 }] } })).body as {
      results: Array<{ rows: Array<{ id: string }> }>;
    };
    expect(answer.results.map((result) => result.rows.map((row) => row.id))).toStrictEqual([['_design/v'], ['a:1'], ['_design/v', 'a:1', 'a:2']]);
  });
});
