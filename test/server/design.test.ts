// HTTP specifics of settee-server's design-document routes that the conformance suite (through @settee/http) does
// not see: the exact view text, content types and caching headers of show/list/update answers, update-handler
// headers, ETag/304 of shows, 405/415/404 answers, _security on these routes, and the real user reaching
// validate_doc_update and `req.userCtx`. Expected values follow CouchDB 3.4.3 (views.json, collation.json and
// design_functions.json in shared/couchdb-reference) and couch_mrview_show / chttpd_external where not recorded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, createUser, request, startServer } from './start.js';

let server: Awaited<ReturnType<typeof startServer>>;

const VDU = `function (newDoc, oldDoc, userCtx, secObj) {
  if (newDoc.adminOnly && userCtx.roles.indexOf('_admin') === -1) throw({ forbidden: 'only _admin, not ' + userCtx.name });
  if (newDoc.whoami) throw({ forbidden: JSON.stringify(userCtx) });
  if (newDoc._deleted && oldDoc && oldDoc.protect && userCtx.roles.indexOf('_admin') === -1) throw({ forbidden: 'protected' });
}`;

const DDOC = {
  validate_doc_update: VDU,
  views: {
    by_n: { map: 'function (doc) { if (doc.n) emit(doc.n, doc.title || null); }' },
    count: { map: 'function (doc) { if (doc.n) emit(doc.n, 1); }', reduce: '_count' },
  },
  shows: {
    html: "function (doc, req) { return { body: '<h1>' + (doc ? doc.title : 'none') + '</h1>', headers: { 'Content-Type': 'text/html; charset=utf-8' } }; }",
    json: 'function (doc, req) { return { json: { id: req.id, user: req.userCtx, headers: req.headers, cookie: req.cookie, peer: req.peer, body: req.body } }; }',
  },
  lists: {
    titles: "function (head, req) { start({ headers: { 'Content-Type': 'text/plain' } }); var row; while ((row = getRow())) send(row.key + ':' + row.value + ';'); }",
  },
  updates: {
    create: "function (doc, req) { return [{ _id: req.id || req.uuid, by: req.userCtx.name, adminOnly: req.query.admin === 'yes' }, 'saved ' + (req.id || 'new')]; }",
    bump: 'function (doc, req) { doc.n = (doc.n || 0) + 1; return [doc, { json: { n: doc.n } }]; }',
  },
};

async function json(res: Response): Promise<Record<string, unknown>> {
  return (await res.json()) as Record<string, unknown>;
}

beforeAll(async () => {
  server = await startServer();
  await request(server, '/db', { method: 'PUT' });
  // Public to members: anyone authenticated listed as member (bob), admins only for the admin.
  await request(server, '/db/_security', { method: 'PUT', json: { members: { names: ['bob'] }, admins: { roles: ['_admin'] } } });
  await createUser(server, 'bob', 'bob-pw', ['reader']);
  await request(server, '/db/_design/app', { method: 'PUT', json: DDOC });
  await request(server, '/db/_design/other', { method: 'PUT', json: { views: { by_title: { map: 'function (doc) { if (doc.title) emit(doc.title, doc.n); }' } } } });
  await request(server, '/db/_bulk_docs', {
    method: 'POST',
    json: { docs: [{ _id: 'a', n: 1, title: 'Alpha' }, { _id: 'b', n: 2, title: 'Beta' }, { _id: 'c', n: 3, title: 'Gamma' }] },
  });
});

afterAll(async () => {
  await server.closeAll();
});

const BOB = basic('bob', 'bob-pw');

