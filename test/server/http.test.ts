// HTTP-level behaviour of settee-server that the conformance suite (which goes through @settee/http) cannot see:
// status codes, headers, content negotiation, methods, feeds, multipart, limits. Expected values are CouchDB
// 3.4.3's, as recorded in shared/couchdb-reference (documents.json, databases.json, attachments.json,
// changes.json, server.json).
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVER_VERSION } from '@settee/server';
import { request, startServer } from './start.js';

let server: Awaited<ReturnType<typeof startServer>>;

beforeAll(async () => {
  server = await startServer();
  await request(server, '/db', { method: 'PUT' });
  await request(server, '/db/doc1', { method: 'PUT', json: { title: 'hello' } });
});

afterAll(async () => {
  await server.closeAll();
});

describe('server endpoints', () => {
  it('GET / is the welcome object with version and features, JSON, must-revalidate', async () => {
    const res = await request(server, '/', { auth: null });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('cache-control')).toBe('must-revalidate');
    const body = (await res.json()) as { couchdb: string; version: string; features: string[] };
    expect(body.couchdb).toBe('Welcome');
    expect(body.version).toBe('3.4.3');
    expect(body.features).toContain('settee-server');
  });

  it('CouchDB 3 answers application/json whatever the Accept header asks (server.json)', async () => {
    for (const accept of ['application/json', 'text/plain', 'text/html', '*/*']) {
      const res = await request(server, '/', { headers: { accept } });
      expect(res.headers.get('content-type')).toBe('application/json');
      await res.arrayBuffer();
    }
  });

  it('HEAD / has the headers of GET and no body', async () => {
    const res = await request(server, '/', { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.text()).toBe('');
  });

  it('_bulk_docs with all_or_nothing is 417 not_implemented per document and writes nothing (CouchDB 3)', async () => {
    const docs = [{ _id: 'aon-1', n: 1 }, { n: 2 }];
    for (const path of ['/db/_bulk_docs', '/_users/_bulk_docs']) {
      const res = await request(server, path, { method: 'POST', json: { all_or_nothing: true, docs } });
      expect(res.status, path).toBe(417);
      expect(await res.json()).toStrictEqual([
        { id: 'aon-1', rev: '0-', error: 'not_implemented', reason: 'all_or_nothing is not supported' },
        { rev: '0-', error: 'not_implemented', reason: 'all_or_nothing is not supported' },
      ]);
    }
    expect((await request(server, '/db/aon-1')).status).toBe(404);
  });

  it('405 method_not_allowed names the allowed methods', async () => {
    const cases: Array<[string, string, string]> = [
      ['DELETE', '/', 'Only GET,HEAD allowed'],
      ['POST', '/_up', 'Only GET,HEAD allowed'],
      ['DELETE', '/_all_dbs', 'Only GET,HEAD allowed'],
      ['POST', '/_uuids', 'Only GET allowed'],
      ['PUT', '/_session', 'Only GET,HEAD,POST,DELETE allowed'],
    ];
    for (const [method, path, reason] of cases) {
      const res = await request(server, path, { method, headers: { 'content-type': 'application/json' } });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(await res.json()).toStrictEqual({ error: 'method_not_allowed', reason });
    }
  });

  it('_uuids: count, no-cache, limits', async () => {
    const res = await request(server, '/_uuids?count=3');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
    const { uuids } = (await res.json()) as { uuids: string[] };
    expect(uuids).toHaveLength(3);
    for (const uuid of uuids) expect(uuid).toMatch(/^[0-9a-f]{32}$/);
    const tooMany = await request(server, '/_uuids?count=1001');
    expect(tooMany.status).toBe(400);
    expect(await tooMany.json()).toStrictEqual({ error: 'bad_request', reason: 'count parameter too large' });
  });

  it('_all_dbs lists the system databases first, honours ranges and refuses bad limits', async () => {
    const all = (await (await request(server, '/_all_dbs')).json()) as string[];
    expect(all.slice(0, 2)).toStrictEqual(['_replicator', '_users']);
    expect(all).toContain('db');
    const ranged = await request(server, `/_all_dbs?startkey=${encodeURIComponent('"d"')}&endkey=${encodeURIComponent('"e"')}`);
    expect(await ranged.json()).toStrictEqual(['db']);
    const bad = await request(server, '/_all_dbs?limit=abc');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toStrictEqual({ error: 'query_parse_error', reason: 'Invalid value for integer: "abc"' });
    const notJson = await request(server, '/_all_dbs?startkey=ref_');
    expect(await notJson.json()).toStrictEqual({ error: 'bad_request', reason: 'invalid UTF-8 JSON' });
  });

  it('_all_dbs carries an ETag that changes when a database is created, and If-None-Match gets 304', async () => {
    const first = await request(server, '/_all_dbs?limit=1');
    const etag = first.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    await first.arrayBuffer();
    const same = await request(server, '/_all_dbs', { headers: { 'if-none-match': etag } });
    expect(same.status).toBe(304);
    await same.arrayBuffer();
    await (await request(server, '/etag-new-db', { method: 'PUT' })).arrayBuffer();
    const after = await request(server, '/_all_dbs', { headers: { 'if-none-match': etag } });
    expect(after.status).toBe(200);
    expect(await after.json()).toContain('etag-new-db');
  });

  it('_dbs_info: entries per key, 415 without JSON, 400 without keys', async () => {
    const res = await request(server, '/_dbs_info', { method: 'POST', json: { keys: ['db', 'nope'] } });
    const body = (await res.json()) as Array<{ key: string; info?: { db_name: string }; error?: string }>;
    expect(body[0]?.info?.db_name).toBe('db');
    expect(body[1]).toStrictEqual({ key: 'nope', error: 'not_found' });
    const noType = await request(server, '/_dbs_info', { method: 'POST', body: '{"keys":[]}' });
    expect(noType.status).toBe(415);
    expect(await noType.json()).toStrictEqual({ error: 'bad_content_type', reason: 'Content-Type must be application/json' });
    const noKeys = await request(server, '/_dbs_info', { method: 'POST', json: {} });
    expect(await noKeys.json()).toStrictEqual({ error: 'bad_request', reason: '`keys` member must exist.' });
  });

  it('unknown _endpoints are missing databases', async () => {
    const res = await request(server, '/_nonexistent');
    expect(res.status).toBe(404);
    expect(await res.json()).toStrictEqual({ error: 'not_found', reason: 'Database does not exist.' });
  });
});

