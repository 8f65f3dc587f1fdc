// GET /{db}/_design/{ddoc}/_info on settee-server: the view index state CouchDB 3.4.3 reports (couch_mrview_http's
// info request, fabric_group_info for one shard), checked against the recorded answer of views.json and through
// the index's life: never built, brought up to date by a query, behind again after a write.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setDesignLogger, type DesignLogger } from '@settee/engine';
import { basic, createUser, request, startServer } from './start.js';

let server: Awaited<ReturnType<typeof startServer>>;
// The recorded documents include one the `throws` view's map rejects: its log line is kept here, not printed.
const logged: string[] = [];
let previousLogger: DesignLogger;

interface RecordedStep {
  note?: string;
  request?: { method: string; path: string; body?: unknown };
  response?: { status: number; body?: unknown };
}

interface ViewIndexInfo {
  updates_pending: { minimum: number; preferred: number; total: number };
  update_seq: number;
  sizes: { file: number; external: number; active: number };
  signature: string;
  purge_seq: number;
  language: string;
  [member: string]: unknown;
}

let steps: RecordedStep[];

function step(method: string, path: string): RecordedStep {
  const found = steps.find((s) => s.request?.method === method && s.request.path === path);
  if (found === undefined) throw new Error(`views.json has no ${method} ${path}`);
  return found;
}

async function info(path = '/db/_design/app/_info', auth?: string | null): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await request(server, path, auth === undefined ? {} : { auth });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

function indexOf(body: Record<string, unknown>): ViewIndexInfo {
  return body['view_index'] as ViewIndexInfo;
}

beforeAll(async () => {
  const text = await readFile(new URL('../../../shared/couchdb-reference/views.json', import.meta.url), 'utf8');
  steps = (JSON.parse(text) as { steps: RecordedStep[] }).steps;
  previousLogger = setDesignLogger((line) => logged.push(line));
  server = await startServer();
  expect((await request(server, '/db', { method: 'PUT' })).status).toBe(201);
  const bulk = step('POST', '/db/_bulk_docs').request!;
  expect((await request(server, '/db/_bulk_docs', { method: 'POST', json: bulk.body })).status).toBe(201);
  const ddoc = step('PUT', '/db/_design/app').request!;
  expect((await request(server, '/db/_design/app', { method: 'PUT', json: ddoc.body })).status).toBe(201);
});

afterAll(async () => {
  await server.closeAll();
  setDesignLogger(previousLogger);
});

