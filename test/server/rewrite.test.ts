// `/{db}/_design/{ddoc}/_rewrite/...` as CouchDB 3.4 serves it (chttpd_rewrite.erl, couch_query_servers:rewrite):
// the array form (rules `{from, to, method, query, formats}`) and the JavaScript form (a function of `req`), the
// rewritten request dispatched inside the server as the same user, and CouchDB's errors. The scenarios follow
// CouchDB's own suites, test/elixir/test/rewrite_test.exs and rewrite_js_test.exs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, createUser, request, startServer } from './start.js';

let server: Awaited<ReturnType<typeof startServer>>;

const FOO_TXT = { 'foo.txt': { content_type: 'text/plain', data: Buffer.from('This is a base64 encoded text').toString('base64') } };

const LIST = `function (head, req) {
  send('<ul>');
  var row, n = 0, first = null, last;
  while ((row = getRow())) { n += 1; if (first === null) first = row.key; last = row.key; send('<li>' + JSON.stringify(row.key) + '=' + row.value + '</li>'); }
  return '</ul>first=' + JSON.stringify(first) + ' last=' + JSON.stringify(last) + ' rows=' + n;
}`;

/** What the two forms route to: shows, a list, update handlers and views over the documents below. */
const FUNCTIONS = {
  shows: {
    welcome: "function (doc, req) { return 'Welcome ' + req.query.name; }",
    welcome2: "function (doc, req) { return 'Welcome ' + doc.name; }",
    query: 'function (doc, req) { return { json: req.query }; }',
  },
  lists: { simpleForm: LIST },
  updates: {
    hello:
      "function (doc, req) { if (!doc) { return req.id ? [{ _id: req.id }, 'New World'] : [null, 'Empty World']; } doc.world = 'hello'; doc.edited_by = req.userCtx.name; return [doc, 'hello doc']; }",
    welcome2: "function (doc, req) { if (!doc) { return [{ _id: req.id, name: req.id }, 'New World']; } return [doc, 'hello doc']; }",
  },
  views: {
    basicView: { map: 'function (doc) { if (doc.integer) emit(doc.integer, doc.string); }' },
    complexView: { map: "function (doc) { if (doc.type == 'complex') emit([doc.a, doc.b], doc.string); }" },
    complexView2: { map: "function (doc) { if (doc.type == 'complex') emit(doc.a, doc.string); }" },
    complexView3: { map: "function (doc) { if (doc.type == 'complex') emit(doc.b, doc.string); }" },
  },
};

const RULES = [
  { from: 'foo', to: 'foo.txt' },
  { from: 'foo2', to: 'foo.txt', method: 'GET' },
  { from: 'hello/:id', to: '_update/hello/:id', method: 'PUT' },
  { from: '/welcome', to: '_show/welcome' },
  { from: '/welcome/:name', to: '_show/welcome', query: { name: ':name' } },
  { from: '/welcome2', to: '_show/welcome', query: { name: 'user' } },
  { from: '/welcome3/:name', to: '_update/welcome2/:name', method: 'PUT' },
  { from: '/welcome3/:name', to: '_show/welcome2/:name', method: 'GET' },
  { from: '/showquery/:a/*', to: '_show/query', query: { fixed: 'yes', copy: ':a' } },
  { from: '/show/*', to: '_show/*' },
  { from: 'basicView', to: '_view/basicView' },
  { from: 'simpleForm/basicView', to: '_list/simpleForm/basicView' },
  { from: 'simpleForm/basicViewFixed', to: '_list/simpleForm/basicView', query: { startkey: 3, endkey: 8 } },
  {
    from: 'simpleForm/basicViewPath/:start/:end',
    to: '_list/simpleForm/basicView',
    query: { startkey: ':start', endkey: ':end' },
    formats: { start: 'int', end: 'int' },
  },
  { from: 'simpleForm/complexView', to: '_list/simpleForm/complexView', query: { key: [1, 2] } },
  { from: 'simpleForm/complexView2', to: '_list/simpleForm/complexView', query: { key: ['test', {}] } },
  { from: 'simpleForm/complexView4', to: '_list/simpleForm/complexView2', query: { key: { c: 1 } } },
  { from: 'simpleForm/complexView5/:a/:b', to: '_list/simpleForm/complexView3', query: { key: [':a', ':b'] } },
  { from: 'simpleForm/complexView6', to: '_list/simpleForm/complexView3', query: { key: [':a', ':b'] } },
  { from: 'chain/:x', to: '_rewrite/welcome/:x' },
  { from: 'loop', to: '_rewrite/loop' },
  { from: '/', to: '_view/basicView' },
  { from: '/db/*', to: '../../*' },
  'not a rule: skipped',
];