describe('request ids and the Server header', () => {
  it('names CouchDB\'s version first in the Server header of every answer, errors included', async () => {
    const welcome = await request(server, '/');
    const { version } = (await welcome.json()) as { version: string };
    expect(welcome.headers.get('server')).toBe(`CouchDB/${version} (Settee/${SERVER_VERSION})`);
    const missing = await request(server, '/nothere');
    expect(missing.headers.get('server')).toBe(welcome.headers.get('server'));
    await missing.arrayBuffer();
  });

  it('every answer carries X-CouchDB-Body-Time, the milliseconds spent receiving the body (basics_test)', async () => {
    const get = await request(server, '/');
    expect(get.headers.get('x-couchdb-body-time')).toBe('0');
    await get.arrayBuffer();
    const put = await request(server, '/db/bodytime', { method: 'PUT', json: { v: 1 } });
    expect(put.headers.get('x-couchdb-body-time')).toMatch(/^\d+$/);
    await put.arrayBuffer();
  });

  it('tags every answer with X-Couch-Request-ID, the client\'s own when it sent one', async () => {
    const plain = await request(server, '/');
    expect(plain.headers.get('x-couch-request-id')).toMatch(/^[0-9a-f]{10}$/);
    await plain.arrayBuffer();
    const given = await request(server, '/nothere', { headers: { 'x-couch-request-id': 'abc-123' } });
    expect([given.status, given.headers.get('x-couch-request-id')]).toStrictEqual([404, 'abc-123']);
    await given.arrayBuffer();
  });
});

describe('databases', () => {
  it('PUT answers 201 with Location (special characters encoded), 412 when it exists', async () => {
    const res = await request(server, `/${encodeURIComponent('a(b)+c/d-e')}`, { method: 'PUT' });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`${server.url}/a%28b%29%2Bc%2Fd-e`);
    const again = await request(server, `/${encodeURIComponent('a(b)+c/d-e')}`, { method: 'PUT' });
    expect(again.status).toBe(412);
    expect(((await again.json()) as { error: string }).error).toBe('file_exists');
    const doc = await request(server, `/${encodeURIComponent('a(b)+c/d-e')}/doc1`, { method: 'PUT', json: { v: 1 } });
    expect(doc.headers.get('location')).toBe(`${server.url}/a%28b%29%2Bc%2Fd-e/doc1`);
  });

  it('an unencoded "+" in the path is a space', async () => {
    const res = await request(server, '/p+q', { method: 'PUT' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { reason: string }).reason).toMatch(/^Name: 'p q'\./);
  });

  it('DELETE with ?rev= is refused; HEAD of a missing database is a bare 404', async () => {
    const res = await request(server, '/db?rev=1-abc', { method: 'DELETE' });
    expect(res.status).toBe(400);
    const head = await request(server, '/nothere', { method: 'HEAD' });
    expect(head.status).toBe(404);
    expect(await head.text()).toBe('');
  });

  it('_design_docs answers keys; POST listings take a JSON object, and the query string wins over the body', async () => {
    await request(server, '/listings', { method: 'PUT' });
    for (const id of ['_design/a', '_design/b', 'plain']) await (await request(server, `/listings/${id}`, { method: 'PUT', json: {} })).arrayBuffer();
    const keys = ['_design/b', '_design/a'];
    const byGet = await request(server, `/listings/_design_docs?keys=${encodeURIComponent(JSON.stringify(keys))}`);
    expect(((await byGet.json()) as { rows: Array<{ id: string }> }).rows.map((row) => row.id)).toStrictEqual(keys);
    const byPost = await request(server, '/listings/_design_docs', { method: 'POST', json: { keys, limit: 1 } });
    expect(((await byPost.json()) as { rows: Array<{ id: string }> }).rows.map((row) => row.id)).toStrictEqual(['_design/b']);
    const queryWins = await request(server, '/listings/_all_docs?limit=0', { method: 'POST', json: { keys: ['plain'], limit: 1 } });
    expect(((await queryWins.json()) as { rows: unknown[] }).rows).toStrictEqual([]);
    const keysNotList = await request(server, '/listings/_all_docs?keys=1');
    expect([keysNotList.status, await keysNotList.json()]).toStrictEqual([400, { error: 'bad_request', reason: '`keys` parameter must be an array.' }]);
    const notObject = await request(server, '/listings/_all_docs', { method: 'POST', json: [] });
    expect([notObject.status, await notObject.json()]).toStrictEqual([400, { error: 'bad_request', reason: 'Request body must be a JSON object' }]);
  });

  it('_compact needs a JSON Content-Type (415) and answers 202', async () => {
    const without = await request(server, '/db/_compact', { method: 'POST' });
    expect(without.status).toBe(415);
    await without.arrayBuffer();
    const withType = await request(server, '/db/_compact', { method: 'POST', headers: { 'content-type': 'application/json' } });
    expect(withType.status).toBe(202);
    expect(await withType.json()).toStrictEqual({ ok: true });
  });

  it('_compact/{ddoc} answers 202 for a design document that exists, 404 otherwise (chttpd_db opens it first)', async () => {
    await (await request(server, '/db/_design/compacted', { method: 'PUT', json: { views: { v: { map: 'function (doc) { emit(doc._id, null); }' } } } })).arrayBuffer();
    const found = await request(server, '/db/_compact/compacted', { method: 'POST', json: {} });
    expect([found.status, await found.json()]).toStrictEqual([202, { ok: true }]);
    const missing = await request(server, '/db/_compact/nosuchddoc', { method: 'POST', json: {} });
    expect([missing.status, await missing.json()]).toStrictEqual([404, { error: 'not_found', reason: 'missing' }]);
  });
});