describe('_view over HTTP', () => {
  it('writes CouchDB\'s text: meta, then one row per line (collation.json "exact response text")', async () => {
    const res = await request(server, '/db/_design/app/_view/by_n?limit=2');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('cache-control')).toBe('must-revalidate');
    expect(await res.text()).toBe(
      '{"total_rows":3,"offset":0,"rows":[\r\n{"id":"a","key":1,"value":"Alpha"},\r\n{"id":"b","key":2,"value":"Beta"}\r\n]}\n',
    );
    const reduced = await request(server, '/db/_design/app/_view/count');
    expect(await reduced.text()).toBe('{"rows":[\r\n{"key":null,"value":3}\r\n]}\n');
  });

  it('takes JSON keys and ranges in the query string, and aliases (start_key, stale=ok)', async () => {
    const res = await request(server, `/db/_design/app/_view/by_n?start_key=2&endkey=${encodeURIComponent('3')}&stale=ok`);
    const body = await json(res);
    expect((body['rows'] as Array<{ id: string }>).map((row) => row.id)).toEqual(['b', 'c']);
    const keys = await json(await request(server, `/db/_design/app/_view/by_n?keys=${encodeURIComponent('[3,1]')}`));
    expect((keys['rows'] as Array<{ id: string }>).map((row) => row.id)).toEqual(['c', 'a']);
  });

  it('POST {keys} and {queries}, and POST .../queries', async () => {
    const keyed = await json(await request(server, '/db/_design/app/_view/count?group=true', { method: 'POST', json: { keys: [2, 9] } }));
    expect(keyed).toEqual({ rows: [{ key: 2, value: 1 }] });
    const multi = await request(server, '/db/_design/app/_view/by_n/queries', { method: 'POST', json: { queries: [{ keys: [3] }, { limit: 1, descending: true }] } });
    expect(multi.status).toBe(200);
    const results = ((await json(multi))['results'] as Array<{ rows: Array<{ id: string }> }>).map((r) => r.rows.map((row) => row.id));
    expect(results).toEqual([['c'], ['c']]);
    const inBody = await json(await request(server, '/db/_design/app/_view/by_n', { method: 'POST', json: { queries: [{ key: 1 }] } }));
    expect((inBody['results'] as unknown[]).length).toBe(1);
  });

  it('answers CouchDB\'s errors: bad JSON, bad stale, no keys, wrong method and content type, missing view', async () => {
    const cases: Array<[string, RequestInit & { json?: unknown }, number, Record<string, string>]> = [
      ['/db/_design/app/_view/by_n?startkey=notjson', {}, 400, { error: 'bad_request', reason: 'invalid UTF-8 JSON' }],
      ['/db/_design/app/_view/by_n?stale=bogus', {}, 400, { error: 'query_parse_error', reason: 'Invalid value for `stale`.' }],
      ['/db/_design/app/_view/by_n?limit=abc', {}, 400, { error: 'query_parse_error', reason: 'Invalid value for integer: "abc"' }],
      ['/db/_design/app/_view/by_n', { method: 'POST', json: {} }, 400, { error: 'bad_request', reason: 'POST body must contain `keys` or `queries` field' }],
      ['/db/_design/app/_view/by_n', { method: 'POST', json: { keys: [], queries: [] } }, 400, { error: 'bad_request', reason: '`keys` and `queries` are mutually exclusive' }],
      ['/db/_design/app/_view/by_n', { method: 'PUT', json: {} }, 405, { error: 'method_not_allowed', reason: 'Only GET,POST,HEAD allowed' }],
      ['/db/_design/app/_view/by_n/queries', {}, 405, { error: 'method_not_allowed', reason: 'Only POST allowed' }],
      ['/db/_design/app/_view/by_n', { method: 'POST', body: '{"keys":[1]}', headers: { 'content-type': 'text/plain' } }, 415, { error: 'bad_content_type', reason: 'Content-Type must be application/json' }],
      ['/db/_design/app/_view/nope', {}, 404, { error: 'not_found', reason: 'missing_named_view' }],
      ['/db/_design/nope/_view/x', {}, 404, { error: 'not_found', reason: 'missing' }],
    ];
    for (const [path, init, status, body] of cases) {
      const res = await request(server, path, init);
      expect(res.status, path).toBe(status);
      expect(await res.json(), path).toStrictEqual(body);
    }
  });
});

