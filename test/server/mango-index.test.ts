// The HTTP-only parts of Mango's `_index` on settee-server, after CouchDB 3.4's mango_httpd and its Python suite
// (src/mango/test/01-index-crud-test.py): paging the index list with `limit`/`skip` (mochiweb also splits the
// query on `;`), `POST _index/_bulk_delete`, and the methods each path takes.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { request, startServer } from './start.js';

let server: Awaited<ReturnType<typeof startServer>>;

interface IndexList {
  total_rows: number;
  indexes: Array<{ ddoc: string | null; name: string }>;
}

async function json(path: string, init: Parameters<typeof request>[2] = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await request(server, path, init);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function createIndex(field: string, ddoc?: string): Promise<void> {
  const res = await json('/idx/_index', { method: 'POST', json: { index: { fields: [field] }, name: `idx_${field}`, ...(ddoc === undefined ? {} : { ddoc }) } });
  expect(res.status).toBe(200);
}

const INVALID_PARAMS = { error: 'invalid_list_index_params', reason: 'Index parameter ranges: limit > 1, skip > 0' };

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server.closeAll();
});

beforeEach(async () => {
  await request(server, '/idx', { method: 'DELETE' });
  expect((await request(server, '/idx', { method: 'PUT' })).status).toBe(201);
});

describe('GET /db/_index?limit=&skip=', () => {
  beforeEach(async () => {
    for (const field of ['field1', 'field2', 'field3', 'field4', 'field5']) await createIndex(field);
  });

  it('pages the list; total_rows counts every index, the special _all_docs one included', async () => {
    const page = async (query: string): Promise<IndexList> => {
      const res = await json(`/idx/_index?${query}`);
      expect(res.status).toBe(200);
      return res.body as unknown as IndexList;
    };
    const all = await page('');
    expect(all.total_rows).toBe(6);
    // 01-index-crud-test.py's test_limit_skip_index, with its `limit=N;skip=M` queries.
    expect((await page('limit=2;')).indexes).toEqual(all.indexes.slice(0, 2));
    expect((await page('limit=5;skip=4')).indexes).toEqual(all.indexes.slice(4));
    expect((await page(';skip=5')).indexes).toEqual(all.indexes.slice(5));
    expect((await page('skip=6')).indexes).toEqual([]);
    expect((await page('skip=100')).indexes).toEqual([]);
    expect((await page('limit=10000000')).indexes).toEqual(all.indexes);
    expect((await page('limit=2&skip=1')).total_rows).toBe(6);
  });

  it.each(['skip=-1', 'limit=0', 'limit=abc', 'limit=', 'skip=1.5', 'limit=2;limit=x'])('%s is a 500 invalid_list_index_params', async (query) => {
    expect(await json(`/idx/_index?${query}`)).toEqual({ status: 500, body: INVALID_PARAMS });
  });
});

describe('POST /db/_index/_bulk_delete', () => {
  it('deletes the index of each design document named; one without an index is a not_found failure', async () => {
    await createIndex('field1', 'one');
    await createIndex('field2', 'two');
    const res = await json('/idx/_index/_bulk_delete', {
      method: 'POST',
      json: { docids: ['_design/one', 'two', '_design/this_is_not_an_index_name'], w: 3 },
    });
    // CouchDB folds the ids onto the front of each list: they come out reversed.
    expect(res).toEqual({
      status: 200,
      body: {
        success: [
          { id: '_design/two', ok: true },
          { id: '_design/one', ok: true },
        ],
        fail: [{ id: '_design/this_is_not_an_index_name', error: 'not_found' }],
      },
    });
    const list = (await json('/idx/_index')).body as unknown as IndexList;
    expect(list.indexes.map((index) => index.name)).toEqual(['_all_docs']);
    expect((await request(server, '/idx/_design/one')).status).toBe(404);
  });

  it.each([
    [{}, 'missing_required_key', 'Missing required key: docids'],
    [{ docids: 'x' }, 'invalid_bulk_docs', 'Bulk Delete requires an array of non-null docids. Docids: <<120>>'],
    [{ docids: [1] }, 'invalid_index_name', 'Invalid index name: 1'],
    [{ docids: [], w: 0 }, 'invalid_pos_integer', '0 is not an integer greater than zero'],
    [{ docids: [], bogus: 1 }, 'invalid_key', 'Invalid key bogus for this request.'],
  ])('refuses %j', async (body, error, reason) => {
    expect(await json('/idx/_index/_bulk_delete', { method: 'POST', json: body })).toEqual({ status: 400, body: { error, reason } });
  });

  it('takes only POST, with a JSON body', async () => {
    expect(await json('/idx/_index/_bulk_delete')).toEqual({
      status: 405,
      body: { error: 'method_not_allowed', reason: 'Only POST allowed' },
    });
    const res = await request(server, '/idx/_index/_bulk_delete', { method: 'POST', body: '{"docids":[]}', headers: { 'content-type': 'text/plain' } });
    expect(res.status).toBe(415);
  });
});

describe('methods of /db/_index', () => {
  it('answers other methods than GET and POST with the list CouchDB names', async () => {
    expect(await json('/idx/_index', { method: 'PUT', json: {} })).toEqual({
      status: 405,
      body: { error: 'method_not_allowed', reason: 'Only GET,POST allowed' },
    });
  });
});
