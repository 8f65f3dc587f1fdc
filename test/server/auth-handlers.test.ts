// How settee-server authenticates and answers around it, as CouchDB 3.4's handlers do (couch_httpd_auth.erl,
// chttpd_auth_cache.erl, chttpd error_headers, couch_db get_members) and as CouchDB's Elixir suites rely on
// (cookie_auth_test, users_db_test, reader_acl_test, http_test). Passwords are fixed test values; no cookie or
// password is ever printed.
import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { basic, createUser, request, startServer } from './start.js';

let server: Awaited<ReturnType<typeof startServer>>;

const ALICE = basic('alice', 'alice-pw');

function cookieOf(res: Response): string {
  return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

async function login(name: string, password: string): Promise<string> {
  const res = await request(server, '/_session', { method: 'POST', auth: null, json: { name, password } });
  expect(res.status).toBe(200);
  await res.arrayBuffer();
  return cookieOf(res);
}

async function whoAmI(init: Parameters<typeof request>[2]): Promise<{ name: unknown; authenticated: unknown }> {
  const res = await request(server, '/_session', init);
  const body = (await res.json()) as { userCtx: { name: unknown }; info: { authenticated?: unknown } };
  return { name: body.userCtx.name, authenticated: body.info.authenticated };
}

beforeAll(async () => {
  server = await startServer();
  await createUser(server, 'alice', 'alice-pw');
  await createUser(server, 'bob', 'bob-pw', ['readers']);
});

afterAll(async () => {
  await server.closeAll();
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('Basic credentials', () => {
  it('no colon, or the "_:_" browsers send to forget credentials, is an anonymous request, not a 401', async () => {
    for (const value of ['nocolon', '_:_']) {
      const res = await request(server, '/_session', { auth: `Basic ${Buffer.from(value).toString('base64')}` });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { userCtx: unknown }).userCtx).toStrictEqual({ name: null, roles: [] });
    }
  });

  it('a password may start with a colon (users_db_test)', async () => {
    await createUser(server, 'colon', ':bar');
    expect(await whoAmI({ auth: basic('colon', ':bar') })).toStrictEqual({ name: 'colon', authenticated: 'default' });
  });

  it('a valid session cookie is tried before Basic credentials, an invalid one leaves them to decide', async () => {
    const cookie = await login('alice', 'alice-pw');
    expect(await whoAmI({ auth: basic('bob', 'wrong'), headers: { cookie } })).toStrictEqual({ name: 'alice', authenticated: 'cookie' });
    await request(server, '/_session', { method: 'DELETE', auth: null }).then((res) => res.arrayBuffer());
    const stale = `AuthSession=${Buffer.from('alice:1:nope').toString('base64url')}`;
    expect(await whoAmI({ auth: basic('bob', 'bob-pw'), headers: { cookie: stale } })).toStrictEqual({ name: 'bob', authenticated: 'default' });
  });

  it('a legacy "simple" user (password_sha, no password_scheme) can log in', async () => {
    const salt = 'c0ffee';
    const sha = createHash('sha1').update(`old-pw${salt}`).digest('hex');
    const id = 'org.couchdb.user:oldtimer';
    const put = await request(server, `/_users/${id}`, { method: 'PUT', json: { _id: id, name: 'oldtimer', roles: [], type: 'user', salt, password_sha: sha } });
    expect(put.status).toBe(201);
    await put.arrayBuffer();
    expect(await whoAmI({ auth: basic('oldtimer', 'old-pw') })).toStrictEqual({ name: 'oldtimer', authenticated: 'default' });
    const wrong = await request(server, '/_session', { auth: basic('oldtimer', 'other') });
    expect(wrong.status).toBe(401);
    await wrong.arrayBuffer();
  });
});

describe('the user document behind the credentials', () => {
  it('a user document with conflicts authenticates no one, by Basic auth or by login', async () => {
    await createUser(server, 'dora', 'dora-pw');
    const branch = {
      _id: 'org.couchdb.user:dora',
      _rev: '1-0123456789abcdef0123456789abcdef',
      name: 'dora',
      roles: [],
      type: 'user',
    };
    const write = await request(server, '/_users/_bulk_docs', { method: 'POST', json: { new_edits: false, docs: [branch] } });
    expect(write.status).toBe(201);
    await write.arrayBuffer();
    const reason = 'User document conflicts must be resolved before the document is used for authentication purposes.';
    const viaBasic = await request(server, '/_session', { auth: basic('dora', 'dora-pw') });
    expect(viaBasic.status).toBe(401);
    expect(await viaBasic.json()).toStrictEqual({ error: 'unauthorized', reason });
    const viaLogin = await request(server, '/_session', { method: 'POST', auth: null, json: { name: 'dora', password: 'dora-pw' } });
    expect(viaLogin.status).toBe(401);
    expect(await viaLogin.json()).toStrictEqual({ error: 'unauthorized', reason });
  });

  it('a purged user document stops authenticating at once, however recently its credentials were checked', async () => {
    await createUser(server, 'carl', 'carl-pw');
    expect((await whoAmI({ auth: basic('carl', 'carl-pw') })).name).toBe('carl');
    const doc = (await (await request(server, '/_users/org.couchdb.user:carl')).json()) as { _rev: string };
    const purge = await request(server, '/_users/_purge', { method: 'POST', json: { 'org.couchdb.user:carl': [doc._rev] } });
    expect(purge.status).toBe(201);
    await purge.arrayBuffer();
    const after = await request(server, '/_session', { auth: basic('carl', 'carl-pw') });
    expect(after.status).toBe(401);
    await after.arrayBuffer();
  });
});

describe('the server admin with a user document (cookie_auth_test)', () => {
  it('keeps the admin password and gains the roles of the user document of the same name', async () => {
    const id = 'org.couchdb.user:admin';
    const put = await request(server, `/_users/${id}`, { method: 'PUT', json: { _id: id, name: 'admin', roles: ['foo'], type: 'user', password: 'ignored-pw' } });
    expect(put.status).toBe(201);
    await put.arrayBuffer();
    const res = await request(server, '/_session');
    expect(((await res.json()) as { userCtx: unknown }).userCtx).toStrictEqual({ name: 'admin', roles: ['_admin', 'foo'] });
    const login = await request(server, '/_session', { method: 'POST', auth: null, json: { name: 'admin', password: 'test-admin-pw' } });
    expect(await login.json()).toStrictEqual({ ok: true, name: 'admin', roles: ['_admin', 'foo'] });
    const other = await request(server, '/_session', { auth: basic('admin', 'ignored-pw') });
    expect(other.status).toBe(401);
    await other.arrayBuffer();
    const doc = (await (await request(server, `/_users/${id}`)).json()) as { _rev: string };
    const gone = await request(server, `/_users/${id}?rev=${doc._rev}`, { method: 'DELETE' });
    expect(gone.status).toBe(200);
    await gone.arrayBuffer();
  });
});

describe('POST/DELETE /_session as clients send them', () => {
  it('takes the name as "username" too, and refuses two different names', async () => {
    const res = await request(server, '/_session', { method: 'POST', auth: null, json: { username: 'alice', password: 'alice-pw' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toStrictEqual({ ok: true, name: 'alice', roles: [] });
    const form = await request(server, '/_session', {
      method: 'POST',
      auth: null,
      body: 'username=alice&password=alice-pw',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(200);
    await form.arrayBuffer();
    const both = await request(server, '/_session', { method: 'POST', auth: null, json: { name: 'alice', username: 'bob', password: 'x' } });
    expect(both.status).toBe(400);
    expect(await both.json()).toStrictEqual({ error: 'bad_request', reason: 'request body contains different usernames' });
  });

  it('?fail= redirects a failed login with the error and the empty cookie; ?next= redirects a logout', async () => {
    const failed = await request(server, '/_session?fail=/_up', {
      method: 'POST',
      auth: null,
      redirect: 'manual',
      json: { name: 'alice', password: 'wrong' },
    });
    expect(failed.status).toBe(302);
    expect(failed.headers.get('location')).toBe(`${server.url}/_up`);
    expect(failed.headers.get('set-cookie')).toMatch(/^AuthSession=; Version=1;/);
    expect(await failed.json()).toStrictEqual({ error: 'unauthorized', reason: 'Name or password is incorrect.' });
    const out = await request(server, '/_session?next=/_up', { method: 'DELETE', auth: null, redirect: 'manual' });
    expect(out.status).toBe(302);
    expect(out.headers.get('location')).toBe(`${server.url}/_up`);
    expect(out.headers.get('set-cookie')).toMatch(/^AuthSession=; Version=1;/);
    expect(await out.json()).toStrictEqual({ ok: true });
  });

  it('redirects only to paths of this server: anything else is a 400 and no session', async () => {
    const res = await request(server, '/_session?next=http://elsewhere.example/', {
      method: 'POST',
      auth: null,
      redirect: 'manual',
      json: { name: 'alice', password: 'alice-pw' },
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(await res.json()).toStrictEqual({ error: 'bad_request', reason: 'path must begin with a /.' });
  });
});

describe('session cookies are renewed while in use', () => {
  it('past a tenth of its 600 s life a valid cookie earns a fresh one with the answer, errors included', async () => {
    const start = Date.now();
    const cookie = await login('alice', 'alice-pw');
    const at = (seconds: number): void => {
      vi.spyOn(Date, 'now').mockReturnValue(start + seconds * 1000);
    };
    at(30);
    const early = await request(server, '/_session', { auth: null, headers: { cookie } });
    expect(early.headers.get('set-cookie')).toBeNull();
    await early.arrayBuffer();
    at(120);
    const later = await request(server, '/_session', { auth: null, headers: { cookie } });
    expect(later.headers.get('set-cookie')).toMatch(/^AuthSession=[^;]+; Version=1; Expires=[^;]+; Max-Age=600; Path=\/; HttpOnly$/);
    const renewed = cookieOf(later);
    expect(renewed).not.toBe(cookie);
    await later.arrayBuffer();
    const refused = await request(server, '/_all_dbs', { auth: null, headers: { cookie } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('set-cookie')).toMatch(/^AuthSession=[^;]+;/);
    await refused.arrayBuffer();
    at(650);
    // The old cookie has expired; the renewed one lives on.
    expect((await whoAmI({ auth: null, headers: { cookie } })).name).toBeNull();
    expect(await whoAmI({ auth: null, headers: { cookie: renewed } })).toStrictEqual({ name: 'alice', authenticated: 'cookie' });
  });

  it('streamed answers (continuous and heartbeat longpoll _changes) carry the renewed cookie too', async () => {
    await (await request(server, '/renewfeed', { method: 'PUT' })).arrayBuffer();
    await (await request(server, '/renewfeed/_security', { method: 'PUT', json: {} })).arrayBuffer();
    const start = Date.now();
    const cookie = await login('alice', 'alice-pw');
    vi.spyOn(Date, 'now').mockReturnValue(start + 120_000);
    const continuous = await request(server, '/renewfeed/_changes?feed=continuous&timeout=10', { auth: null, headers: { cookie } });
    // A longpoll with a heartbeat opens its answer (with its first heartbeat) before the change it waits for, and
    // only once `since=now` is pinned: waiting for its head, not for a while, keeps the write after that point.
    const longpoll = await request(server, '/renewfeed/_changes?feed=longpoll&since=now&heartbeat=10', { auth: null, headers: { cookie } });
    await (await request(server, '/renewfeed/doc', { method: 'PUT', json: {} })).arrayBuffer();
    for (const res of [continuous, longpoll]) {
      expect([res.status, res.headers.get('set-cookie')]).toStrictEqual([200, expect.stringMatching(/^AuthSession=[^;]+;/)]);
      await res.arrayBuffer();
    }
  });

  it('an answer reached through a JavaScript _rewrite carries the renewed cookie too', async () => {
    await (await request(server, '/renewrw', { method: 'PUT' })).arrayBuffer();
    await (await request(server, '/renewrw/_security', { method: 'PUT', json: {} })).arrayBuffer();
    const rewrites = "function (req) { return { path: '../../', query: {} }; }";
    await (await request(server, '/renewrw/_design/r', { method: 'PUT', json: { rewrites } })).arrayBuffer();
    const start = Date.now();
    const cookie = await login('alice', 'alice-pw');
    vi.spyOn(Date, 'now').mockReturnValue(start + 120_000);
    const res = await request(server, '/renewrw/_design/r/_rewrite/x', { auth: null, headers: { cookie } });
    expect([res.status, res.headers.get('set-cookie')]).toStrictEqual([200, expect.stringMatching(/^AuthSession=[^;]+;/)]);
    expect(await res.json()).toMatchObject({ db_name: 'renewrw' });
  });

  it('a login or logout cookie is not replaced by a renewal', async () => {
    const start = Date.now();
    const cookie = await login('alice', 'alice-pw');
    vi.spyOn(Date, 'now').mockReturnValue(start + 300_000);
    const out = await request(server, '/_session', { method: 'DELETE', auth: null, headers: { cookie } });
    expect(out.headers.get('set-cookie')).toMatch(/^AuthSession=; Version=1;/);
    await out.arrayBuffer();
  });
});

describe('401 answers', () => {
  it('carry WWW-Authenticate only when the client asked for it with X-CouchDB-WWW-Authenticate', async () => {
    const plain = await request(server, '/_all_dbs', { auth: null });
    expect(plain.status).toBe(401);
    expect(plain.headers.get('www-authenticate')).toBeNull();
    await plain.arrayBuffer();
    const asked = await request(server, '/_all_dbs', { auth: null, headers: { 'X-CouchDB-WWW-Authenticate': 'Cookie' } });
    expect(asked.status).toBe(401);
    expect(asked.headers.get('www-authenticate')).toBe('Cookie');
    await asked.arrayBuffer();
    const other = await request(server, '/_all_dbs', { auth: ALICE, headers: { 'X-CouchDB-WWW-Authenticate': 'Cookie' } });
    expect(other.status).toBe(401);
    expect(other.headers.get('www-authenticate')).toBe('Cookie');
    await other.arrayBuffer();
  });
});

describe('_security members', () => {
  async function secure(db: string, security: unknown): Promise<void> {
    expect((await request(server, `/${db}`, { method: 'PUT' })).status).toBe(201);
    const res = await request(server, `/${db}/_security`, { method: 'PUT', json: security });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
  }

  it('"readers" still lists members when "members" is absent (CouchDB 1.0 objects, reader_acl_test)', async () => {
    await secure('readers-db', { admins: { names: [], roles: [] }, readers: { names: [], roles: ['readers'] } });
    const bob = await request(server, '/readers-db', { auth: basic('bob', 'bob-pw') });
    expect(bob.status).toBe(200);
    await bob.arrayBuffer();
    const alice = await request(server, '/readers-db', { auth: ALICE });
    expect(alice.status).toBe(403);
    await alice.arrayBuffer();
  });

  it('a names value that is not a list is refused, and lets no one in by a substring of it', async () => {
    expect((await request(server, '/odd-names', { method: 'PUT' })).status).toBe(201);
    const refused = await request(server, '/odd-names/_security', { method: 'PUT', json: { members: { names: 'alice,bob' } } });
    expect([refused.status, await refused.json()]).toStrictEqual([400, { error: 'bad_request', reason: 'names must be a JSON list of strings' }]);
    for (const auth of [ALICE, basic('bob', 'bob-pw')]) {
      const res = await request(server, '/odd-names', { auth });
      expect(res.status).toBe(403);
      await res.arrayBuffer();
    }
  });
});

describe('Location headers behind a proxy (http_test)', () => {
  it('name the forwarded host and scheme', async () => {
    const res = await request(server, '/fwd-db', { method: 'PUT', headers: { 'X-Forwarded-Host': 'mysite.com' } });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe('http://mysite.com/fwd-db');
    await res.arrayBuffer();
    const doc = await request(server, '/fwd-db/d', { method: 'PUT', json: {}, headers: { 'X-Forwarded-Host': 'mysite.com', 'X-Forwarded-Proto': 'https' } });
    expect(doc.headers.get('location')).toBe('https://mysite.com/fwd-db/d');
    await doc.arrayBuffer();
  });
});

describe('endpoints CouchDB guards before _security (chttpd_auth_request)', () => {
  it('_compact and _view_cleanup: whoever is not a server or db admin gets 401, member or not', async () => {
    await (await request(server, '/compactme', { method: 'PUT' })).arrayBuffer();
    await (await request(server, '/compactme/_security', { method: 'PUT', json: { members: { names: ['alice'] } } })).arrayBuffer();
    for (const [path, auth] of [['/compactme/_compact', ALICE], ['/compactme/_view_cleanup', ALICE], ['/compactme/_compact', basic('bob', 'bob-pw')], ['/compactme/_compact', null]] as const) {
      const res = await request(server, path, { method: 'POST', auth, json: {} });
      expect([res.status, await res.json()]).toStrictEqual([401, { error: 'unauthorized', reason: 'You are not a server or db admin.' }]);
    }
    await (await request(server, '/compactme/_security', { method: 'PUT', json: { admins: { names: ['alice'] } } })).arrayBuffer();
    const admin = await request(server, '/compactme/_compact', { method: 'POST', auth: ALICE, json: {} });
    expect(admin.status).toBe(202);
    await admin.arrayBuffer();
  });

  it('_replicator/_all_docs and _changes are for server admins even when its _security lets members in', async () => {
    await (await request(server, '/_replicator/_security', { method: 'PUT', json: { members: { names: ['alice'] } } })).arrayBuffer();
    try {
      for (const path of ['/_replicator/_all_docs', '/_replicator/_changes']) {
        const res = await request(server, path, { auth: ALICE });
        expect([res.status, ((await res.json()) as { error: string }).error]).toStrictEqual([401, 'unauthorized']);
      }
      const info = await request(server, '/_replicator', { auth: ALICE });
      expect(info.status).toBe(200);
      await info.arrayBuffer();
    } finally {
      await (await request(server, '/_replicator/_security', { method: 'PUT', json: { admins: { roles: ['_admin'] }, members: { roles: ['_admin'] } } })).arrayBuffer();
    }
  });
});