describe('documents', () => {
  it('PUT is 201 with ETag and Location; GET has the ETag; If-None-Match gives 304', async () => {
    const put = await request(server, '/db/etagged', { method: 'PUT', json: { title: 'hello' } });
    expect(put.status).toBe(201);
    const { rev } = (await put.json()) as { rev: string };
    expect(put.headers.get('etag')).toBe(`"${rev}"`);
    expect(put.headers.get('location')).toBe(`${server.url}/db/etagged`);
    const get = await request(server, '/db/etagged');
    expect(get.headers.get('etag')).toBe(`"${rev}"`);
    await get.arrayBuffer();
    const cached = await request(server, '/db/etagged', { headers: { 'if-none-match': `"${rev}"` } });
    expect(cached.status).toBe(304);
    expect(cached.headers.get('content-length')).toBe('0');
    expect(await cached.text()).toBe('');
  });

  it('_bulk_get refuses per-document query parameters and a body that is not an object', async () => {
    const withRev = await request(server, '/db/_bulk_get?rev=1-abc', { method: 'POST', json: { docs: [] } });
    expect([withRev.status, await withRev.json()]).toStrictEqual([400, { error: 'bad_request', reason: '"rev" query parameter is not acceptable' }]);
    const list = await request(server, '/db/_bulk_get', { method: 'POST', json: [] });
    expect([list.status, await list.json()]).toStrictEqual([400, { error: 'bad_request', reason: 'Request body must be a JSON object' }]);
  });

  it('_bulk_get answers multipart to a client that asks for it and not for JSON, attachments as parts', async () => {
    await (await request(server, '/db/bgplain', { method: 'PUT', json: { v: 1 } })).arrayBuffer();
    const withAtt = { v: 2, _attachments: { 't.bin': { content_type: 'application/octet-stream', data: Buffer.from('hello').toString('base64') } } };
    await (await request(server, '/db/bgatt', { method: 'PUT', json: withAtt })).arrayBuffer();
    const docs = [{ id: 'bgplain' }, { id: 'bgatt' }, { id: 'bgnone' }];
    const res = await request(server, '/db/_bulk_get', { method: 'POST', json: { docs }, headers: { accept: 'multipart/mixed' } });
    const boundary = /^multipart\/mixed; boundary="([^"]+)"$/.exec(res.headers.get('content-type') ?? '')?.[1] ?? '';
    expect(boundary).not.toBe('');
    const text = Buffer.from(await res.arrayBuffer()).toString('latin1');
    const parts = text.split(`\r\n--${boundary}`).slice(1);
    expect(parts.pop()).toBe('--\r\n');
    expect(parts).toHaveLength(3);
    const [plain, attached, missing] = parts.map((part) => part.slice(2));
    expect(plain).toMatch(/^Content-Type: application\/json\r\n\r\n\{"_id":"bgplain","_rev":"1-[0-9a-f]{32}","v":1\}$/);
    // The revision with an attachment is a multipart/related part: its JSON with a follows stub, then the bytes.
    expect(attached).toMatch(/^X-Doc-Id: bgatt\r\nX-Rev-Id: 1-[0-9a-f]{32}\r\nContent-Type: multipart\/related; boundary="[^"]+"\r\n\r\n/);
    expect(attached).toContain('"follows":true');
    expect(attached).toContain('\r\n\r\nhello\r\n');
    expect(missing?.startsWith('Content-Type: application/json; error="true"\r\n\r\n')).toBe(true);
    expect(JSON.parse(missing?.split('\r\n\r\n')[1] ?? '')).toMatchObject({ id: 'bgnone', error: 'not_found', reason: 'missing' });
    // Accept with JSON (or */*) keeps the JSON answer.
    for (const accept of ['application/json, multipart/mixed', '*/*']) {
      const json = await request(server, '/db/_bulk_get', { method: 'POST', json: { docs }, headers: { accept } });
      expect(json.headers.get('content-type')).toBe('application/json');
      expect(((await json.json()) as { results: unknown[] }).results).toHaveLength(3);
    }
  });

  it('If-None-Match matches weak and listed ETags; If-Match must agree with ?rev', async () => {
    const put = await request(server, '/db/conditional', { method: 'PUT', json: { v: 1 } });
    const { rev } = (await put.json()) as { rev: string };
    for (const header of [`W/"${rev}"`, `"1-x", "${rev}"`]) {
      const cached = await request(server, '/db/conditional', { headers: { 'if-none-match': header } });
      expect([header, cached.status]).toStrictEqual([header, 304]);
    }
    const disagree = await request(server, `/db/conditional?rev=${rev}`, { method: 'PUT', json: { v: 2 }, headers: { 'if-match': '"1-00000000000000000000000000000000"' } });
    expect([disagree.status, await disagree.json()]).toStrictEqual([400, { error: 'bad_request', reason: 'Document rev and etag have different values' }]);
    const byHeader = await request(server, '/db/conditional', { method: 'DELETE', headers: { 'if-match': `"${rev}"` } });
    expect(byHeader.status).toBe(200);
  });

  it('_local documents carry an opaque ETag of revision and body (couch_httpd doc_etag) and honour If-None-Match', async () => {
    const tag = (res: Response): string => res.headers.get('etag') ?? '';
    const put = await request(server, '/db/_local/tagged', { method: 'PUT', json: { a: 1 } });
    expect(tag(put)).toMatch(/^"[0-9A-Z]+"$/);
    await put.arrayBuffer();
    const get = await request(server, '/db/_local/tagged');
    expect(tag(get)).toBe(tag(put));
    await get.arrayBuffer();
    const cached = await request(server, '/db/_local/tagged', { headers: { 'if-none-match': tag(get) } });
    expect(cached.status).toBe(304);
    await cached.arrayBuffer();
    // Local documents keep no history: overwriting with the same rev but another body still changes the ETag.
    const again = await request(server, '/db/_local/tagged', { method: 'PUT', json: { _rev: '0-1', a: 2 } });
    expect(tag(again)).not.toBe(tag(put));
    await again.arrayBuffer();
    const removed = await request(server, '/db/_local/tagged?rev=0-2', { method: 'DELETE' });
    expect([removed.status, tag(removed)]).toStrictEqual([200, expect.stringMatching(/^"[0-9A-Z]+"$/)]);
    await removed.arrayBuffer();
  });

  it('answers odd paths and batch writes as CouchDB does', async () => {
    const badRequest = (reason: string) => ({ error: 'bad_request', reason });
    for (const path of ['/db/_local', '/db/_local/']) {
      const res = await request(server, path);
      expect([path, res.status, await res.json()]).toStrictEqual([path, 400, badRequest('Invalid _local document id.')]);
    }
    const localAtt = await request(server, '/db/_local/x/att.txt');
    expect([localAtt.status, await localAtt.json()]).toStrictEqual([400, badRequest('_local documents do not accept attachments.')]);
    const bareDesign = await request(server, '/db/_design', { method: 'PUT', json: {} });
    expect([bareDesign.status, ((await bareDesign.json()) as { error: string }).error]).toStrictEqual([400, 'illegal_docid']);
    const absolute = await request(server, '/db/doc1', { method: 'COPY', headers: { destination: 'http://localhost:5984/db/copied' } });
    expect([absolute.status, await absolute.json()]).toStrictEqual([400, badRequest('Destination URL must be relative.')]);
    // batch=ok is answered 202 whatever happens to the write, a conflict included.
    await (await request(server, '/db/batched', { method: 'PUT', json: { v: 1 } })).arrayBuffer();
    const batched = await request(server, '/db/batched?batch=ok', { method: 'PUT', json: { v: 2 } });
    expect([batched.status, await batched.json()]).toStrictEqual([202, { ok: true, id: 'batched' }]);
    const posted = await request(server, '/db?batch=ok', { method: 'POST', json: { _id: 'batched', v: 3 } });
    expect([posted.status, await posted.json()]).toStrictEqual([202, { ok: true, id: 'batched' }]);
  });

  it('revision ids are CouchDB\'s (documents.json)', async () => {
    const res = await request(server, '/db/d-rev', { method: 'PUT', json: { v: 1 } });
    expect(((await res.json()) as { rev: string }).rev).toBe('1-7a7e4b29f3af401e69b6f86e4c26b727');
  });

  it('HEAD of a document: ETag, no body; of a missing one: 404', async () => {
    const head = await request(server, '/db/doc1', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toMatch(/^"1-[0-9a-f]{32}"$/);
    expect(await head.text()).toBe('');
    expect((await request(server, '/db/missing', { method: 'HEAD' })).status).toBe(404);
  });

  it('POST /db without a JSON Content-Type is 415; with it, 201 and Location', async () => {
    const bad = await request(server, '/db', { method: 'POST', body: '{"a":1}' });
    expect(bad.status).toBe(415);
    await bad.arrayBuffer();
    const good = await request(server, '/db', { method: 'POST', json: { a: 1 } });
    expect(good.status).toBe(201);
    const { id } = (await good.json()) as { id: string };
    expect(good.headers.get('location')).toBe(`${server.url}/db/${id}`);
  });

  it('batch=ok answers 202 without a rev; a tombstone for a new id answers 200', async () => {
    const batched = await request(server, '/db/batched?batch=ok', { method: 'PUT', json: { v: 1 } });
    expect(batched.status).toBe(202);
    expect(await batched.json()).toStrictEqual({ ok: true, id: 'batched' });
    const dead = await request(server, '/db/borndead', { method: 'PUT', json: { _deleted: true } });
    expect(dead.status).toBe(200);
    expect(await dead.json()).toStrictEqual({ ok: true, id: 'borndead', rev: '1-de715bf126efc93d225d9e3f8e8eb81a' });
  });

  it('DELETE without rev is 409 for an existing document and 404 for a missing one', async () => {
    const existing = await request(server, '/db/doc1', { method: 'DELETE' });
    expect(existing.status).toBe(409);
    await existing.arrayBuffer();
    const missing = await request(server, '/db/nope', { method: 'DELETE' });
    expect(missing.status).toBe(404);
    await missing.arrayBuffer();
  });

  it('COPY with Destination copies body and makes a new document; without it 400', async () => {
    await request(server, '/db/src', { method: 'PUT', json: { title: 'copied' } });
    const res = await request(server, '/db/src', { method: 'COPY', headers: { destination: 'dst' } });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`${server.url}/db/dst`);
    const { rev } = (await res.json()) as { rev: string };
    expect(res.headers.get('etag')).toBe(`"${rev}"`);
    const copy = (await (await request(server, '/db/dst')).json()) as { title: string };
    expect(copy.title).toBe('copied');
    const conflict = await request(server, '/db/src', { method: 'COPY', headers: { destination: 'dst' } });
    expect(conflict.status).toBe(409);
    await conflict.arrayBuffer();
    const over = await request(server, '/db/src', { method: 'COPY', headers: { destination: `dst?rev=${rev}` } });
    expect(over.status).toBe(201);
    await over.arrayBuffer();
    const none = await request(server, '/db/src', { method: 'COPY' });
    expect(await none.json()).toStrictEqual({ error: 'bad_request', reason: 'Destination header is mandatory for COPY.' });
  });

  it('open_revs: JSON with Accept: application/json, multipart/mixed otherwise', async () => {
    const json = await request(server, '/db/doc1?open_revs=all', { headers: { accept: 'application/json' } });
    const entries = (await json.json()) as Array<{ ok: { _id: string } }>;
    expect(entries[0]?.ok._id).toBe('doc1');
    const mixed = await request(server, '/db/doc1?open_revs=all');
    expect(mixed.headers.get('content-type')).toMatch(/^multipart\/mixed; boundary="/);
    expect(await mixed.text()).toContain('"_id":"doc1"');
  });
});

