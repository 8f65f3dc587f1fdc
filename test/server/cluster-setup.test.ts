// `/_cluster_setup`, `/_node/{node}/_stats|_system|_restart` and `/favicon.ico` of settee-server over raw HTTP.
// Expected answers follow CouchDB 3.4.3's sources (setup_httpd.erl, setup.erl, chttpd_node.erl, chttpd_misc.erl,
// couch_stats_httpd.erl) and its recorded admin refusals (shared/couchdb-reference/auth.json).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, basic, createUser, request, startServer } from './start.js';

let server: Awaited<ReturnType<typeof startServer>>;
const ALICE = basic('alice', 'alice-pw');
const NOT_ADMIN = { error: 'unauthorized', reason: 'You are not a server admin.' };

async function json(res: Response): Promise<unknown> {
  return JSON.parse(await res.text()) as unknown;
}

async function setupState(query = ''): Promise<unknown> {
  const res = await request(server, `/_cluster_setup${query}`);
  expect(res.status).toBe(200);
  return ((await json(res)) as { state: unknown }).state;
}

function setup(body: unknown, auth?: string | null): Promise<Response> {
  return request(server, '/_cluster_setup', { method: 'POST', json: body, ...(auth === undefined ? {} : { auth }) });
}

beforeAll(async () => {
  server = await startServer();
  await createUser(server, 'alice', 'alice-pw');
});

afterAll(async () => {
  await server.closeAll();
});

describe('GET /_cluster_setup', () => {
  it('is for server admins only (401 anonymous and for a plain user, as CouchDB 3.4.3)', async () => {
    for (const auth of [null, ALICE]) {
      const res = await request(server, '/_cluster_setup', { auth });
      expect(res.status).toBe(401);
      expect(await json(res)).toEqual(NOT_ADMIN);
    }
  });

  it('a node with an admin and the default system databases is single_node_enabled', async () => {
    expect(await setupState()).toBe('single_node_enabled');
    expect(await setupState(`?ensure_dbs_exist=${encodeURIComponent('[]')}`)).toBe('single_node_enabled');
  });

  it('is single_node_disabled while a database of ensure_dbs_exist is missing', async () => {
    const dbs = encodeURIComponent(JSON.stringify(['_users', '_replicator', 'cs_missing']));
    expect(await setupState(`?ensure_dbs_exist=${dbs}`)).toBe('single_node_disabled');
    // Names that are not strings can never exist.
    expect(await setupState(`?ensure_dbs_exist=${encodeURIComponent('[1]')}`)).toBe('single_node_disabled');
  });

  it('refuses an ensure_dbs_exist that is not JSON or not a list (CouchDB crashes on the latter: 400 here)', async () => {
    const bad = await request(server, '/_cluster_setup?ensure_dbs_exist=_users');
    expect(bad.status).toBe(400);
    expect(await json(bad)).toEqual({ error: 'bad_request', reason: 'invalid UTF-8 JSON' });
    const notList = await request(server, `/_cluster_setup?ensure_dbs_exist=${encodeURIComponent('"_users"')}`);
    expect(notList.status).toBe(400);
    expect(await json(notList)).toEqual({ error: 'bad_request', reason: 'ensure_dbs_exist must be a JSON array of database names.' });
  });

  it('answers 405 to other methods', async () => {
    const res = await request(server, '/_cluster_setup', { method: 'PUT', json: {} });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET,POST');
    expect(await json(res)).toEqual({ error: 'method_not_allowed', reason: 'Only GET,POST allowed' });
  });

  it('an admin party has no admin, so its node is single_node_disabled', async () => {
    const party = await startServer({ admin: undefined, adminParty: true });
    try {
      const res = await request(party, '/_cluster_setup', { auth: null });
      expect(res.status).toBe(200);
      expect(await json(res)).toEqual({ state: 'single_node_disabled' });
    } finally {
      await party.closeAll();
    }
  });
});