describe('_show over HTTP', () => {
  it('sends the function\'s Content-Type; HTML is sandboxed and not must-revalidate; JSON is', async () => {
    const html = await request(server, '/db/_design/app/_show/html/a');
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html.headers.get('cache-control')).toBeNull();
    expect(html.headers.get('content-security-policy')).toBe('sandbox');
    expect(await html.text()).toBe('<h1>Alpha</h1>');
    const asJson = await request(server, '/db/_design/app/_show/json/a');
    expect(asJson.headers.get('content-type')).toBe('application/json');
    expect(asJson.headers.get('cache-control')).toBe('must-revalidate');
    expect(asJson.headers.get('content-security-policy')).toBeNull();
  });

  it('has an ETag that varies on Accept, 304 for If-None-Match, a new ETag once the document changes', async () => {
    const first = await request(server, '/db/_design/app/_show/html/b');
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(first.headers.get('vary')).toBe('Accept');
    await first.arrayBuffer();
    const again = await request(server, '/db/_design/app/_show/html/b', { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    const otherAccept = await request(server, '/db/_design/app/_show/html/b', { headers: { accept: 'text/html' } });
    expect(otherAccept.headers.get('etag')).not.toBe(etag);
    await otherAccept.arrayBuffer();
    const current = (await json(await request(server, '/db/b'))) as { _rev: string };
    await request(server, `/db/b?rev=${current._rev}`, { method: 'PUT', json: { n: 2, title: 'Beta 2' } });
    const changed = await request(server, '/db/_design/app/_show/html/b', { headers: { 'if-none-match': etag! } });
    expect(changed.status).toBe(200);
    expect(await changed.text()).toBe('<h1>Beta 2</h1>');
  });

  it('builds req from the HTTP request: user, canonical header names, cookies, peer, body; no credentials', async () => {
    const res = await request(server, '/db/_design/app/_show/json/some%2Fid', {
      method: 'POST',
      body: 'raw',
      // A well-formed session cookie that does not verify (a malformed one is CouchDB's 400): Basic decides the user.
      headers: { 'content-type': 'text/plain', 'x-custom': 'yes', cookie: `AuthSession=${Buffer.from('bob:5F5E1000:forged').toString('base64url')}; theme=dark` },
      auth: BOB,
    });
    const body = await json(res);
    expect(body['id']).toBe('some/id');
    expect(body['user']).toEqual({ db: 'db', name: 'bob', roles: ['reader'] });
    expect(body['body']).toBe('raw');
    expect(body['cookie']).toEqual({ theme: 'dark' });
    expect(body['peer']).toBe('127.0.0.1');
    const headers = body['headers'] as Record<string, string>;
    expect(headers['Content-Type']).toBe('text/plain');
    expect(headers['X-Custom']).toBe('yes');
    expect(headers['Cookie']).toBe('theme=dark');
    expect(JSON.stringify(body)).not.toContain('bob-pw');
    expect(JSON.stringify(body)).not.toContain(Buffer.from('bob:bob-pw').toString('base64'));
    expect(headers['Authorization']).toBeUndefined();
  });

  it('404 show_error without a function name; a missing function is CouchDB\'s missing json key', async () => {
    const noName = await request(server, '/db/_design/app/_show');
    expect([noName.status, await noName.json()]).toEqual([404, { error: 'show_error', reason: 'Invalid path.' }]);
    const missing = await request(server, '/db/_design/app/_show/nope/a');
    expect([missing.status, await missing.json()]).toEqual([404, { error: 'not_found', reason: 'missing json key: nope' }]);
  });
});

describe('_list over HTTP', () => {
  it('streams the view through the function with its Content-Type, honouring the query; POST {keys}; another ddoc\'s view', async () => {
    const res = await request(server, '/db/_design/app/_list/titles/by_n?descending=true&limit=2');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain');
    expect(res.headers.get('content-security-policy')).toBe('sandbox');
    expect(await res.text()).toBe('3:Gamma;2:Beta 2;');
    const posted = await request(server, '/db/_design/app/_list/titles/by_n', { method: 'POST', json: { keys: [1] } });
    expect(await posted.text()).toBe('1:Alpha;');
    const other = await request(server, `/db/_design/app/_list/titles/other/by_title?startkey=${encodeURIComponent('"B"')}`);
    expect(await other.text()).toBe('Beta 2:2;Gamma:3;');
  });

  it('405 for other methods, 404 list_error for a bad path', async () => {
    const put = await request(server, '/db/_design/app/_list/titles/by_n', { method: 'PUT', json: {} });
    expect([put.status, await put.json()]).toEqual([405, { error: 'method_not_allowed', reason: 'Only GET,POST,HEAD allowed' }]);
    const bad = await request(server, '/db/_design/app/_list/titles');
    expect([bad.status, await bad.json()]).toEqual([404, { error: 'list_error', reason: 'Bad path.' }]);
  });
});

describe('_update over HTTP', () => {
  it('201 with X-Couch-Id (URL-encoded as CouchDB does) and X-Couch-Update-NewRev, the saved revision', async () => {
    const res = await request(server, `/db/_design/app/_update/create/${encodeURIComponent('new doc/1')}`, { method: 'PUT' });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-couch-id')).toBe('new%20doc%2F1');
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await res.text()).toBe('saved new doc/1');
    const doc = (await json(await request(server, `/db/${encodeURIComponent('new doc/1')}`))) as { _rev: string; by: string };
    expect(res.headers.get('x-couch-update-newrev')).toBe(doc._rev);
    expect(doc.by).toBe('admin');
    const bumped = await request(server, '/db/_design/app/_update/bump/a', { method: 'POST' });
    expect([bumped.status, bumped.headers.get('content-type'), bumped.headers.get('cache-control')]).toEqual([201, 'application/json', 'must-revalidate']);
    expect(await bumped.json()).toEqual({ n: 2 });
  });

  it('is refused in _users, where the handler\'s document would skip password hashing', async () => {
    await request(server, '/_users/_design/h', { method: 'PUT', json: { updates: { plain: "function (doc, req) { return [{ _id: 'org.couchdb.user:z', name: 'z', type: 'user', roles: [], password: 'clear' }, 'ok']; }" } } });
    const res = await request(server, '/_users/_design/h/_update/plain', { method: 'POST' });
    expect([res.status, await res.json()]).toEqual([403, { error: 'forbidden', reason: 'Update handlers are not supported in the users database.' }]);
    expect((await request(server, '/_users/org.couchdb.user:z')).status).toBe(404);
  });

  it('GET is 405; a missing name is 404 update_error', async () => {
    const get = await request(server, '/db/_design/app/_update/bump/a');
    expect([get.status, await get.json()]).toEqual([405, { error: 'method_not_allowed', reason: 'Update functions do not allow GET' }]);
    const noName = await request(server, '/db/_design/app/_update', { method: 'POST' });
    expect([noName.status, await noName.json()]).toEqual([404, { error: 'update_error', reason: 'Invalid path.' }]);
  });
});

