// HTTP behaviour checked against CouchDB 3.4's own Elixir suites (test/elixir/test/*.exs in apache/couchdb): cases
// where settee-server answered differently, and cases no other settee test covered. Each test names the suite and,
// where it matters, the CouchDB source that sets the rule.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, startServer } from './start.js';

let server: Awaited<ReturnType<typeof startServer>>;

beforeAll(async () => {
  server = await startServer();
  await request(server, '/db', { method: 'PUT' });
});

afterAll(async () => {
  await server.closeAll();
});

/** The parts of a multipart body: headers (lower-case names) and body text, split on `--boundary`. */
function parts(body: string, contentType: string): Array<{ headers: Record<string, string>; body: string }> {
  const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1] ?? '';
  const inner = body.slice(body.indexOf(`--${boundary}`) + boundary.length + 2, body.lastIndexOf(`\r\n--${boundary}--`));
  return inner.split(`\r\n--${boundary}`).map((section) => {
    const split = section.indexOf('\r\n\r\n');
    const head = section.slice(0, split).split('\r\n').filter((line) => line !== '');
    const headers = Object.fromEntries(head.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 2)]));
    return { headers, body: section.slice(split + 4) };
  });
}

describe('open_revs as multipart/mixed (chttpd_db send_docs_multipart; attachments_multipart_test.exs)', () => {
  it('sends each found revision as the document itself, JSON without attachments (documents.json)', async () => {
    const put = (await (await request(server, '/db/plain', { method: 'PUT', json: { v: 1 } })).json()) as { rev: string };
    const res = await request(server, `/db/plain?open_revs=${encodeURIComponent(JSON.stringify([put.rev, '1-abc']))}`);
    const type = res.headers.get('content-type') ?? '';
    expect(type).toMatch(/^multipart\/mixed; boundary="/);
    const sections = parts(await res.text(), type);
    expect(sections).toStrictEqual([
      { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ _id: 'plain', _rev: put.rev, v: 1 }) },
      { headers: { 'content-type': 'application/json; error="true"' }, body: '{"missing":"1-abc"}' },
    ]);
  });

  it('nests a multipart/related part with every attachment following, atts_since or not', async () => {
    const first = (await (
      await request(server, '/db/mp', {
        method: 'PUT',
        json: { _attachments: { 'foo.txt': { content_type: 'application/test', data: Buffer.from('this is 21 chars long').toString('base64') } } },
      })
    ).json()) as { rev: string };
    const second = (await (
      await request(server, `/db/mp/bar.txt?rev=${first.rev}`, { method: 'PUT', body: 'this is 18 chars l', headers: { 'content-type': 'application/test' } })
    ).json()) as { rev: string };
    const query = `open_revs=${encodeURIComponent(JSON.stringify([second.rev]))}&atts_since=${encodeURIComponent(JSON.stringify([first.rev]))}`;
    const res = await request(server, `/db/mp?${query}`, { headers: { accept: 'multipart/related,*/*;' } });
    const outer = parts(await res.text(), res.headers.get('content-type') ?? '');
    expect(outer).toHaveLength(1);
    const nestedType = outer[0]!.headers['content-type'] ?? '';
    expect(nestedType).toMatch(/^multipart\/related; boundary="/);
    const inner = parts(outer[0]!.body, nestedType);
    // A standalone PUT puts its attachment first (chttpd_db db_attachment_req), so bar.txt comes before foo.txt.
    expect(inner.map((part) => (part.body.startsWith('{') ? 'json' : part.body))).toStrictEqual(['json', 'this is 18 chars l', 'this is 21 chars long']);
    const doc = JSON.parse(inner[0]!.body) as { _attachments: Record<string, { follows?: boolean }> };
    expect(doc._attachments['foo.txt']?.follows).toBe(true);
    expect(doc._attachments['bar.txt']?.follows).toBe(true);
  });
});