describe('attachments', () => {
  const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 255, 254]);

  it('PUT raw bytes; GET them back with ETag = digest, Content-MD5, 304, Range', async () => {
    const put = await request(server, '/db/withatt/blob.bin', { method: 'PUT', body: bytes, headers: { 'content-type': 'image/png' } });
    expect(put.status).toBe(201);
    await put.arrayBuffer();
    const get = await request(server, '/db/withatt/blob.bin');
    expect(get.headers.get('content-type')).toBe('image/png');
    const etag = get.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[A-Za-z0-9+/]{22}=="$/);
    expect(get.headers.get('content-md5')).toBe(etag.slice(1, -1));
    expect(new Uint8Array(await get.arrayBuffer())).toStrictEqual(bytes);
    const cached = await request(server, '/db/withatt/blob.bin', { headers: { 'if-none-match': etag } });
    expect(cached.status).toBe(304);
    const range = await request(server, '/db/withatt/blob.bin', { headers: { range: 'bytes=0-3' } });
    expect(range.status).toBe(206);
    expect(range.headers.get('content-range')).toBe('bytes 0-3/10');
    expect(new Uint8Array(await range.arrayBuffer())).toStrictEqual(bytes.subarray(0, 4));
    const outside = await request(server, '/db/withatt/blob.bin', { headers: { range: 'bytes=100-200' } });
    expect(outside.status).toBe(416);
    expect(((await outside.json()) as { error: string }).error).toBe('requested_range_not_satisfiable');
  });

  it('answers Range as CouchDB: 0- is the whole entity, several ranges are multipart/byteranges, ten or more are ignored', async () => {
    await (await request(server, '/db/ranged/blob.bin', { method: 'PUT', body: bytes, headers: { 'content-type': 'image/png' } })).arrayBuffer();
    const whole = await request(server, '/db/ranged/blob.bin', { headers: { range: 'bytes=0-' } });
    expect([whole.status, whole.headers.get('content-range')]).toStrictEqual([200, null]);
    expect(new Uint8Array(await whole.arrayBuffer())).toStrictEqual(bytes);
    const tail = await request(server, '/db/ranged/blob.bin', { headers: { range: 'bytes=-3' } });
    expect([tail.status, tail.headers.get('content-range')]).toStrictEqual([206, 'bytes 7-9/10']);
    expect(new Uint8Array(await tail.arrayBuffer())).toStrictEqual(bytes.subarray(7));
    const two = await request(server, '/db/ranged/blob.bin', { headers: { range: 'bytes=0-1,8-20' } });
    expect(two.status).toBe(206);
    const boundary = /^multipart\/byteranges; boundary="([^"]+)"$/.exec(two.headers.get('content-type') ?? '')?.[1] ?? '';
    expect(boundary).not.toBe('');
    const expected = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Type: image/png\r\nContent-Range: bytes 0-1/10\r\n\r\n`),
      Buffer.from(bytes.subarray(0, 2)),
      Buffer.from(`\r\n--${boundary}\r\nContent-Type: image/png\r\nContent-Range: bytes 8-9/10\r\n\r\n`),
      Buffer.from(bytes.subarray(8)),
      Buffer.from(`\r\n--${boundary}--`),
    ]);
    expect(Buffer.from(await two.arrayBuffer())).toStrictEqual(expected);
    const ten = await request(server, '/db/ranged/blob.bin', { headers: { range: `bytes=${Array.from({ length: 10 }, (_, i) => `${i}-${i}`).join(',')}` } });
    expect(ten.status).toBe(200);
    expect(new Uint8Array(await ten.arrayBuffer())).toStrictEqual(bytes);
  });

  it('reads gzip request bodies (documents and attachments) and refuses other content encodings with 415', async () => {
    const doc = await request(server, '/db/zipped', { method: 'PUT', body: gzipSync(Buffer.from('{"v":1}')), headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } });
    const { rev } = (await doc.json()) as { rev: string };
    expect(doc.status).toBe(201);
    const att = await request(server, `/db/zipped/hello.txt?rev=${rev}`, { method: 'PUT', body: gzipSync(Buffer.from('hello gzip')), headers: { 'content-type': 'text/plain', 'content-encoding': 'gzip' } });
    expect(att.status).toBe(201);
    const plain = await request(server, '/db/zipped/hello.txt', { headers: { 'accept-encoding': 'identity' } });
    expect(await plain.text()).toBe('hello gzip');
    const brotli = await request(server, '/db/brotli', { method: 'PUT', body: '{}', headers: { 'content-type': 'application/json', 'content-encoding': 'br' } });
    expect([brotli.status, await brotli.json()]).toStrictEqual([415, { error: 'bad_content_type', reason: 'Only gzip and identity content-encodings are supported' }]);
  });

  it('refuses an attachment whose Content-MD5 is not the md5 of its bytes, and writes nothing', async () => {
    const wrong = await request(server, '/db/md5checked/a.bin', { method: 'PUT', body: bytes, headers: { 'content-md5': 'AAAAAAAAAAAAAAAAAAAAAA==' } });
    expect([wrong.status, await wrong.json()]).toStrictEqual([400, { error: 'content_md5_mismatch', reason: 'Possible message corruption.' }]);
    expect((await request(server, '/db/md5checked')).status).toBe(404);
    const md5 = createHash('md5').update(bytes).digest('base64');
    const right = await request(server, '/db/md5checked/a.bin', { method: 'PUT', body: bytes, headers: { 'content-md5': md5 } });
    expect(right.status).toBe(201);
  });

  it('refuses attachment writes on a revision the document lacks, and a DELETE without rev as CouchDB does', async () => {
    const created = await request(server, '/db/attrevs/a.bin', { method: 'PUT', body: bytes, headers: { 'content-type': 'image/png' } });
    const { rev } = (await created.json()) as { rev: string };
    const missingRev = { error: 'not_found', reason: 'missing_rev' };
    const onNewDoc = await request(server, '/db/attrevs-none/a.bin?rev=1-000', { method: 'PUT', body: bytes });
    expect([onNewDoc.status, await onNewDoc.json()]).toStrictEqual([409, missingRev]);
    const garbage = await request(server, '/db/attrevs/a.bin?rev=4-garbage', { method: 'DELETE' });
    expect([garbage.status, await garbage.json()]).toStrictEqual([409, missingRev]);
    const noDoc = await request(server, '/db/attrevs-none/a.bin', { method: 'DELETE' });
    expect([noDoc.status, await noDoc.json()]).toStrictEqual([404, { error: 'not_found', reason: 'missing' }]);
    const noAtt = await request(server, '/db/attrevs/other.bin', { method: 'DELETE' });
    expect([noAtt.status, await noAtt.json()]).toStrictEqual([404, { error: 'not_found', reason: 'Document is missing attachment' }]);
    const noRev = await request(server, '/db/attrevs/a.bin', { method: 'DELETE' });
    expect([noRev.status, ((await noRev.json()) as { error: string }).error]).toStrictEqual([409, 'conflict']);
    const disagree = await request(server, `/db/attrevs/b.bin?rev=${rev}`, { method: 'PUT', body: bytes, headers: { 'if-match': '"1-00000000000000000000000000000000"' } });
    expect([disagree.status, await disagree.json()]).toStrictEqual([400, { error: 'bad_request', reason: 'Document rev and etag have different values' }]);
    const byHeader = await request(server, '/db/attrevs/b.bin', { method: 'PUT', body: bytes, headers: { 'if-match': `"${rev}"` } });
    expect(byHeader.status).toBe(201);
  });

  it('?attachments=true answers multipart/related unless Accept is application/json', async () => {
    const multipart = await request(server, '/db/withatt?attachments=true');
    const type = multipart.headers.get('content-type') ?? '';
    expect(type).toMatch(/^multipart\/related; boundary="/);
    const body = Buffer.from(await multipart.arrayBuffer());
    expect(body.toString('latin1')).toContain('"follows":true');
    expect(body.includes(Buffer.from(bytes))).toBe(true);
    const json = await request(server, '/db/withatt?attachments=true', { headers: { accept: 'application/json' } });
    const doc = (await json.json()) as { _attachments: Record<string, { data: string }> };
    expect(Buffer.from(doc._attachments['blob.bin']?.data ?? '', 'base64')).toStrictEqual(Buffer.from(bytes));
  });

  it('sends a text attachment gzipped to a client that accepts gzip, with the md5 of the gzip; plain to others', async () => {
    const text = 'gzip me, gzip me, gzip me, please';
    const put = await request(server, '/db/textual/t.txt', { method: 'PUT', body: text, headers: { 'content-type': 'text/plain' } });
    expect(put.status).toBe(201);
    await put.arrayBuffer();
    const gzipped = await request(server, '/db/textual/t.txt', { headers: { 'accept-encoding': 'gzip' } });
    expect(gzipped.headers.get('content-encoding')).toBe('gzip');
    expect(gzipped.headers.get('accept-ranges')).toBe('none');
    // fetch decodes the body; the header is the md5 of what was sent, CouchDB's level-8 gzip (the digest's bytes).
    expect(await gzipped.text()).toBe(text);
    expect(gzipped.headers.get('content-md5')).toBe(createHash('md5').update(gzipSync(Buffer.from(text), { level: 8 })).digest('base64'));
    expect(gzipped.headers.get('etag')).toBe(`"${gzipped.headers.get('content-md5')}"`);
    const plain = await request(server, '/db/textual/t.txt', { headers: { 'accept-encoding': 'identity', range: 'bytes=0-3' } });
    expect([plain.status, plain.headers.get('content-encoding'), plain.headers.get('content-md5')]).toStrictEqual([200, null, null]);
    expect(await plain.text()).toBe(text);
  });

  it('a multipart answer gives every attachment its encoding info, stubs left by atts_since too', async () => {
    const first = await request(server, '/db/encoded/note.txt', { method: 'PUT', body: 'hello, hello, hello', headers: { 'content-type': 'text/plain' } });
    const { rev } = (await first.json()) as { rev: string };
    const second = await request(server, `/db/encoded/blob.bin?rev=${rev}`, { method: 'PUT', body: bytes, headers: { 'content-type': 'image/png' } });
    expect(second.status).toBe(201);
    // Since the first revision, only blob.bin follows; note.txt stays a stub, with CouchDB's encoding members.
    const multipart = await request(server, `/db/encoded?attachments=true&atts_since=${encodeURIComponent(JSON.stringify([rev]))}`);
    const body = Buffer.from(await multipart.arrayBuffer()).toString('latin1');
    const json = JSON.parse(body.slice(body.indexOf('{'), body.indexOf('\r\n--'))) as { _attachments: Record<string, Record<string, unknown>> };
    expect(json._attachments['note.txt']).toMatchObject({ stub: true, encoding: 'gzip', encoded_length: expect.any(Number) });
    expect(json._attachments['blob.bin']).toMatchObject({ follows: true });
    expect(json._attachments['blob.bin']).not.toHaveProperty('encoding');
    // A JSON answer has them only when asked for.
    const plain = await request(server, '/db/encoded', { headers: { accept: 'application/json' } });
    expect(((await plain.json()) as { _attachments: Record<string, object> })._attachments['note.txt']).not.toHaveProperty('encoding');
  });

  it('PUT multipart/related as CouchDB\'s replicator sends it (new_edits=false with _revisions)', async () => {
    const boundary = 'abc123';
    const doc = {
      _id: 'fromrepl',
      _rev: '1-0123456789abcdef0123456789abcdef',
      _revisions: { start: 1, ids: ['0123456789abcdef0123456789abcdef'] },
      v: 1,
      _attachments: { 'a.txt': { content_type: 'text/plain', revpos: 1, digest: 'md5-XUFAKrxLKna5cZ2REBfFkg==', length: 5, follows: true } },
    };
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(doc)}\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Disposition: attachment; filename="a.txt"\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello\r\n`),
      Buffer.from(`--${boundary}--`),
    ]);
    const put = await request(server, '/db/fromrepl?new_edits=false', {
      method: 'PUT',
      body,
      headers: { 'content-type': `multipart/related; boundary="${boundary}"` },
    });
    expect(put.status).toBe(201);
    await put.arrayBuffer();
    const att = await request(server, '/db/fromrepl/a.txt');
    expect(await att.text()).toBe('hello');
    const stored = (await (await request(server, '/db/fromrepl')).json()) as { _rev: string };
    expect(stored._rev).toBe('1-0123456789abcdef0123456789abcdef');
  });
});

