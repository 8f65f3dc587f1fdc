// `_users` holds CouchDB's `_design/_auth` (chttpd_auth_cache ensure_auth_ddoc_exists, couch_js_functions.hrl): created
// with the database, put back at start, counted and listed like any document, read only by admins, and its
// validate_doc_update run on every write. Also what a non-admin's design document in `_users` gets (couch_users_db
// before_doc_update, couch_db's design document check), alone and in `_bulk_docs`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type SetteeServer } from '@settee/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, basic, request, startServer } from './start.js';

const AUTH = '/_users/_design/_auth';

async function answer(res: Response): Promise<[number, unknown]> {
  const text = await res.text();
  return [res.status, text === '' ? undefined : JSON.parse(text)];
}

async function body(res: Response): Promise<Record<string, unknown>> {
  return (await res.json()) as Record<string, unknown>;
}

function userDoc(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { _id: `org.couchdb.user:${name}`, name, password: `${name}-pw`, roles: [], type: 'user', ...extra };
}

describe('a fresh server', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server.closeAll();
  });

  it('has _design/_auth in _users: counted, readable by the admin, listed in _all_docs and _changes', async () => {
    const info = await body(await request(server, '/_users'));
    expect([info['doc_count'], info['doc_del_count']]).toStrictEqual([1, 0]);
    const ddoc = await body(await request(server, AUTH));
    expect(Object.keys(ddoc)).toStrictEqual(['_id', '_rev', 'language', 'validate_doc_update']);
    expect(ddoc).toMatchObject({ _id: '_design/_auth', _rev: expect.stringMatching(/^1-[0-9a-f]{32}$/), language: 'javascript' });
    expect(ddoc['validate_doc_update']).toMatch(/^function ?\(newDoc, oldDoc, userCtx, secObj\)/);
    const all = await body(await request(server, '/_users/_all_docs'));
    expect(all).toStrictEqual({ total_rows: 1, offset: 0, rows: [{ id: '_design/_auth', key: '_design/_auth', value: { rev: ddoc['_rev'] } }] });
    const changes = (await body(await request(server, '/_users/_changes'))) as { results: Array<{ id: string }> };
    expect(changes.results.map((change) => change.id)).toStrictEqual(['_design/_auth']);
    const design = (await body(await request(server, '/_users/_design_docs'))) as { rows: Array<{ id: string }> };
    expect(design.rows.map((row) => row.id)).toStrictEqual(['_design/_auth']);
  });

  it('runs the stored validate_doc_update on user documents, as CouchDB does (an admin may change it)', async () => {
    const ddoc = await body(await request(server, AUTH));
    const stricter = `function (newDoc, oldDoc, userCtx, secObj) { if (newDoc.name === 'blocked') throw { forbidden: 'No blocked users.' }; }`;
    const edited = await request(server, AUTH, { method: 'PUT', json: { ...ddoc, validate_doc_update: stricter } });
    expect(edited.status).toBe(201);
    const rev = ((await edited.json()) as { rev: string }).rev;
    const refused = await request(server, '/_users/org.couchdb.user:blocked', { method: 'PUT', json: userDoc('blocked') });
    expect(await answer(refused)).toStrictEqual([403, { error: 'forbidden', reason: 'No blocked users.' }]);
    // The native rules still answer first, with CouchDB's reasons.
    const noType = await request(server, '/_users/org.couchdb.user:t', { method: 'PUT', json: { name: 't', roles: [] } });
    expect(await answer(noType)).toStrictEqual([403, { error: 'forbidden', reason: 'doc.type must be user' }]);
    // An admin may delete it (CouchDB puts it back when it next starts watching _users).
    const deleted = await request(server, `${AUTH}?rev=${rev}`, { method: 'DELETE' });
    expect(await answer(deleted)).toStrictEqual([200, { ok: true, id: '_design/_auth', rev: expect.stringMatching(/^3-/) }]);
    expect(await answer(await request(server, AUTH))).toStrictEqual([404, { error: 'not_found', reason: 'deleted' }]);
    const info = await body(await request(server, '/_users'));
    expect([info['doc_count'], info['doc_del_count']]).toStrictEqual([0, 1]);
  });
});