describe('PUT revision checks (chttpd_db couch_doc_from_req; conflicts_test.exs)', () => {
  it('a body _rev that If-Match contradicts is "Document rev and etag have different values"', async () => {
    const put = (await (await request(server, '/db/revs', { method: 'PUT', json: { a: 1 } })).json()) as { rev: string };
    const etag = await request(server, '/db/revs', { method: 'PUT', json: { _rev: put.rev, a: 2 }, headers: { 'if-match': '1-foobar' } });
    expect(etag.status).toBe(400);
    expect(await etag.json()).toStrictEqual({ error: 'bad_request', reason: 'Document rev and etag have different values' });
    // The query string is compared with the body first.
    const query = await request(server, '/db/revs?rev=1-foobar', { method: 'PUT', json: { _rev: put.rev, a: 2 }, headers: { 'if-match': put.rev } });
    expect(await query.json()).toStrictEqual({ error: 'bad_request', reason: 'Document rev from request body and query string have different values' });
    const agreeing = await request(server, '/db/revs', { method: 'PUT', json: { _rev: put.rev, a: 2 }, headers: { 'if-match': `"${put.rev}"` } });
    expect(agreeing.status).toBe(201);
    await agreeing.arrayBuffer();
  });
});

describe('document ids in the path (chttpd_db db_req; invalid_docids_test.exs)', () => {
  it('every malformed _local path is 400 bad_request, _local%2F included', async () => {
    for (const path of ['_local', '_local/', '_local%2F', '_local/foo/bar']) {
      for (const method of ['PUT', 'GET']) {
        const res = await request(server, `/db/${path}`, { method, ...(method === 'PUT' ? { json: {} } : {}) });
        expect(res.status, `${method} ${path}`).toBe(400);
        expect(((await res.json()) as { error: string }).error, `${method} ${path}`).toBe('bad_request');
      }
    }
  });
});

describe('view_errors_test.exs: temporary views (chttpd_httpd_handlers db_handler; chttpd_view handle_temp_view_req)', () => {
  it('answers 410 gone to /db/_temp_view whatever the method, once the database exists', async () => {
    const post = await request(server, '/db/_temp_view', { method: 'POST', json: { language: 'javascript', map: 'function(doc){emit(doc.integer)}' } });
    expect(post.status).toBe(410);
    expect(await post.json()).toStrictEqual({ error: 'gone', reason: 'Temporary views are not supported in CouchDB' });
    // Not a document read or a form upload: the endpoint itself is gone.
    const get = await request(server, '/db/_temp_view');
    expect(get.status).toBe(410);
    await get.arrayBuffer();
    const missingDb = await request(server, '/no-such-db/_temp_view', { method: 'POST', json: {} });
    expect(missingDb.status).toBe(404);
    expect(((await missingDb.json()) as { reason: string }).reason).toBe('Database does not exist.');
  });

  it('refuses a POST _all_docs whose query is not JSON, and a body that is not JSON at all', async () => {
    const badKey = await request(server, '/db/_all_docs?startkey=foo', { method: 'POST', json: { keys: [] } });
    expect(badKey.status).toBe(400);
    expect(((await badKey.json()) as { error: string }).error).toBe('bad_request');
    const form = await request(server, '/db/_all_docs', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '{}' });
    expect(form.status).toBe(415);
    await form.arrayBuffer();
  });
});

describe('http_test.exs: Location of a document whose id holds a newline (COUCHDB-708)', () => {
  it('percent-encodes the id as it was sent, and once more when the id came in a POST body', async () => {
    const put = await request(server, '/db/docidtest%0A', { method: 'PUT', json: {} });
    expect(put.status).toBe(201);
    expect(put.headers.get('location')).toBe(`${server.url}/db/docidtest%0A`);
    expect(((await put.json()) as { id: string }).id).toBe('docidtest\n');
    const att = await request(server, '/db/docid%0A/attachment.txt', { method: 'PUT', headers: { 'content-type': 'text/plain;charset=utf-8' }, body: '{}' });
    expect(att.headers.get('location')).toBe(`${server.url}/db/docid%0A/attachment.txt`);
    await att.arrayBuffer();
    // Here the id is the literal text `docidtestpost%0A`, so its `%` is encoded.
    const post = await request(server, '/db', { method: 'POST', json: { _id: 'docidtestpost%0A' } });
    expect(post.headers.get('location')).toBe(`${server.url}/db/docidtestpost%250A`);
    await post.arrayBuffer();
  });
});

