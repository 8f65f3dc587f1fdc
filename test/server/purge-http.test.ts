// POST /{db}/_purge on settee-server, as chttpd_db answers it (apache/couchdb 3.4, and its chttpd_purge_tests.erl):
// 201 with `purge_seq: null`, and the request's checks as 400 bad_request on the wire. The engine's own answers are
// in packages/engine/src/database/purge.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, startServer } from './start.js';

let server: Awaited<ReturnType<typeof startServer>>;

async function purge(body: unknown): Promise<{ status: number; body: unknown }> {
  const res = await request(server, '/db/_purge', { method: 'POST', json: body });
  return { status: res.status, body: await res.json() };
}

beforeAll(async () => {
  server = await startServer();
  expect((await request(server, '/db', { method: 'PUT' })).status).toBe(201);
});

afterAll(() => server.closeAll());

describe('POST /{db}/_purge', () => {
  it('answers 201 with purge_seq null and the purged revisions', async () => {
    const written = (await (await request(server, '/db/doc', { method: 'PUT', json: { a: 1 } })).json()) as { rev: string };
    expect(await purge({ doc: [written.rev], nothing: [written.rev] })).toStrictEqual({
      status: 201,
      body: { purge_seq: null, purged: { doc: [written.rev], nothing: [] } },
    });
  });

  it('refuses what chttpd_db refuses, with its reasons', async () => {
    const bad = (reason: string) => ({ status: 400, body: { error: 'bad_request', reason } });
    expect(await purge([])).toStrictEqual(bad('Request body must be a JSON object'));
    expect(await purge({ doc: '1-967a00dff5e02add41819138abb3284d' })).toStrictEqual(bad('Invalid list of revisions'));
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`d${i}`, ['1-967a00dff5e02add41819138abb3284d']]));
    expect(await purge(many)).toStrictEqual(bad('Exceeded maximum number of documents.'));
    const revs = Array.from({ length: 1001 }, (_, i) => `1-${i.toString(16).padStart(32, '0')}`);
    expect(await purge({ doc: revs })).toStrictEqual(bad('Exceeded maximum number of revisions.'));
  });
});