describe('validate_doc_update sees the real user through the server', () => {
  it('the server admin has _admin; a member does not, on every write path', async () => {
    const byAdmin = await request(server, '/db/adm1', { method: 'PUT', json: { adminOnly: true } });
    expect(byAdmin.status).toBe(201);
    const who = await request(server, '/db/who', { method: 'PUT', json: { whoami: true } });
    expect(JSON.parse(((await who.json()) as { reason: string }).reason)).toEqual({ db: 'db', name: 'admin', roles: ['_admin'] });
    const forbidden = { error: 'forbidden', reason: 'only _admin, not bob' };
    const put = await request(server, '/db/bob1', { method: 'PUT', json: { adminOnly: true }, auth: BOB });
    expect([put.status, await put.json()]).toEqual([403, forbidden]);
    const post = await request(server, '/db', { method: 'POST', json: { adminOnly: true }, auth: BOB });
    expect([post.status, await post.json()]).toEqual([403, forbidden]);
    const bulk = await request(server, '/db/_bulk_docs', { method: 'POST', json: { docs: [{ _id: 'bob2', adminOnly: true }, { _id: 'bob3' }] }, auth: BOB });
    expect(((await bulk.json()) as Array<Record<string, unknown>>).map((r) => r['error'] ?? 'ok')).toEqual(['forbidden', 'ok']);
    const copy = await request(server, '/db/adm1', { method: 'COPY', headers: { destination: 'bob4' }, auth: BOB });
    expect([copy.status, await copy.json()]).toEqual([403, forbidden]);
    const viaUpdate = await request(server, '/db/_design/app/_update/create/bob5?admin=yes', { method: 'PUT', auth: BOB });
    expect([viaUpdate.status, await viaUpdate.json()]).toEqual([403, forbidden]);
    const byMember = await request(server, '/db/_design/app/_update/create/bob6', { method: 'PUT', auth: BOB });
    expect(byMember.status).toBe(201);
    expect(((await json(await request(server, '/db/bob6'))) as { by: string }).by).toBe('bob');
  });

  it('attachment writes pass the user too', async () => {
    const created = (await json(await request(server, '/db/att1', { method: 'PUT', json: { adminOnly: true } }))) as { rev: string };
    const text = { 'content-type': 'text/plain' };
    const byBob = await request(server, `/db/att1/note.txt?rev=${created.rev}`, { method: 'PUT', body: 'hi', headers: text, auth: BOB });
    expect([byBob.status, await byBob.json()]).toEqual([403, { error: 'forbidden', reason: 'only _admin, not bob' }]);
    const byAdmin = await request(server, `/db/att1/note.txt?rev=${created.rev}`, { method: 'PUT', body: 'hi', headers: text });
    expect(byAdmin.status).toBe(201);
    const { rev } = (await byAdmin.json()) as { rev: string };
    const removeByBob = await request(server, `/db/att1/note.txt?rev=${rev}`, { method: 'DELETE', auth: BOB });
    expect(removeByBob.status).toBe(403);
    await removeByBob.arrayBuffer();
    const removeByAdmin = await request(server, `/db/att1/note.txt?rev=${rev}`, { method: 'DELETE' });
    expect(removeByAdmin.status).toBe(200);
    await removeByAdmin.arrayBuffer();
  });

  it('a deletion passes the user too', async () => {
    const created = (await json(await request(server, '/db/del1', { method: 'PUT', json: { protect: true } }))) as { rev: string };
    const byBob = await request(server, `/db/del1?rev=${created.rev}`, { method: 'DELETE', auth: BOB });
    expect([byBob.status, await byBob.json()]).toEqual([403, { error: 'forbidden', reason: 'protected' }]);
    const byAdmin = await request(server, `/db/del1?rev=${created.rev}`, { method: 'DELETE' });
    expect(byAdmin.status).toBe(200);
    await byAdmin.arrayBuffer();
  });
});

