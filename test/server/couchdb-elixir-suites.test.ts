// HTTP behaviour checked against CouchDB 3.4's own Elixir suites (test/elixir/test/*.exs in apache/couchdb) where
// settee-server answered differently: each test names the suite and the CouchDB source that sets the rule.
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
