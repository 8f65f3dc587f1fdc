import { describe, expect, it } from 'vitest';
import { NotFoundError } from '@settee/core';
import { fakeFetch } from './fake-server.test-helper.js';
import { createHttpAdapter } from './index.js';

function setup() {
  const fake = fakeFetch();
  const server = createHttpAdapter({ url: 'http://127.0.0.1:5984', fetch: fake.fetch, retry: false });
  return { fake, db: server.db('db') };
}

describe('views and design functions over HTTP', () => {
  it('query: GET _view with JSON keys, POST {keys}; update=false as a string', async () => {
    const { fake, db } = setup();
    fake.reply({ status: 200, body: { total_rows: 0, offset: 0, rows: [] } }, { status: 200, body: { rows: [] } });
    await db.query('app', 'by_year', { startkey: [2023], endkey: [2023, {}], update: false, limit: 2 });
    await db.query('_design/app', 'by_year', { keys: [2023, 2024], group: true });
    expect(fake.seen[0]!.method).toBe('GET');
    const url = new URL(`http://x${fake.seen[0]!.target}`);
    expect(url.pathname).toBe('/db/_design/app/_view/by_year');
    expect(Object.fromEntries(url.searchParams)).toEqual({ startkey: '[2023]', endkey: '[2023,{}]', update: 'false', limit: '2' });
    expect([fake.seen[1]!.method, fake.seen[1]!.target, JSON.parse(fake.seen[1]!.body)]).toEqual(['POST', '/db/_design/app/_view/by_year?group=true', { keys: [2023, 2024] }]);
  });

  it('show, list and update answer status, headers and bytes, whatever status the function chose', async () => {
    const { fake, db } = setup();
    fake.reply(
      { status: 418, body: { teapot: true } },
      { status: 200, raw: '<li>a</li>', headers: { 'content-type': 'text/html; charset=utf-8' } },
      { status: 201, raw: 'created', headers: { 'content-type': 'text/html', 'x-couch-id': 'n', 'x-couch-update-newrev': '1-a' } },
    );
    const shown = await db.show('app', 'coded', 'doc/1', { query: { a: 'b' } });
    expect([shown.status, shown.headers['Content-Type'], new TextDecoder().decode(shown.body)]).toEqual([418, 'application/json', '{"teapot":true}']);
    expect([fake.seen[0]!.method, fake.seen[0]!.target]).toEqual(['GET', '/db/_design/app/_show/coded/doc%2F1?a=b']);
    const listed = await db.list('app', 'html', 'other/titles', { descending: true });
    expect(new TextDecoder().decode(listed.body)).toBe('<li>a</li>');
    expect(fake.seen[1]!.target).toBe('/db/_design/app/_list/html/other/titles?descending=true');
    const updated = await db.update('app', 'stamp', 'n', { body: 'raw', headers: { 'Content-Type': 'text/plain' } });
    expect([updated.status, updated.headers['X-Couch-Id'], updated.headers['X-Couch-Update-Newrev']]).toEqual([201, 'n', '1-a']);
    expect([fake.seen[2]!.method, fake.seen[2]!.body, fake.seen[2]!.headers['content-type']]).toEqual(['PUT', 'raw', 'text/plain']);
  });

  it("design functions get the caller's Accept, or */* (what fetch, curl and browsers send), never the JSON default", async () => {
    const { fake, db } = setup();
    fake.reply({ status: 200, raw: 'x' }, { status: 200, raw: 'y' }, { status: 200, raw: 'z' });
    await db.show('app', 'echo');
    await db.list('app', 'html', 'titles', {}, { headers: { Accept: 'text/html' } });
    await db.update('app', 'stamp', undefined, { body: 'b', headers: { 'X-Any': '1' } });
    expect(fake.seen.map((seen) => seen.headers['accept'])).toEqual(['*/*', 'text/html', '*/*']);
  });

  it("CouchDB's own errors (an {error, reason} body) reject with the typed error", async () => {
    const { fake, db } = setup();
    fake.reply({ status: 404, body: { error: 'not_found', reason: 'missing json key: nope' } }, { status: 500, body: { error: 'render_error', reason: 'boom' } });
    await expect(db.show('app', 'nope')).rejects.toBeInstanceOf(NotFoundError);
    await expect(db.update('app', 'x')).rejects.toMatchObject({ status: 500, error: 'render_error' });
  });

  it('does not send userCtx as a query parameter or body member', async () => {
    const { fake, db } = setup();
    fake.reply({ status: 201, body: { ok: true, id: 'a', rev: '1-a' } }, { status: 201, body: [] });
    await db.put({ _id: 'a' }, { userCtx: { name: 'x', roles: [] } });
    await db.bulkDocs([{ _id: 'b' }], { userCtx: { name: 'x', roles: [] } });
    expect(fake.seen[0]!.target).toBe('/db/a');
    expect(JSON.parse(fake.seen[1]!.body)).toEqual({ docs: [{ _id: 'b' }] });
  });
});