describe('GET /db/_design/ddoc/_info', () => {
  it('before any query the index covers nothing and every update is pending', async () => {
    const { status, body } = await info();
    expect(status).toBe(200);
    expect(body['name']).toBe('app');
    const index = indexOf(body);
    // 10 documents and the design document.
    expect(index.updates_pending).toStrictEqual({ minimum: 11, preferred: 11, total: 11 });
    expect(index.update_seq).toBe(0);
    expect(index.sizes).toStrictEqual({ file: 0, external: 0, active: 0 });
    expect(index.signature).toMatch(/^[0-9a-f]{32}$/);
  });

  it('after the recorded writes and a query it answers what CouchDB 3.4.3 recorded', async () => {
    const s11 = step('PUT', '/db/s11').request!;
    expect((await request(server, '/db/s11', { method: 'PUT', json: s11.body })).status).toBe(201);
    const query = await request(server, '/db/_design/app/_view/by_year?startkey=2024');
    expect(query.status).toBe(200);
    await query.arrayBuffer();

    const recorded = step('GET', '/db/_design/app/_info').response!;
    const { status, body } = await info();
    expect(status).toBe(recorded.status);
    const expected = structuredClone(recorded.body) as { name: string; view_index: Record<string, unknown> };
    const actual = structuredClone(body) as { name: string; view_index: Record<string, unknown> };
    // The recorded sizes are placeholders, and the signature is CouchDB's hash of its own index header.
    for (const member of ['sizes', 'signature']) {
      delete expected.view_index[member];
      delete actual.view_index[member];
    }
    // Differences on purpose: the engine commits index rows with the seq they cover, so nothing waits for a
    // commit (CouchDB had a delayed commit pending); and it has no ICU library version to report.
    expect(expected.view_index['waiting_commit']).toBe(true);
    expected.view_index['waiting_commit'] = false;
    delete expected.view_index['collator_versions'];
    expect(actual).toStrictEqual(expected);
    // Indexing mapped every document with every view: the `throws` view rejected s09, as CouchDB logs.
    expect(logged.some((line) => line.includes('boom on s09'))).toBe(true);
    const sizes = indexOf(body).sizes;
    expect(sizes.external).toBeGreaterThan(0);
    expect(sizes.active).toBeGreaterThanOrEqual(sizes.external);
    expect(sizes.file).toBe(sizes.active);
  });

  it('does not update the index: a write is pending until the next query', async () => {
    const before = indexOf((await info()).body);
    const put = await request(server, '/db/s12', { method: 'PUT', json: { type: 'sale', region: 'us', country: 'ca', year: 2025, amount: 3 } });
    expect(put.status).toBe(201);
    await put.arrayBuffer();
    const pending = indexOf((await info()).body);
    expect(pending.update_seq).toBe(before.update_seq);
    expect(pending.updates_pending).toStrictEqual({ minimum: 1, preferred: 1, total: 1 });
    const query = await request(server, '/db/_design/app/_view/by_year');
    await query.arrayBuffer();
    const after = indexOf((await info()).body);
    expect(after.update_seq).toBe(before.update_seq + 1);
    expect(after.updates_pending.total).toBe(0);
    expect(after.sizes.external).toBeGreaterThan(before.sizes.external);
    expect(after.signature).toBe(before.signature);
  });

  it('design documents that index alike share a signature; another map changes it', async () => {
    const app = (await (await request(server, '/db/_design/app')).json()) as Record<string, unknown>;
    const { _id: _i, _rev: _r, ...body } = app;
    await (await request(server, '/db/_design/twin', { method: 'PUT', json: { ...body, shows: { x: 'function () { return "x"; }' } } })).arrayBuffer();
    await (await request(server, '/db/_design/other', { method: 'PUT', json: { views: { v: { map: 'function (doc) { emit(doc._id, 1); }' } } } })).arrayBuffer();
    const signatures = await Promise.all(['app', 'twin', 'other'].map(async (name) => indexOf((await info(`/db/_design/${name}/_info`)).body).signature));
    expect(signatures[1]).toBe(signatures[0]);
    expect(signatures[2]).not.toBe(signatures[0]);
  });

  it('a design document without views reports an empty index', async () => {
    await (await request(server, '/db/_design/plain', { method: 'PUT', json: { shows: { x: 'function () { return "x"; }' } } })).arrayBuffer();
    const { status, body } = await info('/db/_design/plain/_info');
    expect(status).toBe(200);
    const index = indexOf(body);
    expect(index).toMatchObject({ update_seq: 0, purge_seq: 0, language: 'javascript', updater_running: false, compact_running: false });
    expect(index.sizes).toStrictEqual({ file: 0, external: 0, active: 0 });
  });

  it('missing and deleted design documents are 404; only GET is allowed', async () => {
    expect(await info('/db/_design/nope/_info')).toStrictEqual({ status: 404, body: { error: 'not_found', reason: 'missing' } });
    const gone = (await (await request(server, '/db/_design/plain')).json()) as { _rev: string };
    await (await request(server, `/db/_design/plain?rev=${gone._rev}`, { method: 'DELETE' })).arrayBuffer();
    expect(await info('/db/_design/plain/_info')).toStrictEqual({ status: 404, body: { error: 'not_found', reason: 'deleted' } });
    const post = await request(server, '/db/_design/app/_info', { method: 'POST', json: {} });
    expect([post.status, await post.json()]).toStrictEqual([405, { error: 'method_not_allowed', reason: 'Only GET allowed' }]);
    expect((await info('/nodb/_design/app/_info')).body).toStrictEqual({ error: 'not_found', reason: 'Database does not exist.' });
  });

  it('members may read it; others get the database\'s 401/403', async () => {
    await createUser(server, 'reader', 'pw');
    expect((await info(undefined, null)).status).toBe(401);
    expect((await info(undefined, basic('reader', 'pw'))).status).toBe(403);
    const opened = await request(server, '/db/_security', { method: 'PUT', json: { members: { names: ['reader'] } } });
    expect(opened.status).toBe(200);
    const read = await info(undefined, basic('reader', 'pw'));
    expect(read.status).toBe(200);
    expect(read.body['name']).toBe('app');
  });
});
