// The rules of CouchDB 3's `_users` (couch_users_db.erl, the `_design/_auth` validation of couch_js_functions.hrl,
// chttpd_auth_request and couch_mrview_http) over real HTTP: what anonymous clients and signed-in users may do with
// user documents once a server admin has opened the users database, with CouchDB's exact status, error and reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, request, startServer } from './start.js';

let server: Awaited<ReturnType<typeof startServer>>;

const OPEN_USERS = { admins: { names: [], roles: ['_admin'] }, members: { names: [], roles: [] } };
const TOM = basic('tom', 'tom-pw');
const SPIKE = basic('spike', 'spike-pw');
const revs: Record<string, string> = {};

function userDoc(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { _id: `org.couchdb.user:${name}`, name, password: `${name}-pw`, roles: [], type: 'user', ...extra };
}

async function answer(res: Response): Promise<[number, unknown]> {
  const text = await res.text();
  return [res.status, text === '' ? undefined : JSON.parse(text)];
}

function put(path: string, json: unknown, auth: string | null): Promise<Response> {
  return request(server, path, { method: 'PUT', json, auth });
}

beforeAll(async () => {
  server = await startServer({ usersDbSecurityEditable: true });
  expect((await put('/_users/_security', OPEN_USERS, undefined as unknown as string)).status).toBe(200);
  for (const name of ['tom', 'spike']) {
    const res = await put(`/_users/org.couchdb.user:${name}`, userDoc(name), null);
    expect(res.status).toBe(201);
    revs[name] = ((await res.json()) as { rev: string }).rev;
  }
  const ddoc = await request(server, '/_users/_design/names', {
    method: 'PUT',
    json: { views: { all: { map: 'function (doc) { emit(doc.name, null); }' } }, shows: { name: 'function (doc) { return doc ? doc.name : "none"; }' } },
  });
  expect(ddoc.status).toBe(201);
});

afterAll(async () => {
  await server.closeAll();
});

describe('_users is admin-only until opened (CouchDB 3 default_security)', () => {
  it('refuses anonymous signup and signed-in readers on a fresh server, as recorded from CouchDB 3.4.3', async () => {
    const fresh = await startServer();
    try {
      const security = await request(fresh, '/_users/_security');
      expect(await answer(security)).toStrictEqual([200, { members: { roles: ['_admin'] }, admins: { roles: ['_admin'] } }]);
      const signup = await request(fresh, '/_users/org.couchdb.user:tom', { method: 'PUT', json: userDoc('tom'), auth: null });
      expect(await answer(signup)).toStrictEqual([401, { error: 'unauthorized', reason: 'You are not authorized to access this db.' }]);
      expect((await request(fresh, '/_users/org.couchdb.user:tom', { method: 'PUT', json: userDoc('tom') })).status).toBe(201);
      const own = await request(fresh, '/_users/org.couchdb.user:tom', { auth: TOM });
      expect(await answer(own)).toStrictEqual([403, { error: 'forbidden', reason: 'You are not allowed to access this db.' }]);
      // chttpd_auth_request answers _all_docs before the database's security.
      const list = await request(fresh, '/_users/_all_docs', { auth: TOM });
      expect(await answer(list)).toStrictEqual([401, { error: 'unauthorized', reason: 'You are not a server admin.' }]);
      // Without users_db_security_editable (CouchDB's default) not even the admin may open it.
      const open = await request(fresh, '/_users/_security', { method: 'PUT', json: { members: {}, admins: {} } });
      expect(await answer(open)).toStrictEqual([403, { error: 'forbidden', reason: "You can't edit the security object of the user database." }]);
    } finally {
      await fresh.closeAll();
    }
  });

  it('only a db admin may change its security', async () => {
    const res = await put('/_users/_security', {}, TOM);
    expect(await answer(res)).toStrictEqual([403, { error: 'forbidden', reason: 'You are not a db or server admin.' }]);
  });
});