describe('POST /_cluster_setup', () => {
  it('is for server admins only', async () => {
    for (const auth of [null, ALICE]) {
      const res = await setup({ action: 'finish_cluster' }, auth);
      expect(res.status).toBe(401);
      expect(await json(res)).toEqual(NOT_ADMIN);
    }
  });

  it('needs a JSON Content-Type (415) and a JSON object body', async () => {
    const untyped = await request(server, '/_cluster_setup', { method: 'POST', body: '{"action":"finish_cluster"}' });
    expect(untyped.status).toBe(415);
    expect(await json(untyped)).toEqual({ error: 'bad_content_type', reason: 'Content-Type must be application/json' });
    for (const body of ['[1]', '{nope', '']) {
      const res = await request(server, '/_cluster_setup', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(400);
      expect(await json(res)).toEqual({ error: 'bad_request', reason: "Missing JSON body'" });
    }
  });

  it('refuses a missing or unknown action', async () => {
    for (const body of [{}, { action: 'dance' }]) {
      const res = await setup(body);
      expect(res.status).toBe(400);
      expect(await json(res)).toEqual({ error: 'bad_request', reason: "Invalid Action'" });
    }
  });

  it('finish_cluster creates the missing databases (admin-only), then reports the cluster finished', async () => {
    const dbs = ['_users', '_replicator', 'cs_fin_a', 'cs_fin_b'];
    const query = `?ensure_dbs_exist=${encodeURIComponent(JSON.stringify(dbs))}`;
    expect(await setupState(query)).toBe('single_node_disabled');
    const res = await setup({ action: 'finish_cluster', ensure_dbs_exist: dbs });
    expect(res.status).toBe(201);
    expect(await json(res)).toEqual({ ok: true });
    expect(await setupState(query)).toBe('single_node_enabled');
    const info = await request(server, '/cs_fin_b');
    expect(info.status).toBe(200);
    expect(await json(info)).toMatchObject({ db_name: 'cs_fin_b' });
    const anonymous = await request(server, '/cs_fin_a', { auth: null });
    expect(anonymous.status).toBe(401);
    await anonymous.arrayBuffer();

    const again = await setup({ action: 'finish_cluster', ensure_dbs_exist: dbs });
    expect(again.status).toBe(400);
    expect(await json(again)).toEqual({ error: 'bad_request', reason: 'Cluster is already finished' });
    // The default list (_users, _replicator) exists from the start.
    const byDefault = await setup({ action: 'finish_cluster' });
    expect(byDefault.status).toBe(400);
    await byDefault.arrayBuffer();
  });

  it('creates _global_changes on request (the list older setups use); _users and _replicator stay permanent', async () => {
    const older = ['_users', '_replicator', '_global_changes'];
    const query = `?ensure_dbs_exist=${encodeURIComponent(JSON.stringify(older))}`;
    expect(await setupState(query)).toBe('single_node_disabled');
    expect((await setup({ action: 'finish_cluster', ensure_dbs_exist: older })).status).toBe(201);
    expect(await setupState(query)).toBe('single_node_enabled');
    expect(await json(await request(server, '/_all_dbs'))).toEqual(expect.arrayContaining(['_global_changes', '_replicator', '_users']));
    // An ordinary database otherwise: deleted and created again by its CouchDB name.
    expect((await request(server, '/_global_changes', { method: 'DELETE' })).status).toBe(200);
    expect(await setupState(query)).toBe('single_node_disabled');
    const created = await request(server, '/_global_changes', { method: 'PUT' });
    expect(created.status).toBe(201);
    expect(await json(created)).toEqual({ ok: true });
    const twice = await request(server, '/_global_changes', { method: 'PUT' });
    expect([twice.status, ((await json(twice)) as { error: string }).error]).toEqual([412, 'file_exists']);
    const users = await request(server, '/_users', { method: 'PUT' });
    expect([users.status, ((await json(users)) as { error: string }).error]).toEqual([412, 'file_exists']);
    expect((await request(server, '/_users', { method: 'DELETE' })).status).toBe(400);
  });

  it('enable_single_node with the configured admin creates the databases and answers 201 each time', async () => {
    const dbs = ['_users', '_replicator', 'cs_single'];
    const body = {
      action: 'enable_single_node',
      username: ADMIN.name,
      password: ADMIN.password,
      bind_address: '0.0.0.0',
      port: 5984,
      ensure_dbs_exist: dbs,
    };
    expect(await setupState(`?ensure_dbs_exist=${encodeURIComponent(JSON.stringify(dbs))}`)).toBe('single_node_disabled');
    for (let i = 0; i < 2; i += 1) {
      const res = await setup(body);
      expect(res.status).toBe(201);
      expect(await json(res)).toEqual({ ok: true });
    }
    expect(await setupState(`?ensure_dbs_exist=${encodeURIComponent(JSON.stringify(dbs))}`)).toBe('single_node_enabled');
    const withoutCredentials = await setup({ action: 'enable_single_node', bind_address: '::' });
    expect(withoutCredentials.status).toBe(201);
    await withoutCredentials.arrayBuffer();
  });

  it('enable_single_node refuses credentials other than the fixed admin, without echoing them', async () => {
    const attempts = [
      { username: ADMIN.name, password: 'wrong-secret-pw' },
      { username: 'mallory', password: ADMIN.password },
      { username: ADMIN.name, password_hash: '-pbkdf2-abc,def,10' },
    ];
    for (const credentials of attempts) {
      const res = await setup({ action: 'enable_single_node', bind_address: '0.0.0.0', ...credentials });
      expect(res.status).toBe(400);
      const text = await res.text();
      expect(JSON.parse(text)).toMatchObject({ error: 'bad_request' });
      expect(text).toContain('admin');
      expect(text).not.toContain('wrong-secret-pw');
      expect(text).not.toContain(ADMIN.password);
    }
  });

  it('enable_single_node needs a bind_address and both credentials (CouchDB crashes: 400 here), and checks the IP', async () => {
    const crashes = [
      [{ action: 'enable_single_node' }, 'Setup requires a valid IP bind_address.'],
      [{ action: 'enable_single_node', username: ADMIN.name, bind_address: '0.0.0.0' }, 'Setup needs both username and password, as strings.'],
    ] as const;
    for (const [body, reason] of crashes) {
      const res = await setup(body);
      expect(res.status).toBe(400);
      expect(await json(res)).toEqual({ error: 'bad_request', reason });
    }
    const badIp = await setup({ action: 'enable_single_node', bind_address: 'not-an-ip' });
    expect(badIp.status).toBe(400);
    expect(await json(badIp)).toEqual({
      error: 'bad_request',
      reason: 'Setup requires a valid IP bind_address. "not-an-ip" is invalid.',
    });
  });

  it('answers the multi-node actions as a node that cannot cluster', async () => {
    const addNode = await setup({ action: 'add_node', host: '10.0.0.2', port: 5984, username: 'a', password: 'b' });
    expect(addNode.status).toBe(400);
    expect(await json(addNode)).toEqual({ error: 'bad_request', reason: 'Cluster is not enabled.' });
    for (const action of ['enable_cluster', 'receive_cookie']) {
      const res = await setup({ action, bind_address: '0.0.0.0', node_count: 3, cookie: 'c' });
      expect(res.status).toBe(400);
      expect(((await json(res)) as { reason: string }).reason).toMatch(/single node/);
    }
    // CouchDB only logs remove_node and answers 201.
    const remove = await setup({ action: 'remove_node' });
    expect(remove.status).toBe(201);
    await remove.arrayBuffer();
  });
});

interface Metric {
  value: unknown;
  type: string;
  desc: string;
}

async function stat(path: string): Promise<Metric> {
  const res = await request(server, `/_node/_local/_stats/${path}`);
  expect(res.status).toBe(200);
  return (await json(res)) as Metric;
}

describe('/_node/{node}/_stats', () => {
  it('is for server admins only, checked before the node name', async () => {
    for (const path of ['/_node/_local/_stats', '/_node/nobody@nowhere/_stats', '/_node/_local/_system']) {
      for (const auth of [null, ALICE]) {
        const res = await request(server, path, { auth });
        expect(res.status).toBe(401);
        expect(await json(res)).toEqual(NOT_ADMIN);
      }
    }
  });

  it('answers 404 for an unknown node and 405 to a write', async () => {
    const unknown = await request(server, '/_node/nobody@nowhere/_stats');
    expect(unknown.status).toBe(404);
    expect(await json(unknown)).toEqual({ error: 'not_found', reason: 'no such node: nobody@nowhere' });
    const post = await request(server, '/_node/_local/_stats', { method: 'POST', json: {} });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
    await post.arrayBuffer();
  });

  it('has CouchDB metric shapes, by _local or by the node name, and null for an unknown path', async () => {
    const res = await request(server, '/_node/settee@localhost/_stats');
    expect(res.status).toBe(200);
    const tree = (await json(res)) as { couchdb: Record<string, unknown> };
    expect(tree.couchdb['httpd']).toMatchObject({
      requests: { type: 'counter', desc: 'number of HTTP requests', value: expect.any(Number) },
    });
    expect(tree.couchdb['httpd_status_codes']).toMatchObject({
      '404': { type: 'counter', desc: 'number of HTTP 404 Not Found responses' },
    });
    expect(await stat('couchdb/open_databases')).toMatchObject({ type: 'counter', value: expect.any(Number) });
    const missing = await request(server, '/_node/_local/_stats/couchdb/no_such_metric');
    expect(missing.status).toBe(200);
    expect(await json(missing)).toBeNull();
  });

  it('counts requests by method and status, and request_time as a histogram', async () => {
    const before = (await stat('couchdb/httpd_request_methods/GET')).value as number;
    const notFoundBefore = (await stat('couchdb/httpd_status_codes/404')).value as number;
    for (let i = 0; i < 3; i += 1) {
      const res = await request(server, '/cs_no_such_db');
      expect(res.status).toBe(404);
      await res.arrayBuffer();
    }
    // Three GETs plus the two stats reads after the first.
    expect((await stat('couchdb/httpd_request_methods/GET')).value).toBe(before + 5);
    expect((await stat('couchdb/httpd_status_codes/404')).value as number).toBeGreaterThanOrEqual(notFoundBefore + 3);
    const time = await stat('couchdb/request_time');
    expect(time.type).toBe('histogram');
    expect(time.desc).toBe('length of a request inside CouchDB without MochiWeb');
    const value = time.value as Record<string, unknown>;
    expect(value['n'] as number).toBeGreaterThan(0);
    for (const key of ['min', 'max', 'arithmetic_mean', 'median', 'standard_deviation']) expect(typeof value[key]).toBe('number');
    expect((value['percentile'] as unknown[][]).map((p) => p[0])).toEqual([50, 75, 90, 95, 99, 999]);
  });

  it('counts document reads and writes', async () => {
    expect((await request(server, '/cs_docs', { method: 'PUT' })).status).toBe(201);
    const reads = (await stat('couchdb/database_reads')).value as number;
    const writes = (await stat('couchdb/document_writes')).value as number;
    const local = (await stat('couchdb/local_document_writes')).value as number;
    expect((await request(server, '/cs_docs/a', { method: 'PUT', json: { n: 1 } })).status).toBe(201);
    expect((await request(server, '/cs_docs', { method: 'POST', json: { n: 2 } })).status).toBe(201);
    expect((await request(server, '/cs_docs/_local/x', { method: 'PUT', json: { n: 3 } })).status).toBe(201);
    const read = await request(server, '/cs_docs/a');
    expect(read.status).toBe(200);
    await read.arrayBuffer();
    expect((await stat('couchdb/document_writes')).value).toBe(writes + 2);
    expect((await stat('couchdb/local_document_writes')).value).toBe(local + 1);
    expect((await stat('couchdb/database_reads')).value).toBe(reads + 1);
  });
});

describe('/_node/{node}/_system and _restart', () => {
  it('_system reports uptime and memory under CouchDB member names', async () => {
    const res = await request(server, '/_node/_local/_system');
    expect(res.status).toBe(200);
    const body = (await json(res)) as Record<string, unknown>;
    expect(body['uptime']).toEqual(expect.any(Number));
    expect(body['uptime'] as number).toBeGreaterThanOrEqual(0);
    const memory = body['memory'] as Record<string, number>;
    expect(memory['processes']).toBeGreaterThan(0);
    expect(memory['processes_used']).toBeGreaterThan(0);
    expect(memory['processes_used']).toBeLessThanOrEqual(memory['processes'] ?? 0);
    expect(body['context_switches']).toEqual(expect.any(Number));
    expect(body).toMatchObject({ internal_replication_jobs: 0, distribution: {} });
    const post = await request(server, '/_node/_local/_system', { method: 'POST', json: {} });
    expect(post.status).toBe(405);
    await post.arrayBuffer();
  });

  it('_restart is an admin POST answered as CouchDB does, and the server keeps serving', async () => {
    const anonymous = await request(server, '/_node/_local/_restart', { method: 'POST', auth: null });
    expect(anonymous.status).toBe(401);
    await anonymous.arrayBuffer();
    const get = await request(server, '/_node/_local/_restart');
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    await get.arrayBuffer();
    const res = await request(server, '/_node/_local/_restart', { method: 'POST', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ ok: true });
    const up = await request(server, '/_up');
    expect(up.status).toBe(200);
    await up.arrayBuffer();
  });
});

describe('GET /favicon.ico', () => {
  it('serves a 16x16 ICO to anyone, cached for a year', async () => {
    const res = await request(server, '/favicon.ico', { auth: null });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/x-icon');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(Number(res.headers.get('content-length'))).toBe(bytes.byteLength);
    expect(bytes.readUInt16LE(0)).toBe(0);
    expect(bytes.readUInt16LE(2)).toBe(1); // an icon
    expect(bytes.readUInt16LE(4)).toBe(1); // one image
    expect([bytes[6], bytes[7]]).toEqual([16, 16]);
    const size = bytes.readUInt32LE(14);
    const offset = bytes.readUInt32LE(18);
    expect(offset + size).toBe(bytes.byteLength);
    expect(bytes.readUInt32LE(offset)).toBe(40); // BITMAPINFOHEADER
    expect(bytes.readUInt16LE(offset + 14)).toBe(32);
  });

  it('answers HEAD without a body and 405 to other methods', async () => {
    const head = await request(server, '/favicon.ico', { method: 'HEAD', auth: null });
    expect(head.status).toBe(200);
    expect((await head.arrayBuffer()).byteLength).toBe(0);
    const put = await request(server, '/favicon.ico', { method: 'PUT', auth: null });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET,HEAD');
    await put.arrayBuffer();
  });
});