const REWRITE_FUNCTION = `function (req) {
  var prefix = req.path[4], rest = req.path.slice(4).join('/');
  if (prefix === 'foo') return 'foo.txt';
  if (prefix === 'foo2') return { path: 'foo.txt', method: 'GET' };
  if (prefix === 'hello') { if (req.method != 'PUT') return; return { path: '_update/hello/' + req.path[5] }; }
  if (prefix === 'welcome') return req.path.length == 6 ? { path: '_show/welcome', query: { name: req.path[5] } } : '_show/welcome';
  if (prefix === 'basicView') return { path: '_view/basicView' };
  if (rest === 'simpleForm/complexView') return { path: '_list/simpleForm/complexView', query: { key: JSON.stringify([1, 2]) } };
  if (rest === 'simpleForm/sendBody1') {
    return { path: '_list/simpleForm/complexView2', method: 'POST', query: { limit: '1' }, headers: { 'Content-type': 'application/json' }, body: JSON.stringify({ keys: [{ c: 1 }] }) };
  }
  if (prefix === 'db') return { path: '../../' + req.path.slice(5).join('/') };
  if (prefix === 'uuids') return '../../../_uuids';
  if (prefix === 'session') return '../../../_session';
  if (prefix === 'changes') return { path: '../../_changes', query: { filter: '_doc_ids' } };
  if (prefix === 'echo') return { code: 200, body: JSON.stringify(req), headers: { 'Content-Type': 'application/json' } };
  if (prefix === 'status') return { code: parseInt(req.query.status, 10), body: JSON.stringify({ status: parseInt(req.query.status, 10) }), headers: { 'x-foo': 'bar', 'Content-Type': 'application/json' } };
  if (prefix === 'framed') return { code: 200, body: 'framed body', headers: { 'Transfer-Encoding': 'chunked', 'content-length': '3' } };
  if (prefix === 'badpath') return { path: 5 };
  if (prefix === 'badcode') return { code: 700 };
  if (prefix === 'badquery') return { path: 'x', query: { limit: 1 } };
  if (prefix === 'badheaders') return { path: 'x', headers: 'no' };
  if (prefix === 'nopath') return { method: 'GET' };
  if (prefix === 'number') return 5;
  if (prefix === 'forbidden') throw { forbidden: 'not you' };
  if (prefix === 'typo') return undefinedVariable;
  if (prefix === 'loop') return '_rewrite/loop';
}`;

const DOCS = [
  ...Array.from({ length: 10 }, (_, i) => ({ _id: `n${i}`, integer: i, string: String(i) })),
  { _id: 'c1', a: 1, b: 1, string: 'doc 1', type: 'complex' },
  { _id: 'c2', a: 1, b: 2, string: 'doc 2', type: 'complex' },
  { _id: 'c3', a: 'test', b: {}, string: 'doc 3', type: 'complex' },
  { _id: 'c4', a: 'test', b: ['test', 'essai'], string: 'doc 4', type: 'complex' },
  { _id: 'c5', a: { c: 1 }, b: '', string: 'doc 5', type: 'complex' },
  { _id: 'rusty', word: 'plankton', name: 'Rusty' },
];

const BOB = basic('bob', 'bob-pw');

async function setUp(db: string): Promise<void> {
  const path = `/${encodeURIComponent(db)}`;
  await request(server, path, { method: 'PUT' });
  await request(server, `${path}/_security`, { method: 'PUT', json: { members: { names: ['bob'] }, admins: { roles: ['_admin'] } } });
  await request(server, `${path}/_design/test`, { method: 'PUT', json: { _attachments: FOO_TXT, rewrites: RULES, ...FUNCTIONS } });
  await request(server, `${path}/_design/js`, { method: 'PUT', json: { _attachments: FOO_TXT, rewrites: REWRITE_FUNCTION, ...FUNCTIONS } });
  await request(server, `${path}/_bulk_docs`, { method: 'POST', json: { docs: DOCS } });
}