describe('attachment_ranges_test.exs: Range requests (couch_httpd_db / chttpd_db send ranges)', () => {
  it('a range that covers the whole body is still 206; open-ended, repeated, malformed or too many ranges are 200', async () => {
    const created = await request(server, '/db/ranged', {
      method: 'PUT',
      json: { _attachments: { 'foo.txt': { content_type: 'application/octet-stream', data: 'VGhpcyBpcyBhIGJhc2U2NCBlbmNvZGVkIHRleHQ=' } } },
    });
    expect(created.status).toBe(201);
    await created.arrayBuffer();
    const whole = await request(server, '/db/ranged/foo.txt', { headers: { range: 'bytes=0-28' } });
    expect(whole.status).toBe(206);
    expect(whole.headers.get('content-range')).toBe('bytes 0-28/29');
    expect(await whole.text()).toBe('This is a base64 encoded text');
    for (const range of ['bytes=0-', 'bytes=0-,0-,0-', 'bytes:0-', `bytes=${Array(10).fill('0-1').join(',')}`]) {
      const res = await request(server, '/db/ranged/foo.txt', { headers: { range } });
      expect(res.status, range).toBe(200);
      expect(res.headers.get('content-range'), range).toBeNull();
      expect(await res.text(), range).toBe('This is a base64 encoded text');
    }
  });
});

describe('uuids_test.exs: cache busting on /_uuids (chttpd_misc handle_uuids_req)', () => {
  it('sends no-cache, Pragma and an ETag; 1001 uuids is too many', async () => {
    const res = await request(server, '/_uuids');
    expect(res.headers.get('cache-control')).toMatch(/no-cache/);
    expect(res.headers.get('pragma')).toBe('no-cache');
    expect(res.headers.get('etag')?.length).toBeGreaterThan(0);
    await res.arrayBuffer();
    const tooMany = await request(server, '/_uuids?count=1001');
    expect(tooMany.status).toBe(400);
    await tooMany.arrayBuffer();
  });
});

describe('conflicts_test.exs: new_edits=false over revisions already stored (COUCHDB-1178)', () => {
  it("computes CouchDB's own revision ids, so replaying them with new_edits=false changes nothing", async () => {
    await (await request(server, '/db/_design/couchdb-1178', { method: 'PUT', json: { validate_doc_update: 'function(){}' } })).arrayBuffer();
    // The ids CouchDB 3 gives these bodies, one edit after the other.
    const r1 = { _id: 'doc1178', val: 'r1', _rev: '1-47f3268e7546965196b57572099f4372' };
    const r2 = { _id: 'doc1178', val: 'r2', _rev: '2-1d8171ab3a91475cfece749291e6f897' };
    const r3 = { _id: 'doc1178', val: 'r3', _rev: '3-3fb0a342d2ce092fdcc77856dbe8a2ef' };
    for (const body of [{ _id: 'doc1178', val: 'r0' }, r1, r2]) {
      const res = await request(server, '/db/doc1178', { method: 'PUT', json: body });
      expect(res.status).toBe(201);
      await res.arrayBuffer();
    }
    const doc = await (await request(server, '/db/doc1178?revs=true')).json();
    expect(doc).toStrictEqual({
      _id: 'doc1178',
      _rev: r3._rev,
      _revisions: { start: 3, ids: [r3, r2, r1].map((r) => r._rev.slice(2)) },
      val: 'r2',
    });
    const replay = await request(server, '/db/_bulk_docs', { method: 'POST', json: { docs: [r3, r2, r1], new_edits: false } });
    expect(await replay.json()).toStrictEqual([]);
  });
});

describe('recreate_doc_test.exs: reinserting an old revision (COUCHDB-1265)', () => {
  it('keeps one change per document after an old revision is put back with new_edits=false', async () => {
    await (await request(server, '/recreate', { method: 'PUT' })).arrayBuffer();
    const revs: string[] = [];
    let body: Record<string, unknown> = { count: 0 };
    for (let count = 0; count < 3; count += 1) {
      const res = (await (await request(server, '/recreate/a', { method: 'PUT', json: body })).json()) as { rev: string };
      revs.push(res.rev);
      body = { _rev: res.rev, count: count + 1 };
    }
    const old = await request(server, '/recreate/a?new_edits=false', { method: 'PUT', json: { _rev: revs[0], count: 0 } });
    expect(old.status).toBe(201);
    await old.arrayBuffer();
    const next = await request(server, '/recreate/a', { method: 'PUT', json: { _rev: revs[2], count: 3 } });
    expect(next.status).toBe(201);
    await next.arrayBuffer();
    const changes = (await (await request(server, '/recreate/_changes')).json()) as { results: unknown[] };
    expect(changes.results).toHaveLength(1);
  });
});