describe('changes feeds', () => {
  it('continuous: one line per change, then last_seq with pending, honouring limit', async () => {
    await request(server, '/feed', { method: 'PUT' });
    for (const id of ['a', 'b', 'c']) await request(server, `/feed/${id}`, { method: 'PUT', json: { id } });
    const res = await request(server, '/feed/_changes?feed=continuous&limit=2&since=0');
    expect(res.headers.get('content-type')).toBe('application/json');
    const lines = (await res.text()).split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(3);
    expect(lines.slice(0, 2).map((line) => (JSON.parse(line) as { id: string }).id)).toStrictEqual(['a', 'b']);
    const last = JSON.parse(lines[2] ?? '{}') as { last_seq: unknown; pending: number };
    expect(last.pending).toBe(1);
    expect(last.last_seq).toStrictEqual((JSON.parse(lines[1] ?? '{}') as { seq: unknown }).seq);
    // With nothing sent, last_seq is still a seq as the normal feed writes it (a string), not a bare 0.
    const none = await request(server, '/feed/_changes?feed=continuous&limit=0');
    const normal = (await (await request(server, '/feed/_changes?limit=0')).json()) as { last_seq: unknown };
    expect(JSON.parse((await none.text()).trim())).toStrictEqual({ last_seq: normal.last_seq, pending: 3 });
    expect(typeof normal.last_seq).toBe('string');
  });

  it('a normal feed carries an ETag that changes with the answer, and If-None-Match gets 304', async () => {
    await request(server, '/etagfeed', { method: 'PUT' });
    await (await request(server, '/etagfeed/a', { method: 'PUT', json: {} })).arrayBuffer();
    const first = await request(server, '/etagfeed/_changes');
    const etag = first.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    await first.arrayBuffer();
    const cached = await request(server, '/etagfeed/_changes', { headers: { 'if-none-match': etag } });
    expect(cached.status).toBe(304);
    await cached.arrayBuffer();
    await (await request(server, '/etagfeed/b', { method: 'PUT', json: {} })).arrayBuffer();
    const after = await request(server, '/etagfeed/_changes', { headers: { 'if-none-match': etag } });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(etag);
    expect(((await after.json()) as { results: unknown[] }).results).toHaveLength(2);
  });

  it('POST bodies, heartbeat values and the last event id as CouchDB reads them', async () => {
    // The database of the test above: a, b, c.
    const empty = await request(server, '/feed/_changes', { method: 'POST', body: '', headers: { 'content-type': 'application/json' } });
    expect(((await empty.json()) as { results: unknown[] }).results).toHaveLength(3);
    const notObject = await request(server, '/feed/_changes', { method: 'POST', json: [1] });
    expect([notObject.status, ((await notObject.json()) as { reason: string }).reason]).toStrictEqual([400, 'Request body must be a JSON object']);
    const selectorByGet = await request(server, '/feed/_changes?filter=_selector');
    expect([selectorByGet.status, ((await selectorByGet.json()) as { reason: string }).reason]).toStrictEqual([400, 'Selector must be specified in POST payload']);
    const negative = await request(server, '/feed/_changes?heartbeat=-1000');
    expect(((await negative.json()) as { reason: string }).reason).toBe('The heartbeat value should be a positive integer (in milliseconds).');
    const text = await request(server, '/feed/_changes?feed=continuous&heartbeat=a1000');
    expect(((await text.json()) as { reason: string }).reason).toBe('Invalid heartbeat value. Expecting a positive integer value (in milliseconds).');
    const all = (await (await request(server, '/feed/_changes')).json()) as { results: Array<{ id: string; seq: string }> };
    const first = all.results[0]?.seq ?? '';
    const byQuery = (await (await request(server, `/feed/_changes?last-event-id=${first}`)).json()) as { results: Array<{ id: string }> };
    expect(byQuery.results.map((row) => row.id)).toStrictEqual(['b', 'c']);
    const events = await request(server, '/feed/_changes?feed=eventsource&timeout=100&since=0', { headers: { 'last-event-id': first } });
    expect(events.headers.get('cache-control')).toBe('no-cache');
    expect((await events.text()).match(/"id":"(\w)"/g)).toStrictEqual(['"id":"b"', '"id":"c"']);
  });

  it('seq_interval: a row carries its seq when the rows left divide by the interval, the others null', async () => {
    // The database of the test above: a, b, c.
    const seqs = (results: Array<{ seq: unknown }>) => results.map((row) => row.seq !== null);
    const normal = (await (await request(server, '/feed/_changes?seq_interval=2')).json()) as { results: Array<{ seq: unknown }>; last_seq: unknown };
    // No limit: CouchDB counts down from 10^15, so the first row has its seq.
    expect(seqs(normal.results)).toStrictEqual([true, false, true]);
    expect(normal.last_seq).toStrictEqual(normal.results[2]?.seq);
    const limited = (await (await request(server, '/feed/_changes?seq_interval=2&limit=3')).json()) as { results: Array<{ seq: unknown }> };
    expect(seqs(limited.results)).toStrictEqual([false, true, false]);
    const res = await request(server, '/feed/_changes?feed=continuous&since=0&limit=3&seq_interval=3');
    const lines = (await res.text()).split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as { seq?: unknown; last_seq?: unknown });
    expect(seqs(lines.slice(0, 3) as Array<{ seq: unknown }>)).toStrictEqual([true, false, false]);
    // The closing line still names the real last seq.
    expect(lines[3]?.last_seq).toStrictEqual(normal.results[2]?.seq);
    const bad = await request(server, '/feed/_changes?seq_interval=0');
    expect([bad.status, ((await bad.json()) as { error: string }).error]).toStrictEqual([400, 'bad_request']);
  });

  it('continuous with a heartbeat: follows new writes, sends newlines while idle, and outlives its timeout', async () => {
    const controller = new AbortController();
    const res = await request(server, '/feed/_changes?feed=continuous&since=now&heartbeat=20&timeout=100', { signal: controller.signal });
    const read = readUntil(res, (text) => text.includes('"id":"later"'));
    // Well past the timeout: with a heartbeat CouchDB ignores it (couch_changes get_changes_timeout).
    await sleep(300);
    await (await request(server, '/feed/later', { method: 'PUT', json: { v: 1 } })).arrayBuffer();
    const text = await read;
    controller.abort();
    const lines = text.split('\n');
    expect(lines.filter((line) => line.includes('"id":"later"'))).toHaveLength(1);
    // Heartbeats are empty lines before the change; the feed never closed.
    expect(lines.indexOf(lines.find((line) => line.includes('"id":"later"')) ?? '')).toBeGreaterThan(3);
    expect(text).not.toContain('"last_seq"');
  });

  it('continuous without a heartbeat ends after its timeout with last_seq', async () => {
    const res = await request(server, '/feed/_changes?feed=continuous&since=now&timeout=50');
    const lines = (await res.text()).split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(1);
    expect(Object.keys(JSON.parse(lines[0] ?? '{}') as object)).toStrictEqual(['last_seq', 'pending']);
  });

  it('eventsource: data/id events with JSON seq ids, heartbeat events, text/event-stream', async () => {
    const res = await request(server, '/feed/_changes?feed=eventsource&since=0&limit=2&heartbeat=10');
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const text = await res.text();
    const events = text.split('\n\n').filter((event) => event.startsWith('data: '));
    expect(events).toHaveLength(2);
    const [data, id] = (events[0] ?? '').split('\n');
    const row = JSON.parse((data ?? '').slice('data: '.length)) as { seq: unknown; id: string };
    expect(row.id).toBe('a');
    expect(id).toBe(`id: ${JSON.stringify(row.seq)}`);
  });

  it('longpoll with since=now answers after the timeout with no results', async () => {
    const res = await request(server, '/feed/_changes?feed=longpoll&since=now&timeout=50');
    const body = (await res.json()) as { results: unknown[]; pending: number };
    expect(body.results).toStrictEqual([]);
    expect(body.pending).toBe(0);
  });

  it('longpoll with a heartbeat sends newlines until the first change, whatever its timeout, and stays valid JSON', async () => {
    const res = await request(server, '/feed/_changes?feed=longpoll&since=now&heartbeat=20&timeout=50');
    const text = readUntil(res, () => false);
    await sleep(250);
    await (await request(server, '/feed/polled', { method: 'PUT', json: { v: 1 } })).arrayBuffer();
    const body = await text;
    expect(body.startsWith('{"results":[\n\n\n')).toBe(true);
    const answer = JSON.parse(body) as { results: Array<{ id: string }>; last_seq: unknown; pending: number };
    expect(answer.results.map((row) => row.id)).toStrictEqual(['polled']);
    expect(answer.last_seq).toStrictEqual((answer.results[0] as { seq?: unknown }).seq);
    expect(answer.pending).toBe(0);
  });

  it('longpoll with a heartbeat and changes at hand answers at once, as a plain longpoll', async () => {
    const res = await request(server, '/feed/_changes?feed=longpoll&since=0&limit=1&heartbeat=20');
    expect(res.headers.get('content-length')).not.toBeNull();
    expect(((await res.json()) as { results: unknown[] }).results).toHaveLength(1);
  });

  it('longpoll with a heartbeat whose database goes away mid-wait does not leave its opened answer hanging', async () => {
    await (await request(server, '/gone', { method: 'PUT' })).arrayBuffer();
    // The head goes out with the first heartbeat: the error that follows can only end the connection.
    const res = await request(server, '/gone/_changes?feed=longpoll&since=now&heartbeat=20');
    expect(res.status).toBe(200);
    await (await request(server, '/gone', { method: 'DELETE' })).arrayBuffer();
    const ended = readUntil(res, () => false).then(
      () => 'ended',
      () => 'ended',
    );
    const stuck = new Promise<string>((resolve) => setTimeout(() => resolve('still open'), 3000));
    expect(await Promise.race([ended, stuck])).toBe('ended');
  });

  it('an unknown feed is a 400 before anything streams', async () => {
    const res = await request(server, '/feed/_changes?feed=bogus');
    expect(res.status).toBe(400);
    await res.arrayBuffer();
  });
});