describe('signup rules', () => {
  it('anonymous clients may not set roles, use system names, or another id form', async () => {
    expect(await answer(await put('/_users/org.couchdb.user:r1', userDoc('r1', { roles: ['reader'] }), null))).toStrictEqual([
      403,
      { error: 'forbidden', reason: 'Only _admin may set roles' },
    ]);
    expect(await answer(await put('/_users/org.couchdb.user:_x', userDoc('_x'), null))).toStrictEqual([
      403,
      { error: 'forbidden', reason: 'Username may not start with underscore.' },
    ]);
    expect(await answer(await put('/_users/eve', { name: 'eve', password: 'x', roles: [], type: 'user' }, null))).toStrictEqual([
      403,
      { error: 'forbidden', reason: 'Doc ID must be of the form org.couchdb.user:name' },
    ]);
    expect(await answer(await put('/_users/org.couchdb.user:nr', { name: 'nr', type: 'user' }, null))).toStrictEqual([
      403,
      { error: 'forbidden', reason: 'doc.roles must exist' },
    ]);
    expect(await answer(await put('/_users/org.couchdb.user:nn', { roles: [], type: 'user' }, null))).toStrictEqual([
      403,
      { error: 'forbidden', reason: 'doc.name is required' },
    ]);
  });

  it('even admins may not give system roles or a colon in a name', async () => {
    const role = await request(server, '/_users/org.couchdb.user:boss', { method: 'PUT', json: userDoc('boss', { roles: ['_admin'] }) });
    expect(await answer(role)).toStrictEqual([403, { error: 'forbidden', reason: 'No system roles (starting with underscore) in users db.' }]);
    const colon = await request(server, '/_users/org.couchdb.user:a:b', { method: 'PUT', json: userDoc('a:b') });
    expect(await answer(colon)).toStrictEqual([403, { error: 'forbidden', reason: 'Character `:` is not allowed in usernames.' }]);
    const metrics = await request(server, '/_users/org.couchdb.user:watcher', { method: 'PUT', json: userDoc('watcher', { roles: ['_metrics'] }) });
    expect(metrics.status).toBe(201);
    await metrics.arrayBuffer();
  });

  it('signing up under a taken name without its revision is a conflict', async () => {
    expect(await answer(await put('/_users/org.couchdb.user:tom', userDoc('tom'), null))).toStrictEqual([
      409,
      { error: 'conflict', reason: 'Document update conflict.' },
    ]);
  });

  it('a signed-in user cannot create a document for another name: 404', async () => {
    expect(await answer(await put('/_users/org.couchdb.user:jerry', userDoc('jerry'), TOM))).toStrictEqual([
      404,
      { error: 'not_found', reason: 'missing' },
    ]);
    expect(await answer(await put('/_users/eve', { name: 'eve', roles: [], type: 'user' }, TOM))).toStrictEqual([
      404,
      { error: 'not_found', reason: 'missing' },
    ]);
  });
});

