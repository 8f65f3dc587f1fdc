// Security of settee-server: no admin party by default, Basic and cookie auth with seed 002's flows, _users with
// PBKDF2 hashes, per-database _security (401 anonymous vs 403 authenticated), design documents for db admins only.
// Expected answers are CouchDB 3.4.3's (shared/couchdb-reference/auth.json).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '@settee/engine';
import { createServer } from '@settee/server';
import { basic, request, startServer } from './start.js';

let server: Awaited<ReturnType<typeof startServer>>;

async function createUser(name: string, password: string, roles: string[] = []): Promise<Response> {
  return request(server, `/_users/org.couchdb.user:${name}`, {
    method: 'PUT',
    json: { _id: `org.couchdb.user:${name}`, name, password, roles, type: 'user' },
  });
}

function cookieOf(res: Response): string {
  const header = res.headers.get('set-cookie') ?? '';
  return header.split(';')[0] ?? '';
}

beforeAll(async () => {
  server = await startServer();
  expect((await createUser('alice', 'alice-pw')).status).toBe(201);
  expect((await createUser('bob', 'bob-pw', ['readers'])).status).toBe(201);
});

afterAll(async () => {
  await server.closeAll();
});

describe('starting', () => {
  it('refuses to start without an admin, and an admin party off loopback', async () => {
    const engine = createEngine({ storage: 'memory' });
    try {
      await expect(createServer({ engine, port: 0 })).rejects.toThrow(/admin is required/);
      await expect(createServer({ engine, port: 0, host: '0.0.0.0', adminParty: true })).rejects.toThrow(/Refusing an admin party/);
    } finally {
      await engine.close();
    }
  });

  it('an explicit admin party on loopback makes everyone admin', async () => {
    const party = await startServer({ admin: undefined, adminParty: true });
    try {
      const res = await request(party, '/_all_dbs', { auth: null });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    } finally {
      await party.closeAll();
    }
  });

  it('the URL carries no credentials', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});

describe('_users', () => {
  it('stores PBKDF2 fields instead of the password', async () => {
    const doc = (await (await request(server, '/_users/org.couchdb.user:alice')).json()) as Record<string, unknown>;
    expect(doc['password']).toBeUndefined();
    expect(doc).toMatchObject({ password_scheme: 'pbkdf2', pbkdf2_prf: 'sha256', iterations: 1000 });
    expect(doc['derived_key']).toMatch(/^[0-9a-f]{64}$/);
    expect(doc['salt']).toMatch(/^[0-9a-f]{32}$/);
  });

  it('validates user documents like CouchDB', async () => {
    const wrongName = await request(server, '/_users/org.couchdb.user:carol', {
      method: 'PUT',
      json: { name: 'notcarol', password: 'x', roles: [], type: 'user' },
    });
    expect(wrongName.status).toBe(403);
    expect(await wrongName.json()).toStrictEqual({ error: 'forbidden', reason: 'Doc ID must be of the form org.couchdb.user:name' });
    const noType = await request(server, '/_users/org.couchdb.user:dan', { method: 'PUT', json: { name: 'dan', password: 'x', roles: [] } });
    expect(await noType.json()).toStrictEqual({ error: 'forbidden', reason: 'doc.type must be user' });
  });

  it('is closed to users: 403 for alice reading her own document, 401 anonymously', async () => {
    const own = await request(server, '/_users/org.couchdb.user:alice', { auth: basic('alice', 'alice-pw') });
    expect(own.status).toBe(403);
    expect(await own.json()).toStrictEqual({ error: 'forbidden', reason: 'You are not allowed to access this db.' });
    const anonymous = await request(server, '/_users/org.couchdb.user:alice', { auth: null });
    expect(anonymous.status).toBe(401);
    await anonymous.arrayBuffer();
  });
});

describe('_session (seed 002)', () => {
  it('logs in with JSON and with a form, the cookie then authenticates', async () => {
    const json = await request(server, '/_session', { method: 'POST', auth: null, json: { name: 'alice', password: 'alice-pw' } });
    expect(json.status).toBe(200);
    expect(await json.json()).toStrictEqual({ ok: true, name: 'alice', roles: [] });
    const setCookie = json.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^AuthSession=[^;]+; Version=1; Expires=[^;]+; Max-Age=600; Path=\/; HttpOnly$/);
    const who = await request(server, '/_session', { auth: null, headers: { cookie: cookieOf(json) } });
    expect(await who.json()).toStrictEqual({
      ok: true,
      userCtx: { name: 'alice', roles: [] },
      info: { authentication_handlers: ['cookie', 'default'], authenticated: 'cookie' },
    });
    const form = await request(server, '/_session', {
      method: 'POST',
      auth: null,
      body: 'name=admin&password=test-admin-pw',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(await form.json()).toStrictEqual({ ok: true, name: 'admin', roles: ['_admin'] });
  });

  it('answers Basic and anonymous sessions, and ?basic=true asks anonymous users to log in', async () => {
    const viaBasic = await request(server, '/_session', { auth: basic('bob', 'bob-pw') });
    expect(await viaBasic.json()).toStrictEqual({
      ok: true,
      userCtx: { name: 'bob', roles: ['readers'] },
      info: { authentication_handlers: ['cookie', 'default'], authenticated: 'default' },
    });
    const anonymous = await request(server, '/_session', { auth: null });
    expect(await anonymous.json()).toStrictEqual({
      ok: true,
      userCtx: { name: null, roles: [] },
      info: { authentication_handlers: ['cookie', 'default'] },
    });
    const login = await request(server, '/_session?basic=true', { auth: null });
    expect(login.status).toBe(401);
    expect(await login.json()).toStrictEqual({ error: 'unauthorized', reason: 'Please login.' });
  });

  it('refuses wrong passwords with an empty cookie; wrong Basic credentials fail even on /', async () => {
    const wrong = await request(server, '/_session', { method: 'POST', auth: null, json: { name: 'alice', password: 'nope' } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toMatch(/^AuthSession=; Version=1;/);
    expect(await wrong.json()).toStrictEqual({ error: 'unauthorized', reason: 'Name or password is incorrect.' });
    const root = await request(server, '/', { auth: basic('bob', 'wrong') });
    expect(root.status).toBe(401);
    await root.arrayBuffer();
  });

  it('checks the login body: 400 without a name, 415 for other types', async () => {
    const empty = await request(server, '/_session', { method: 'POST', auth: null, json: {} });
    expect(await empty.json()).toStrictEqual({ error: 'bad_request', reason: 'request body must contain a username' });
    const text = await request(server, '/_session', { method: 'POST', auth: null, body: 'x', headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(415);
    await text.arrayBuffer();
  });

  it('a garbage cookie is a 400; next= redirects after login', async () => {
    const garbage = await request(server, '/_session', { auth: null, headers: { cookie: 'AuthSession=garbage' } });
    expect(garbage.status).toBe(400);
    expect(await garbage.json()).toStrictEqual({ error: 'bad_request', reason: 'Malformed AuthSession cookie. Please clear your cookies.' });
    const next = await request(server, '/_session?next=/', {
      method: 'POST',
      auth: null,
      redirect: 'manual',
      json: { name: 'alice', password: 'alice-pw' },
    });
    expect(next.status).toBe(302);
    expect(next.headers.get('location')).toBe(`${server.url}/`);
    await next.arrayBuffer();
  });

  it('logout sends an empty cookie; a session cookie signed for another password stops working', async () => {
    const out = await request(server, '/_session', { method: 'DELETE', auth: null });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(/^AuthSession=; Version=1;/);
    expect(await out.json()).toStrictEqual({ ok: true });
    await createUser('eve', 'eve-pw');
    const login = await request(server, '/_session', { method: 'POST', auth: null, json: { name: 'eve', password: 'eve-pw' } });
    const cookie = cookieOf(login);
    await login.arrayBuffer();
    const current = (await (await request(server, '/_users/org.couchdb.user:eve')).json()) as { _rev: string };
    await request(server, '/_users/org.couchdb.user:eve', {
      method: 'PUT',
      json: { _rev: current._rev, name: 'eve', password: 'new-pw', roles: [], type: 'user' },
    });
    const after = (await (await request(server, '/_session', { auth: null, headers: { cookie } })).json()) as { userCtx: { name: unknown } };
    expect(after.userCtx.name).toBeNull();
  });
});

describe('lockout (auth.json)', () => {
  it('five wrong passwords lock the user: then even the right one is a 403, by Basic auth and by _session', async () => {
    await createUser('locky', 'locky-pw');
    for (let i = 0; i < 5; i += 1) {
      const wrong = await request(server, '/_session', { auth: basic('locky', 'wrong') });
      expect(wrong.status).toBe(401);
      await wrong.arrayBuffer();
    }
    const locked = await request(server, '/_session', { auth: basic('locky', 'locky-pw') });
    expect(locked.status).toBe(403);
    expect(await locked.json()).toStrictEqual({
      error: 'forbidden',
      reason: 'Account is temporarily locked due to multiple authentication failures',
    });
    const login = await request(server, '/_session', { method: 'POST', auth: null, json: { name: 'locky', password: 'locky-pw' } });
    expect(login.status).toBe(403);
    await login.arrayBuffer();
    // Other users are not affected.
    const alice = await request(server, '/_session', { auth: basic('alice', 'alice-pw') });
    expect(alice.status).toBe(200);
    await alice.arrayBuffer();
  });

  it('names that are no user are not counted (couch_httpd_auth: 401 before the lockout), by Basic auth and by _session', async () => {
    for (let i = 0; i < 6; i += 1) {
      const basicTry = await request(server, '/_session', { auth: basic('nobody-yet', 'guess') });
      expect(basicTry.status).toBe(401);
      await basicTry.arrayBuffer();
      const sessionTry = await request(server, '/_session', { method: 'POST', auth: null, json: { name: 'nobody-yet', password: 'guess' } });
      expect(sessionTry.status).toBe(401);
      await sessionTry.arrayBuffer();
    }
    await createUser('nobody-yet', 'right-pw');
    const login = await request(server, '/_session', { auth: basic('nobody-yet', 'right-pw') });
    expect(login.status).toBe(200);
    await login.arrayBuffer();
  });
});

describe('server admin endpoints', () => {
  it('401 "You are not a server admin." for anonymous and authenticated users alike', async () => {
    for (const auth of [null, basic('alice', 'alice-pw')]) {
      for (const [method, path] of [['GET', '/_all_dbs'], ['PUT', '/newdb'], ['GET', '/_active_tasks']] as const) {
        const res = await request(server, path, { method, auth });
        expect(res.status, `${method} ${path}`).toBe(401);
        expect(await res.json()).toStrictEqual({ error: 'unauthorized', reason: 'You are not a server admin.' });
      }
    }
  });

  it('/ and /_up stay public', async () => {
    for (const path of ['/', '/_up']) {
      const res = await request(server, path, { auth: null });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
  });
});

describe('_security', () => {
  beforeAll(async () => {
    await request(server, '/secure', { method: 'PUT' });
    await request(server, '/secure/doc', { method: 'PUT', json: { v: 1 } });
    const set = await request(server, '/secure/_security', {
      method: 'PUT',
      json: { admins: { names: [], roles: ['boss'] }, members: { names: ['carol'], roles: ['readers'] } },
    });
    expect(set.status).toBe(200);
  });

  it('anonymous 401, authenticated non-member 403, member by role 200', async () => {
    const anonymous = await request(server, '/secure/doc', { auth: null });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toStrictEqual({ error: 'unauthorized', reason: 'You are not authorized to access this db.' });
    const alice = await request(server, '/secure/doc', { auth: basic('alice', 'alice-pw') });
    expect(alice.status).toBe(403);
    expect(await alice.json()).toStrictEqual({ error: 'forbidden', reason: 'You are not allowed to access this db.' });
    const bob = await request(server, '/secure/doc', { auth: basic('bob', 'bob-pw') });
    expect(bob.status).toBe(200);
    expect(await bob.json()).toStrictEqual({ _id: 'doc', _rev: '1-7a7e4b29f3af401e69b6f86e4c26b727', v: 1 });
  });

  it('members write documents, not design documents; only db admins change _security', async () => {
    const doc2 = await request(server, '/secure/doc2', { method: 'PUT', auth: basic('bob', 'bob-pw'), json: { by: 'bob' } });
    expect(doc2.status).toBe(201);
    expect(((await doc2.json()) as { rev: string }).rev).toBe('1-54f7321d1e645815e20492122a5cd99d');
    const ddoc = await request(server, '/secure/_design/x', { method: 'PUT', auth: basic('bob', 'bob-pw'), json: { views: {} } });
    expect(ddoc.status).toBe(403);
    expect(await ddoc.json()).toStrictEqual({ error: 'forbidden', reason: 'You are not a db or server admin.' });
    const sec = await request(server, '/secure/_security', { method: 'PUT', auth: basic('bob', 'bob-pw'), json: {} });
    expect(sec.status).toBe(403);
    await sec.arrayBuffer();
    // In a bulk write it is that document's error entry; the others are written (couch_db validate_doc_update).
    const bulk = await request(server, '/secure/_bulk_docs', { method: 'POST', auth: basic('bob', 'bob-pw'), json: { docs: [{ _id: '_design/y' }, { _id: 'doc3' }] } });
    expect(bulk.status).toBe(201);
    const [ddocEntry, docEntry] = (await bulk.json()) as Array<Record<string, unknown>>;
    expect(ddocEntry).toStrictEqual({ id: '_design/y', error: 'forbidden', reason: 'You are not a db or server admin.' });
    expect(docEntry).toMatchObject({ ok: true, id: 'doc3' });
  });

  it('the cookie of a non-member is refused too; an empty _security opens the database', async () => {
    const login = await request(server, '/_session', { method: 'POST', auth: null, json: { name: 'alice', password: 'alice-pw' } });
    const cookie = cookieOf(login);
    await login.arrayBuffer();
    const refused = await request(server, '/secure/doc', { auth: null, headers: { cookie } });
    expect(refused.status).toBe(403);
    await refused.arrayBuffer();
    await request(server, '/secure/_security', { method: 'PUT', json: {} });
    const open = await request(server, '/secure/doc', { auth: basic('alice', 'alice-pw') });
    expect(open.status).toBe(200);
    await open.arrayBuffer();
  });
  it("a public database's admin-only requests ask an anonymous client to log in (401) and refuse a signed-in one (403)", async () => {
    expect((await request(server, '/public_db', { method: 'PUT' })).status).toBe(201);
    expect((await request(server, '/public_db/_security', { method: 'PUT', json: {} })).status).toBe(200);
    const adminOnly: Array<[string, string, unknown]> = [
      ['PUT', '/public_db/_design/x', { views: {} }],
      ['POST', '/public_db', { _id: '_design/x' }],
      ['PUT', '/public_db/_security', {}],
      ['PUT', '/public_db/_revs_limit', 5],
      ['POST', '/public_db/_index', { index: { fields: ['a'] } }],
    ];
    for (const [method, path, json] of adminOnly) {
      const anonymous = await request(server, path, { method, auth: null, json });
      expect([path, anonymous.status, await anonymous.json()]).toStrictEqual([path, 401, { error: 'unauthorized', reason: 'You are not a db or server admin.' }]);
      const alice = await request(server, path, { method, auth: basic('alice', 'alice-pw'), json });
      expect([path, alice.status, await alice.json()]).toStrictEqual([path, 403, { error: 'forbidden', reason: 'You are not a db or server admin.' }]);
    }
  });
});