describe('a server restarted on its data directory', () => {
  let dir: string;
  let server: SetteeServer | undefined;
  const start = async (): Promise<SetteeServer> => {
    server = await createServer({ dir, port: 0, host: '127.0.0.1', admin: ADMIN, pbkdf2Iterations: 1000 });
    return server;
  };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'settee-users-auth-'));
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('puts _design/_auth back when it was deleted, and its function back when it was changed', async () => {
    let current = await start();
    const created = await body(await request(current, AUTH));
    expect((await request(current, '/_users/org.couchdb.user:ann', { method: 'PUT', json: userDoc('ann') })).status).toBe(201);
    const deleted = await request(current, `${AUTH}?rev=${String(created['_rev'])}`, { method: 'DELETE' });
    expect(deleted.status).toBe(200);
    await current.close();

    current = await start();
    const recreated = await body(await request(current, AUTH));
    expect(recreated).toStrictEqual({ ...created, _rev: expect.stringMatching(/^3-/) });
    expect((await body(await request(current, '/_users')))['doc_count']).toBe(2);
    const edited = await request(current, AUTH, { method: 'PUT', json: { ...recreated, validate_doc_update: 'function () {}', note: 'kept' } });
    expect(edited.status).toBe(201);
    await current.close();

    current = await start();
    const restored = await body(await request(current, AUTH));
    expect(restored).toStrictEqual({ ...recreated, _rev: expect.stringMatching(/^5-/), note: 'kept' });
    // Untouched at the next start.
    await current.close();
    current = await start();
    expect((await body(await request(current, AUTH)))['_rev']).toBe(restored['_rev']);
    // Users stored before still sign in.
    const session = await request(current, '/_session', { auth: basic('ann', 'ann-pw') });
    expect(((await session.json()) as { userCtx: unknown }).userCtx).toStrictEqual({ name: 'ann', roles: [] });
  });
});

describe('design documents of _users and non-admins', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  const TOM = basic('tom', 'tom-pw');
  const KEEPER = basic('keeper', 'keeper-pw');
  beforeAll(async () => {
    server = await startServer({ usersDbSecurityEditable: true });
    const open = { admins: { names: ['keeper'], roles: [] }, members: { names: [], roles: [] } };
    expect((await request(server, '/_users/_security', { method: 'PUT', json: open })).status).toBe(200);
    for (const name of ['tom', 'keeper', 'spike']) {
      expect((await request(server, `/_users/org.couchdb.user:${name}`, { method: 'PUT', json: userDoc(name), auth: null })).status).toBe(201);
    }
  });
  afterAll(async () => {
    await server.closeAll();
  });

  it('a non-admin may not read _design/_auth (403); a signed-in one writing it gets 404, an anonymous one 401', async () => {
    const forbidden = { error: 'forbidden', reason: 'Only administrators can view design docs in the users database.' };
    expect(await answer(await request(server, AUTH, { auth: TOM }))).toStrictEqual([403, forbidden]);
    expect(await answer(await request(server, AUTH, { auth: null }))).toStrictEqual([403, forbidden]);
    const { _rev: rev } = await body(await request(server, AUTH));
    const missing = [404, { error: 'not_found', reason: 'missing' }];
    const notAdmin = [401, { error: 'unauthorized', reason: 'You are not a db or server admin.' }];
    const edit = { _id: '_design/_auth', _rev: rev, language: 'javascript', validate_doc_update: 'function () {}' };
    expect(await answer(await request(server, AUTH, { method: 'PUT', json: edit, auth: TOM }))).toStrictEqual(missing);
    expect(await answer(await request(server, `${AUTH}?rev=${String(rev)}`, { method: 'DELETE', auth: TOM }))).toStrictEqual(missing);
    expect(await answer(await request(server, AUTH, { method: 'PUT', json: edit, auth: null }))).toStrictEqual(notAdmin);
    expect(await answer(await request(server, `${AUTH}?rev=${String(rev)}`, { method: 'DELETE', auth: null }))).toStrictEqual(notAdmin);
    expect((await body(await request(server, AUTH)))['_rev']).toBe(rev);
    // POSTing one to the database, or COPYing onto one, is the same write.
    expect(await answer(await request(server, '/_users', { method: 'POST', json: { _id: '_design/posted' }, auth: TOM }))).toStrictEqual(missing);
    expect(await answer(await request(server, '/_users', { method: 'POST', json: { _id: '_design/posted' }, auth: null }))).toStrictEqual(notAdmin);
    const copy = { method: 'COPY', headers: { destination: '_design/copied' }, auth: TOM };
    expect(await answer(await request(server, '/_users/org.couchdb.user:tom', copy))).toStrictEqual(missing);
    // A database admin of _users may edit it.
    const byDbAdmin = await request(server, '/_users/_design/extra', { method: 'PUT', json: { language: 'javascript' }, auth: KEEPER });
    expect(byDbAdmin.status).toBe(201);
    await byDbAdmin.arrayBuffer();
  });

  it('_bulk_docs: an anonymous client\'s design document is its own unauthorized entry, the others are written', async () => {
    const res = await request(server, '/_users/_bulk_docs', {
      method: 'POST',
      json: { docs: [{ _id: '_design/sneaky', language: 'javascript' }, userDoc('bulkann')] },
      auth: null,
    });
    const [status, results] = await answer(res);
    expect(status).toBe(201);
    expect(results).toStrictEqual([
      { id: '_design/sneaky', error: 'unauthorized', reason: 'You are not a db or server admin.' },
      { ok: true, id: 'org.couchdb.user:bulkann', rev: expect.stringMatching(/^1-/) },
    ]);
    expect((await request(server, '/_users/_design/sneaky')).status).toBe(404);
    expect((await request(server, '/_users/org.couchdb.user:bulkann')).status).toBe(200);
  });

  it('_bulk_docs: a signed-in non-admin\'s design document fails the whole request with 404, writing nothing', async () => {
    const own = await body(await request(server, '/_users/org.couchdb.user:tom', { auth: TOM }));
    const res = await request(server, '/_users/_bulk_docs', {
      method: 'POST',
      json: { docs: [{ ...own, email: 'tom@example.org' }, { _id: '_design/sneaky', language: 'javascript' }] },
      auth: TOM,
    });
    expect(await answer(res)).toStrictEqual([404, { error: 'not_found', reason: 'missing' }]);
    expect((await body(await request(server, '/_users/org.couchdb.user:tom')))['_rev']).toBe(own['_rev']);
    expect((await request(server, '/_users/_design/sneaky')).status).toBe(404);
  });

  it('only server admins and the user delete a user document: a database admin may not (the _auth rule)', async () => {
    const spike = await body(await request(server, '/_users/org.couchdb.user:spike'));
    const byDbAdmin = await request(server, `/_users/org.couchdb.user:spike?rev=${String(spike['_rev'])}`, { method: 'DELETE', auth: KEEPER });
    expect(await answer(byDbAdmin)).toStrictEqual([403, { error: 'forbidden', reason: 'Only admins may delete other user docs.' }]);
    const byServerAdmin = await request(server, `/_users/org.couchdb.user:spike?rev=${String(spike['_rev'])}`, { method: 'DELETE' });
    expect(byServerAdmin.status).toBe(200);
    await byServerAdmin.arrayBuffer();
  });
});