describe('reading user documents', () => {
  it('a user reads their own document with its hash fields; not others, not design documents', async () => {
    const [status, own] = await answer(await request(server, '/_users/org.couchdb.user:tom', { auth: TOM }));
    expect(status).toBe(200);
    expect(own).toMatchObject({ _id: 'org.couchdb.user:tom', name: 'tom', password_scheme: 'pbkdf2', iterations: 1000 });
    expect(Object.keys(own as object)).toEqual(expect.arrayContaining(['salt', 'derived_key', 'pbkdf2_prf']));
    expect(await answer(await request(server, '/_users/org.couchdb.user:spike', { auth: TOM }))).toStrictEqual([
      404,
      { error: 'not_found', reason: 'missing' },
    ]);
    expect(await answer(await request(server, '/_users/org.couchdb.user:spike', { auth: null }))).toStrictEqual([
      404,
      { error: 'not_found', reason: 'missing' },
    ]);
    const design = await request(server, '/_users/_design/names', { auth: TOM });
    expect(await answer(design)).toStrictEqual([403, { error: 'forbidden', reason: 'Only administrators can view design docs in the users database.' }]);
    const missingDesign = await request(server, '/_users/_design/nothing', { auth: TOM });
    expect(await answer(missingDesign)).toStrictEqual([404, { error: 'not_found', reason: 'missing' }]);
    // A document that does not exist answers as in any database.
    expect((await answer(await request(server, '/_users/org.couchdb.user:ghost', { auth: TOM })))[0]).toBe(404);
  });

  it('listings, changes and views are for admins; _find only finds the own document', async () => {
    // _design_docs lists the design documents (CouchDB's own _design/_auth first), but their bodies read as null
    // (after_doc_read refuses them).
    const designDocs = await request(server, '/_users/_design_docs?include_docs=true', { auth: TOM });
    const [designStatus, listed] = await answer(designDocs);
    expect(designStatus).toBe(200);
    expect((listed as { rows: unknown[] }).rows).toStrictEqual([
      { id: '_design/_auth', key: '_design/_auth', value: { rev: expect.stringMatching(/^1-/) }, doc: null },
      { id: '_design/names', key: '_design/names', value: { rev: expect.stringMatching(/^1-/) }, doc: null },
    ]);
    const adminDesignDocs = (await (await request(server, '/_users/_design_docs?include_docs=true')).json()) as { rows: Array<{ doc: unknown }> };
    expect(adminDesignDocs.rows.map((row) => row.doc)).toMatchObject([{ _id: '_design/_auth' }, { _id: '_design/names' }]);
    const notAdmin = { error: 'unauthorized', reason: 'You are not a server admin.' };
    expect(await answer(await request(server, '/_users/_changes', { auth: null }))).toStrictEqual([401, notAdmin]);
    expect(await answer(await request(server, '/_users/_all_docs?include_docs=true', { auth: SPIKE }))).toStrictEqual([401, notAdmin]);
    const view = await request(server, '/_users/_design/names/_view/all', { auth: TOM });
    expect(await answer(view)).toStrictEqual([403, { error: 'forbidden', reason: 'Only administrators can view design docs in the users database.' }]);
    const adminView = (await (await request(server, '/_users/_design/names/_view/all')).json()) as { total_rows: number };
    expect(adminView.total_rows).toBeGreaterThanOrEqual(2);

    const find = await request(server, '/_users/_find', { method: 'POST', json: { selector: { type: 'user' } }, auth: TOM });
    const [status, found] = await answer(find);
    expect(status).toBe(200);
    expect((found as { docs: Array<{ _id: string }> }).docs.map((doc) => doc._id)).toStrictEqual(['org.couchdb.user:tom']);
    const anonymousFind = await request(server, '/_users/_find', { method: 'POST', json: { selector: { type: 'user' } }, auth: null });
    expect(((await anonymousFind.json()) as { docs: unknown[] }).docs).toStrictEqual([]);
    const adminFind = (await (await request(server, '/_users/_find', { method: 'POST', json: { selector: { type: 'user' } } })).json()) as { docs: unknown[] };
    expect(adminFind.docs.length).toBeGreaterThanOrEqual(2);
  });

  it('_bulk_get hides other users\' documents; _show reads only the own one', async () => {
    const bulk = await request(server, '/_users/_bulk_get', {
      method: 'POST',
      json: { docs: [{ id: 'org.couchdb.user:tom' }, { id: 'org.couchdb.user:spike' }] },
      auth: TOM,
    });
    const { results } = (await bulk.json()) as { results: Array<{ id: string; docs: Array<Record<string, unknown>> }> };
    expect(results[0]?.docs[0]?.['ok']).toMatchObject({ _id: 'org.couchdb.user:tom' });
    expect(results[1]).toStrictEqual({
      id: 'org.couchdb.user:spike',
      docs: [{ error: { id: 'org.couchdb.user:spike', rev: 'undefined', error: 'not_found', reason: 'missing' } }],
    });
    const ownShow = await request(server, '/_users/_design/names/_show/name/org.couchdb.user:tom', { auth: TOM });
    expect([ownShow.status, await ownShow.text()]).toStrictEqual([200, 'tom']);
    const otherShow = await request(server, '/_users/_design/names/_show/name/org.couchdb.user:spike', { auth: TOM });
    expect(await answer(otherShow)).toStrictEqual([404, { error: 'not_found', reason: 'missing' }]);
  });
});