beforeAll(async () => {
  server = await startServer();
  await createUser(server, 'bob', 'bob-pw');
  await setUp('rw');
  await setUp('rw/with_slashes');
  await request(server, '/rw/_design/norules', { method: 'PUT', json: { views: {} } });
  await request(server, '/rw/_design/noto', { method: 'PUT', json: { rewrites: [{ from: 'a', to: 'foo.txt' }, { from: 'b' }] } });
  await request(server, '/rw/_design/climb', { method: 'PUT', json: { rewrites: [{ from: 'uuids', to: '../../../_uuids' }] } });
  await request(server, '/rw/_design/two', { method: 'PUT', json: { rewrites: [{ from: 'ok', to: '../../_all_docs' }, { from: 'x', to: 'y/../../..' }] } });
});

afterAll(async () => {
  await server.closeAll();
});

const R = '/rw/_design/test/_rewrite';
const J = '/rw/_design/js/_rewrite';

describe('_rewrite with an array of rules', () => {
  it('matches literal segments and serves the attachment the rule names', async () => {
    const res = await request(server, `${R}/foo`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain');
    expect(await res.text()).toBe('This is a base64 encoded text');
  });

  it('filters by method: a GET rule serves GET and HEAD, another method finds no rule (404 not_found missing)', async () => {
    expect(await (await request(server, `${R}/foo2`)).text()).toBe('This is a base64 encoded text');
    expect((await request(server, `${R}/foo2`, { method: 'HEAD' })).status).toBe(200);
    const post = await request(server, `${R}/foo2`, { method: 'POST' });
    expect(post.status).toBe(404);
    expect(await post.json()).toEqual({ error: 'not_found', reason: 'missing' });
  });

  it('binds `:name` segments into `to` and runs the update handler as the requesting user', async () => {
    const res = await request(server, `${R}/hello/rusty`, { method: 'PUT', auth: BOB });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toMatch(/charset=utf-8/);
    expect(await res.text()).toBe('hello doc');
    const doc = (await (await request(server, '/rw/rusty')).json()) as Record<string, unknown>;
    expect(doc['world']).toBe('hello');
    expect(doc['edited_by']).toBe('bob');
  });

  it('takes the first rule that matches both path and method', async () => {
    const put = await request(server, `${R}/welcome3/test`, { method: 'PUT' });
    expect(put.status).toBe(201);
    expect(await put.text()).toBe('New World');
    expect(await (await request(server, `${R}/welcome3/test`)).text()).toBe('Welcome test');
  });

  it("passes the request's query on, substitutes variables in the rule's query, and lets the rule's query win", async () => {
    expect(await (await request(server, `${R}/welcome?name=user`)).text()).toBe('Welcome user');
    expect(await (await request(server, `${R}/welcome/user`)).text()).toBe('Welcome user');
    expect(await (await request(server, `${R}/welcome2?name=other`)).text()).toBe('Welcome user');
    // Path variables are query parameters of the new request too; an unbound `*` is kept as text.
    const query = await (await request(server, `${R}/showquery/one/two/three?x=1&fixed=no`)).json();
    expect(query).toEqual({ x: '1', fixed: 'yes', copy: 'one', a: 'one' });
  });

  it('puts what `*` matched where `to` has `*`', async () => {
    expect(await (await request(server, `${R}/show/welcome2/rusty`)).text()).toBe('Welcome Rusty');
  });

  it('rewrites to views and to `/` for the empty path', async () => {
    const view = await request(server, `${R}/basicView`);
    expect(view.status).toBe(200);
    expect(((await view.json()) as { total_rows: number }).total_rows).toBe(9);
    expect(((await (await request(server, R)).json()) as { total_rows: number }).total_rows).toBe(9);
    expect(((await (await request(server, `${R}/`)).json()) as { total_rows: number }).total_rows).toBe(9);
  });

  it('sends view keys as JSON: the rule query, `int` formats, bound array members and request parameters', async () => {
    const text = async (path: string): Promise<string> => (await request(server, `${R}/${path}`)).text();
    expect(await text('simpleForm/basicView?startkey=3&endkey=8')).toContain('first=3 last=8 rows=6');
    expect(await text('simpleForm/basicViewFixed')).toContain('first=3 last=8 rows=6');
    expect(await text('simpleForm/basicViewFixed?startkey=4')).toContain('first=3 last=8 rows=6');
    expect(await text('simpleForm/basicViewPath/3/8')).toContain('first=3 last=8 rows=6');
    expect(await text('simpleForm/complexView')).toContain('first=[1,2] last=[1,2] rows=1');
    expect(await text('simpleForm/complexView2')).toContain('=doc 3</li>');
    expect(await text('simpleForm/complexView4')).toContain('=doc 5</li>');
    expect(await text('simpleForm/complexView5/test/essai')).toContain('=doc 4</li>');
    expect(await text('simpleForm/complexView6?a=test&b=essai')).toContain('=doc 4</li>');
  });

  it('resolves `..` against the design document and keeps the query (COUCHDB-2031)', async () => {
    const res = await request(server, `${R}/db/_design/test?meta=true`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Record<string, unknown>;
    expect(doc['_id']).toBe('_design/test');
    expect(doc['_revs_info']).toBeDefined();
    expect(((await (await request(server, `${R}/db/_all_docs?limit=1`)).json()) as { rows: unknown[] }).rows).toHaveLength(1);
  });

  it('works in a database whose name holds a slash', async () => {
    const base = `/${encodeURIComponent('rw/with_slashes')}/_design/test/_rewrite`;
    expect(await (await request(server, `${base}/foo`)).text()).toBe('This is a base64 encoded text');
    const doc = (await (await request(server, `${base}/db/rusty`)).json()) as Record<string, unknown>;
    expect(doc['name']).toBe('Rusty');
  });

  it('follows a rewrite to another rewrite, and stops a loop at the recursion limit (400)', async () => {
    expect(await (await request(server, `${R}/chain/bob`)).text()).toBe('Welcome bob');
    const res = await request(server, `${R}/loop`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'bad_request', reason: 'Exceeded rewrite recursion limit' });
  });
});

describe('_rewrite errors', () => {
  it('404 rewrite_error without `rewrites`, and 404 missing for a missing design document', async () => {
    const res = await request(server, '/rw/_design/norules/_rewrite/x');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'rewrite_error', reason: 'Invalid path.' });
    const missing = await request(server, '/rw/_design/nothere/_rewrite/x');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'not_found', reason: 'missing' });
  });

  it('404 not_found when no rule matches', async () => {
    const res = await request(server, `${R}/nothing/here`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'not_found', reason: 'missing' });
  });

  it('500 invalid_rewrite_target when any rule lacks `to` (rules are all read first)', async () => {
    const res = await request(server, '/rw/_design/noto/_rewrite/a');
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: 'error', reason: 'invalid_rewrite_target' });
  });

  it('refuses rules that climb above the database (500 insecure_rewrite_rule)', async () => {
    for (const path of ['/rw/_design/climb/_rewrite/uuids', '/rw/_design/two/_rewrite/ok']) {
      const res = await request(server, path);
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ error: 'insecure_rewrite_rule', reason: 'too many ../.. segments' });
    }
  });

  it('refuses a view key in the query string that is not JSON (400)', async () => {
    const res = await request(server, `${R}/basicView?key=notjson`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'bad_request', reason: 'invalid UTF-8 JSON' });
  });
});