describe('CORS', () => {
  it('is off by default: no CORS headers', async () => {
    const res = await request(server, '/', { headers: { origin: 'http://localhost:5173' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    await res.arrayBuffer();
  });

  it('answers preflights and marks answers for allowed origins only', async () => {
    const withCors = await startServer({ cors: { origins: ['http://localhost:5173'] } });
    try {
      const preflight = await request(withCors, '/db/doc', {
        method: 'OPTIONS',
        auth: null,
        headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'PUT' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
      expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
      expect(preflight.headers.get('access-control-allow-methods')).toContain('PUT');
      const get = await request(withCors, '/', { headers: { origin: 'http://localhost:5173' } });
      expect(get.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
      expect(get.headers.get('access-control-expose-headers')).toContain('etag');
      await get.arrayBuffer();
      const other = await request(withCors, '/', { headers: { origin: 'http://evil.example' } });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
      await other.arrayBuffer();
    } finally {
      await withCors.closeAll();
    }
  });
});

describe('X-HTTP-Method-Override (chttpd, method_override_test)', () => {
  it('a POST acts as the method it names; any other method keeps its own', async () => {
    await (await request(server, '/overridden', { method: 'PUT' })).arrayBuffer();
    const put = await request(server, '/overridden/fnord', { method: 'POST', json: { bob: 'connie' }, headers: { 'x-http-method-override': 'PUT' } });
    expect(put.status).toBe(201);
    const { rev } = (await put.json()) as { rev: string };
    const viaGet = await request(server, '/overridden/fnord', { headers: { 'x-http-method-override': 'PUT' } });
    expect([viaGet.status, ((await viaGet.json()) as { bob: string }).bob]).toStrictEqual([200, 'connie']);
    const removed = await request(server, `/overridden/fnord?rev=${rev}`, { method: 'POST', headers: { 'x-http-method-override': 'DELETE' } });
    expect(removed.status).toBe(200);
    await removed.arrayBuffer();
    const gone = await request(server, '/overridden/fnord');
    expect(gone.status).toBe(404);
    await gone.arrayBuffer();
    // A POST standing for HEAD still gets its whole body, as CouchDB sends it (the connection carries a POST).
    const head = await request(server, '/overridden', { method: 'POST', headers: { 'x-http-method-override': 'HEAD' }, signal: AbortSignal.timeout(5000) });
    expect(((await head.json()) as { db_name: string }).db_name).toBe('overridden');
  });
});

describe('limits and failures', () => {
  it('413 for a body over maxBodyBytes, announced or streamed', async () => {
    const small = await startServer({ maxBodyBytes: 1024 });
    try {
      await request(small, '/db', { method: 'PUT' });
      const big = JSON.stringify({ blob: 'x'.repeat(4096) });
      const res = await request(small, '/db/big', { method: 'PUT', body: big, headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(413);
      expect(await res.json()).toStrictEqual({ error: 'too_large', reason: 'the request entity is too large' });
      const fine = await request(small, '/db/fine', { method: 'PUT', json: { v: 1 } });
      expect(fine.status).toBe(201);
      await fine.arrayBuffer();
    } finally {
      await small.closeAll();
    }
  });

  it('malformed JSON is a 400 bad_request without a stack trace', async () => {
    const res = await request(server, '/db/broken', { method: 'PUT', body: '{"a":', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(JSON.parse(text)).toStrictEqual({ error: 'bad_request', reason: 'invalid UTF-8 JSON' });
    expect(text).not.toMatch(/at .*\.(ts|js):\d+/);
  });

  it('a failing engine gives a CouchDB error body without stack or credentials', async () => {
    const lines: string[] = [];
    const failing = await startServer({ log: (line) => lines.push(line) });
    try {
      await failing.engine.close();
      const res = await request(failing, '/_all_dbs');
      const text = await res.text();
      expect(Object.keys(JSON.parse(text) as object).sort()).toStrictEqual(['error', 'reason']);
      expect(text).not.toMatch(/\n\s+at /);
      expect(text).not.toContain(ADMIN_PASSWORD_FOR_LEAK_CHECK);
    } finally {
      await failing.close();
    }
  });
});

const ADMIN_PASSWORD_FOR_LEAK_CHECK = 'test-admin-pw';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The body read so far once `enough` says so, or the whole body when the server ends it first. */
async function readUntil(res: Response, enough: (text: string) => boolean): Promise<string> {
  const reader = res.body?.getReader();
  if (reader === undefined) throw new Error('no body');
  const decoder = new TextDecoder();
  let text = '';
  while (!enough(text)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  return text;
}