describe('updating and deleting user documents', () => {
  it('a user may not change their roles, nor anonymous clients someone\'s document', async () => {
    const own = (await (await request(server, '/_users/org.couchdb.user:spike', { auth: SPIKE })).json()) as Record<string, unknown>;
    expect(await answer(await put('/_users/org.couchdb.user:spike', { ...own, roles: ['boss'] }, SPIKE))).toStrictEqual([
      403,
      { error: 'forbidden', reason: 'Only _admin may edit roles' },
    ]);
    expect(await answer(await put('/_users/org.couchdb.user:spike', { ...own, password: 'hijack' }, null))).toStrictEqual([
      403,
      { error: 'forbidden', reason: 'You may only update your own user document.' },
    ]);
    expect(await answer(await put('/_users/org.couchdb.user:spike', { ...own, name: 'tom' }, SPIKE))).toStrictEqual([
      403,
      { error: 'forbidden', reason: 'Doc ID must be of the form org.couchdb.user:name' },
    ]);
    // Fields other than roles and name are the user's own.
    const updated = await put('/_users/org.couchdb.user:spike', { ...own, email: 'spike@example.org' }, SPIKE);
    expect(updated.status).toBe(201);
    revs['spike'] = ((await updated.json()) as { rev: string }).rev;
    // An admin may change roles.
    const promoted = await request(server, '/_users/org.couchdb.user:spike', {
      method: 'PUT',
      json: { ...own, _rev: revs['spike'], roles: ['boss'] },
    });
    expect(promoted.status).toBe(201);
    revs['spike'] = ((await promoted.json()) as { rev: string }).rev;
    const session = await request(server, '/_session', { auth: SPIKE });
    expect(((await session.json()) as { userCtx: unknown }).userCtx).toStrictEqual({ name: 'spike', roles: ['boss'] });
  });

  it('_bulk_docs judges each user document: refused ones are per-document forbidden entries', async () => {
    const res = await request(server, '/_users/_bulk_docs', {
      method: 'POST',
      json: { docs: [userDoc('bulk1'), userDoc('bulk2', { roles: ['x'] })] },
      auth: null,
    });
    const [status, body] = await answer(res);
    expect(status).toBe(201);
    expect(body).toMatchObject([
      { ok: true, id: 'org.couchdb.user:bulk1' },
      { id: 'org.couchdb.user:bulk2', error: 'forbidden', reason: 'Only _admin may set roles' },
    ]);
    const stored = (await (await request(server, '/_users/org.couchdb.user:bulk1')).json()) as Record<string, unknown>;
    expect(stored['password']).toBeUndefined();
    expect(stored['derived_key']).toMatch(/^[0-9a-f]{64}$/);
  });

  it('replicated writes (new_edits: false) are judged too: no branch with new roles or a new password', async () => {
    const res = await request(server, '/_users/_bulk_docs', {
      method: 'POST',
      json: {
        new_edits: false,
        docs: [
          { ...userDoc('spike', { roles: ['boss', 'chief'] }), _revisions: { start: 9, ids: ['a'.repeat(32)] } },
          { ...userDoc('spike'), _rev: `9-${'b'.repeat(32)}` },
          { ...userDoc('newcomer', { roles: ['chief'] }), _rev: `1-${'c'.repeat(32)}` },
        ],
      },
      auth: null,
    });
    const [status, body] = await answer(res);
    expect(status).toBe(201);
    expect(body).toStrictEqual([
      { id: 'org.couchdb.user:spike', error: 'forbidden', reason: 'You may only update your own user document.' },
      { id: 'org.couchdb.user:spike', error: 'forbidden', reason: 'You may only update your own user document.' },
      { id: 'org.couchdb.user:newcomer', error: 'forbidden', reason: 'Only _admin may set roles' },
    ]);
    const session = await request(server, '/_session', { auth: SPIKE });
    expect(((await session.json()) as { userCtx: unknown }).userCtx).toStrictEqual({ name: 'spike', roles: ['boss'] });
  });

  it('only admins and the user delete a user document', async () => {
    const rev = revs['tom'] ?? '';
    expect(await answer(await request(server, `/_users/org.couchdb.user:tom?rev=${rev}`, { method: 'DELETE', auth: SPIKE }))).toStrictEqual([
      404,
      { error: 'not_found', reason: 'missing' },
    ]);
    expect(await answer(await request(server, `/_users/org.couchdb.user:tom?rev=${rev}`, { method: 'DELETE', auth: null }))).toStrictEqual([
      403,
      { error: 'forbidden', reason: 'Only admins may delete other user docs.' },
    ]);
    const own = await request(server, `/_users/org.couchdb.user:tom?rev=${rev}`, { method: 'DELETE', auth: TOM });
    expect(own.status).toBe(200);
    await own.arrayBuffer();
    // Gone: tom can no longer log in.
    const login = await request(server, '/_session', { method: 'POST', json: { name: 'tom', password: 'tom-pw' }, auth: null });
    expect(login.status).toBe(401);
    await login.arrayBuffer();
  });

  it('attachments of someone else\'s document are as hidden as the document', async () => {
    const res = await request(server, `/_users/org.couchdb.user:spike/avatar.txt?rev=${revs['spike'] ?? ''}`, {
      method: 'PUT',
      body: 'x',
      headers: { 'content-type': 'text/plain' },
      auth: basic('bulk1', 'bulk1-pw'),
    });
    expect(await answer(res)).toStrictEqual([404, { error: 'not_found', reason: 'missing' }]);
  });
});
