// Self-signup in `_users` with nano 11, as a CouchDB 3 app does once a server admin has opened the users database
// (its members emptied): an anonymous client signs up, logs in with a cookie, reads and changes its own user
// document; the old password stops working, the new one works, and nobody else can read, change or list it.
import nano from 'nano';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, createUser, request, startServer } from './start.js';

let server: Awaited<ReturnType<typeof startServer>>;

const OPEN_USERS = { admins: { names: [], roles: ['_admin'] }, members: { names: [], roles: [] } };

function statusOf(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null ? (error as { statusCode?: number }).statusCode : undefined;
}

interface UserDoc {
  _id: string;
  _rev?: string;
  name: string;
  roles: string[];
  type: string;
  password?: string;
  [field: string]: unknown;
}

beforeAll(async () => {
  server = await startServer({ usersDbSecurityEditable: true });
  const opened = await request(server, '/_users/_security', { method: 'PUT', json: OPEN_USERS });
  expect([opened.status, await opened.json()]).toStrictEqual([200, { ok: true }]);
  await createUser(server, 'spike', 'foobar');
});

afterAll(async () => {
  await server.closeAll();
});

describe('signup and own user document with nano', () => {
  it('signs up anonymously, logs in, changes the password; others cannot read, change or list it', async () => {
    const anonymous = nano(server.url);
    const signup = await anonymous.use<UserDoc>('_users').insert({
      _id: 'org.couchdb.user:tom',
      name: 'tom',
      password: 'mp3',
      roles: [],
      type: 'user',
    });
    expect(signup).toMatchObject({ ok: true, id: 'org.couchdb.user:tom' });

    // Log in with a cookie session and read the own document: the password is stored as PBKDF2 fields only.
    const tom = nano(server.url);
    expect(await tom.auth('tom', 'mp3')).toMatchObject({ ok: true, name: 'tom', roles: [] });
    expect((await tom.session()).userCtx).toStrictEqual({ name: 'tom', roles: [] });
    const users = tom.use<UserDoc>('_users');
    const own = await users.get('org.couchdb.user:tom');
    expect(own).toMatchObject({ _id: 'org.couchdb.user:tom', _rev: signup.rev, name: 'tom', roles: [], type: 'user' });
    expect(own).toMatchObject({ password_scheme: 'pbkdf2', pbkdf2_prf: 'sha256', iterations: 1000 });
    expect(own['derived_key']).toMatch(/^[0-9a-f]{64}$/);
    expect(own['password']).toBeUndefined();

    // Change the password through the own document.
    const changed = await users.insert({ ...own, password: 'couch' });
    expect(changed).toMatchObject({ ok: true, id: 'org.couchdb.user:tom' });
    expect(changed.rev).toMatch(/^2-/);
    const after = await request(server, '/_users/org.couchdb.user:tom');
    const stored = (await after.json()) as UserDoc;
    expect(stored['salt']).not.toBe(own['salt']);
    expect(stored['password']).toBeUndefined();

    // The old password is refused, the new one accepted (cookie and Basic).
    const old = await nano(server.url).auth('tom', 'mp3').catch((error: unknown) => error);
    expect(statusOf(old)).toBe(401);
    expect(old).toMatchObject({ error: 'unauthorized', reason: 'Name or password is incorrect.' });
    expect(await nano(server.url).auth('tom', 'couch')).toMatchObject({ ok: true, name: 'tom' });
    const oldBasic = await request(server, '/_session', { auth: basic('tom', 'mp3') });
    expect(oldBasic.status).toBe(401);
    await oldBasic.arrayBuffer();
    const newBasic = await request(server, '/_session', { auth: basic('tom', 'couch') });
    expect(((await newBasic.json()) as { userCtx: unknown }).userCtx).toStrictEqual({ name: 'tom', roles: [] });

    // Another user can neither read nor change tom's document: CouchDB answers as if it did not exist.
    const spike = nano(server.url);
    await spike.auth('spike', 'foobar');
    const spikeUsers = spike.use<UserDoc>('_users');
    const read = await spikeUsers.get('org.couchdb.user:tom').catch((error: unknown) => error);
    expect(statusOf(read)).toBe(404);
    expect(read).toMatchObject({ error: 'not_found', reason: 'missing' });
    const write = await spikeUsers
      .insert({ ...stored, _rev: changed.rev, password: 'stolen' })
      .catch((error: unknown) => error);
    expect(statusOf(write)).toBe(404);
    expect(write).toMatchObject({ error: 'not_found', reason: 'missing' });
    // Still tom's password.
    expect(await nano(server.url).auth('tom', 'couch')).toMatchObject({ ok: true });

    // Anonymous clients cannot read it nor list the users.
    const anonymousRead = await anonymous.use('_users').get('org.couchdb.user:tom').catch((error: unknown) => error);
    expect(statusOf(anonymousRead)).toBe(404);
    const list = await anonymous.use('_users').list().catch((error: unknown) => error);
    expect(statusOf(list)).toBe(401);
    expect(list).toMatchObject({ error: 'unauthorized', reason: 'You are not a server admin.' });
    const tomList = await users.list().catch((error: unknown) => error);
    expect(statusOf(tomList)).toBe(401);
    const changes = await users.changes().catch((error: unknown) => error);
    expect(statusOf(changes)).toBe(401);
    expect(changes).toMatchObject({ error: 'unauthorized', reason: 'You are not a server admin.' });
  });
});