describe('_security on design routes', () => {
  it('anonymous users get 401, non-members 403, members may query, show, list and update', async () => {
    await request(server, '/_users/org.couchdb.user:eve', {
      method: 'PUT',
      json: { _id: 'org.couchdb.user:eve', name: 'eve', password: 'eve-pw', roles: [], type: 'user' },
    });
    const paths = ['/db/_design/app/_view/by_n', '/db/_design/app/_show/html/a', '/db/_design/app/_list/titles/by_n'];
    for (const path of paths) {
      const anonymous = await request(server, path, { auth: null });
      expect([path, anonymous.status, await anonymous.json()]).toEqual([path, 401, { error: 'unauthorized', reason: 'You are not authorized to access this db.' }]);
      const stranger = await request(server, path, { auth: basic('eve', 'eve-pw') });
      expect([path, stranger.status, await stranger.json()]).toEqual([path, 403, { error: 'forbidden', reason: 'You are not allowed to access this db.' }]);
      const member = await request(server, path, { auth: BOB });
      expect([path, member.status]).toEqual([path, 200]);
      await member.arrayBuffer();
    }
    const update = await request(server, '/db/_design/app/_update/create', { method: 'POST', auth: basic('eve', 'eve-pw') });
    expect(update.status).toBe(403);
    await update.arrayBuffer();
  });
});