describe('replicating _users', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server.closeAll();
  });

  it('copies the user documents and _design/_auth', async () => {
    for (const name of ['rep1', 'rep2']) {
      expect((await request(server, `/_users/org.couchdb.user:${name}`, { method: 'PUT', json: userDoc(name, { roles: ['reader'] }) })).status).toBe(201);
    }
    const auth = `${encodeURIComponent(ADMIN.name)}:${encodeURIComponent(ADMIN.password)}@`;
    const base = server.url.replace('http://', `http://${auth}`);
    const res = await request(server, '/_replicate', {
      method: 'POST',
      json: { source: `${base}/_users`, target: `${base}/users_backup`, create_target: true },
    });
    const [status, result] = await answer(res);
    expect(status).toBe(200);
    expect(result).toMatchObject({ ok: true, history: [{ docs_written: 3, doc_write_failures: 0 }] });
    const copy = (await body(await request(server, '/users_backup/_all_docs'))) as { rows: Array<{ id: string }> };
    expect(copy.rows.map((row) => row.id)).toStrictEqual(['_design/_auth', 'org.couchdb.user:rep1', 'org.couchdb.user:rep2']);
  });

  it('copies them between local names too: the replicator writes as the server admin that started it', async () => {
    const replicate = async (): Promise<[number, unknown]> =>
      answer(await request(server, '/_replicate', { method: 'POST', json: { source: '_users', target: 'users_local_copy', create_target: true } }));
    expect(await replicate()).toMatchObject([200, { ok: true }]);
    // The copy now has _design/_auth, whose validate_doc_update judges the next replicated user document.
    expect((await request(server, '/_users/org.couchdb.user:rep3', { method: 'PUT', json: userDoc('rep3', { roles: ['writer'] }) })).status).toBe(201);
    const [status, result] = await replicate();
    expect(status).toBe(200);
    expect((result as { history: unknown[] }).history[0]).toMatchObject({ docs_written: 1, doc_write_failures: 0 });
    const copy = (await body(await request(server, '/users_local_copy/_all_docs'))) as { rows: Array<{ id: string }> };
    expect(copy.rows.map((row) => row.id)).toContain('org.couchdb.user:rep3');
  });
});
