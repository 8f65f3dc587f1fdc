// POST /db/{docid} with an HTML form, as CouchDB's chttpd_db takes it (form_submit_test.exs): the Referer must name
// this server, only multipart/form-data is accepted, and the form's files become attachments of the revision it
// names (_rev) or of the document it carries (_doc).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, startServer } from './start.js';

let server: Awaited<ReturnType<typeof startServer>>;

beforeAll(async () => {
  server = await startServer();
  await (await request(server, '/forms', { method: 'PUT' })).arrayBuffer();
});

afterAll(async () => {
  await server.closeAll();
});

const BOUNDARY = 'form-boundary-1';

/** A multipart/form-data body: text fields, then files. */
function form(fields: Record<string, string>, files: Array<{ name: string; type: string; content: string }> = []): Buffer {
  const parts = Object.entries(fields).map(([name, value]) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
  for (const file of files) {
    parts.push(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="_attachments"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n${file.content}\r\n`);
  }
  return Buffer.from(`${parts.join('')}--${BOUNDARY}--\r\n`);
}

function post(path: string, body: Buffer | string, headers: Record<string, string>): Promise<Response> {
  return request(server, path, { method: 'POST', body, headers });
}

describe('form uploads to a document', () => {
  it('refuses a form without a Referer of this server, then any other Content-Type with 415', async () => {
    const urlencoded = { 'content-type': 'application/x-www-form-urlencoded' };
    const none = await post('/forms/baz', 'a=1', urlencoded);
    expect([none.status, await none.json()]).toStrictEqual([400, { error: 'bad_request', reason: 'Referer header required.' }]);
    const foreign = await post('/forms/baz', 'a=1', { ...urlencoded, referer: 'http://evil.example/page' });
    expect([foreign.status, await foreign.json()]).toStrictEqual([400, { error: 'bad_request', reason: 'Referer header must match host.' }]);
    const wrongType = await post('/forms/baz', 'a=1', { ...urlencoded, referer: `${server.url}/_utils/` });
    expect([wrongType.status, await wrongType.json()]).toStrictEqual([415, { error: 'bad_content_type', reason: 'Content-Type must be multipart/form-data' }]);
  });

  it('adds the form files to the revision _rev names, keeping the other attachments', async () => {
    const put = await request(server, '/forms/withfiles', {
      method: 'PUT',
      json: { v: 1, _attachments: { 'old.txt': { content_type: 'text/plain', data: Buffer.from('old').toString('base64') } } },
    });
    const { rev } = (await put.json()) as { rev: string };
    const headers = { 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, referer: `${server.url}/_utils/` };
    const body = form({ _rev: rev }, [{ name: 'new.txt', type: 'text/plain', content: 'hello form' }, { name: '', type: 'application/octet-stream', content: '' }]);
    const res = await post('/forms/withfiles', body, headers);
    expect(res.status).toBe(201);
    const written = (await res.json()) as { ok: boolean; id: string; rev: string };
    expect(written).toMatchObject({ ok: true, id: 'withfiles' });
    expect(res.headers.get('etag')).toBe(`"${written.rev}"`);
    const doc = (await (await request(server, '/forms/withfiles')).json()) as { v: number; _attachments: Record<string, unknown> };
    expect(doc.v).toBe(1);
    expect(Object.keys(doc._attachments).sort()).toStrictEqual(['new.txt', 'old.txt']);
    expect(await (await request(server, '/forms/withfiles/new.txt')).text()).toBe('hello form');
    // A stale _rev conflicts, as any write would.
    const stale = await post('/forms/withfiles', body, headers);
    expect(stale.status).toBe(409);
    await stale.arrayBuffer();
  });

  it('writes the document a _doc field carries, with the files', async () => {
    const headers = { 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, referer: `${server.url}/page` };
    const res = await post('/forms/fromdoc', form({ _doc: JSON.stringify({ title: 'made by a form' }) }, [{ name: 'a.bin', type: 'application/octet-stream', content: 'abc' }]), headers);
    expect(res.status).toBe(201);
    await res.arrayBuffer();
    const doc = (await (await request(server, '/forms/fromdoc')).json()) as { title: string; _attachments: Record<string, { length: number }> };
    expect(doc.title).toBe('made by a form');
    expect(doc._attachments['a.bin']?.length).toBe(3);
  });
});