describe('_rewrite with a JavaScript function', () => {
  it('takes a returned string as the path, with the request method', async () => {
    const res = await request(server, `${J}/foo`);
    expect(res.headers.get('content-type')).toBe('text/plain');
    expect(await res.text()).toBe('This is a base64 encoded text');
    expect(await (await request(server, `${J}/welcome?name=user`)).text()).toBe('Welcome user');
  });

  it('takes `{path, query, method}`, replacing the query when given', async () => {
    expect(await (await request(server, `${J}/foo2`, { method: 'POST' })).text()).toBe('This is a base64 encoded text');
    expect(await (await request(server, `${J}/welcome/user?name=other`)).text()).toBe('Welcome user');
    expect(((await (await request(server, `${J}/basicView`)).json()) as { total_rows: number }).total_rows).toBe(9);
    expect(await (await request(server, `${J}/simpleForm/complexView`)).text()).toContain('first=[1,2] last=[1,2] rows=1');
  });

  it('dispatches update handlers as the requesting user', async () => {
    const res = await request(server, `${J}/hello/rusty`, { method: 'PUT', auth: BOB });
    expect(res.status).toBe(201);
    expect(await res.text()).toBe('hello doc');
  });

  it('turns a GET into a POST with the body and headers the function gives (COUCHDB-1612)', async () => {
    const res = await request(server, `${J}/simpleForm/sendBody1`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<li>{"c":1}=doc 5</li></ul>first={"c":1} last={"c":1} rows=1');
  });

  it("keeps the client's body when the function gives none", async () => {
    const res = await request(server, `${J}/changes`, { method: 'POST', json: { doc_ids: ['c2'] } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { results: Array<{ id: string }> };
    expect(body.results.map((row) => row.id)).toEqual(['c2']);
  });

  it('resolves paths relative to the design document, up to the server root', async () => {
    const doc = (await (await request(server, `${J}/db/_design/js?meta=true`)).json()) as Record<string, unknown>;
    expect(doc['_id']).toBe('_design/js');
    expect(doc['_revs_info']).toBeDefined();
    const uuids = (await (await request(server, `${J}/uuids`)).json()) as { uuids: string[] };
    expect(uuids.uuids).toHaveLength(1);
  });

  it('answers the rewritten request as the same, equally authenticated user', async () => {
    const session = (await (await request(server, `${J}/session`, { auth: BOB })).json()) as Record<string, Record<string, unknown>>;
    expect(session['userCtx']).toEqual({ name: 'bob', roles: [] });
    expect(session['info']?.['authenticated']).toBe('default');
  });

  it("gives the function CouchDB's req: path, query, method, headers, userCtx, secObj, body", async () => {
    const res = await request(server, `${J}/echo/a%2Fb?x=1`, { method: 'POST', auth: BOB, body: 'hi', headers: { 'content-type': 'text/plain' } });
    const req = (await res.json()) as Record<string, unknown>;
    expect(req['path']).toEqual(['rw', '_design', 'js', '_rewrite', 'echo', 'a/b']);
    expect(req['query']).toEqual({ x: '1' });
    expect(req['method']).toBe('POST');
    expect(req['body']).toBe('hi');
    expect((req['headers'] as Record<string, string>)['Content-Type']).toBe('text/plain');
    expect((req['headers'] as Record<string, string>)['Authorization']).toBeUndefined();
    expect(req['userCtx']).toEqual({ db: 'rw', name: 'bob', roles: [] });
    expect(req['secObj']).toEqual({ members: { names: ['bob'] }, admins: { roles: ['_admin'] } });
    expect(Object.keys(req).sort()).toEqual(['body', 'cookie', 'headers', 'method', 'path', 'peer', 'query', 'raw_path', 'requested_path', 'secObj', 'userCtx']);
  });

  it('answers `{code, headers, body}` itself', async () => {
    const ok = await request(server, `${J}/status?status=200`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-foo')).toBe('bar');
    expect(await ok.json()).toEqual({ status: 200 });
    const legal = await request(server, `${J}/status?status=451`);
    expect(legal.status).toBe(451);
    expect(legal.headers.get('content-type')).toBe('application/json');
    expect((await request(server, `${J}/status?status=500`)).status).toBe(500);
    // Framing headers the function sets would contradict the whole body sent with its own length.
    const framed = await request(server, `${J}/framed`);
    expect([framed.status, await framed.text()]).toStrictEqual([200, 'framed body']);
  });

  it('404 rewrite_error when the function returns nothing', async () => {
    for (const path of [`${J}/hello/x`, `${J}/nothing`]) {
      const res = await request(server, path);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: 'rewrite_error', reason: 'Invalid path.' });
    }
  });

  it("refuses results CouchDB refuses, with couch_query_servers' reasons (500 rewrite_error)", async () => {
    const cases: Array<[string, string]> = [
      ['badpath', 'bad path'],
      ['badcode', 'bad code'],
      ['badheaders', 'bad headers'],
      ['badquery', 'object key/value must be strings <<"limit">>=1'],
      ['number', 'bad rewrite'],
      ['nopath', 'Rewrite result must produce a new path.'],
    ];
    for (const [path, reason] of cases) {
      const res = await request(server, `${J}/${path}`);
      expect(res.status, path).toBe(500);
      expect(await res.json()).toEqual({ error: 'rewrite_error', reason });
    }
  });

  it('passes thrown errors on: `{forbidden}` 403, others 500 render_error', async () => {
    const forbidden = await request(server, `${J}/forbidden`);
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toEqual({ error: 'forbidden', reason: 'not you' });
    const typo = await request(server, `${J}/typo`);
    expect(typo.status).toBe(500);
    expect(((await typo.json()) as { error: string }).error).toBe('render_error');
  });

  it('stops a rewrite loop at the recursion limit (400)', async () => {
    const res = await request(server, `${J}/loop`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'bad_request', reason: 'Exceeded rewrite recursion limit' });
  });
});
