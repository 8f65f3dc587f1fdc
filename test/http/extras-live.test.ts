// HTTP-only features against the run's real server (pouchdb-server, or COUCHDB_URL): the Node transport used as a
// plain fetch, HEAD, If-None-Match, COPY, views, Mango and attachments with "/" in their names.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { ChangesRow } from '@settee/core';
import { createHttpAdapter, createNodeFetch, type HttpDatabase, type HttpServer } from '@settee/http';
import { createHttpAdapter as createFetchAdapter } from '@settee/http/fetch';

const target = process.env['COUCHDB_URL'] || inject('pouchdbServerUrl');

describe.skipIf(!target)('HTTP extras against a live server', () => {
  let server: HttpServer;
  let db: HttpDatabase;
  /** CouchDB's ETag is the revision; pouchdb-server (express) sends a weak hash of the body instead. */
  let etagIsRev = true;
  const name = `extras_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`;

  beforeAll(async () => {
    server = createHttpAdapter({ url: target });
    etagIsRev = (await server.info()).couchdb === 'Welcome';
    await server.createDb(name);
    db = server.db(name);
  });

  afterAll(async () => {
    await server.deleteDb(name).catch(() => undefined);
    await server.close();
  });

  it('createNodeFetch works as a plain fetch: JSON in and out, status, headers', async () => {
    const fetch = createNodeFetch();
    try {
      const put = await fetch(`${target}${name}/plain`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ via: 'plain fetch', n: 'ü' }),
      });
      expect(put.status).toBe(201);
      const written = (await put.json()) as { rev: string };
      const got = await fetch(`${target}${name}/plain`, { headers: { accept: 'application/json' } });
      expect(got.headers.get('content-type')).toMatch(/application\/json/);
      expect(await got.json()).toStrictEqual({ _id: 'plain', _rev: written.rev, via: 'plain fetch', n: 'ü' });
    } finally {
      fetch.close();
    }
  });

  it('head tells present from missing; getIfNoneMatch answers 304 for the current ETag', async () => {
    const { rev } = await db.put({ _id: 'h', v: 1 });
    const current = await db.head('h');
    expect(current).toBeDefined();
    if (etagIsRev) expect(current).toBe(rev);
    expect(await db.head('nope')).toBeUndefined();
    const first = await db.getIfNoneMatch('h', '"0-stale"');
    expect(first.modified).toBe(true);
    if (!first.modified) throw new Error('unreachable');
    expect(first.doc).toStrictEqual({ _id: 'h', _rev: rev, v: 1 });
    const again = await db.getIfNoneMatch('h', first.etag ?? '');
    expect(again.modified).toBe(false);
  });

  it('copy duplicates a document under a new id', async () => {
    await db.put({ _id: 'orig', v: 'copied' });
    const copied = await db.copy('orig', 'dup');
    // CouchDB answers { ok, id, rev }; pouchdb-server only { ok }.
    expect(copied).toMatchObject({ ok: true });
    expect(await db.get('dup')).toMatchObject({ _id: 'dup', v: 'copied' });
  });

  it('views: map with a range, keys by POST', async () => {
    await db.bulkDocs([
      { _id: 'a', type: 'x', n: 1 },
      { _id: 'b', type: 'y', n: 2 },
      { _id: 'c', type: 'x', n: 3 },
    ]);
    await db.put({ _id: '_design/app', views: { by_type: { map: 'function (doc) { if (doc.type) emit([doc.type, doc.n], null); }' } } });
    const xs = await db.query<[string, number], null>('app', 'by_type', { startkey: ['x'], endkey: ['x', {}] });
    expect(xs.rows.map((row) => row.id)).toStrictEqual(['a', 'c']);
    const byKeys = await db.query('app', 'by_type', { keys: [['y', 2]] });
    expect(byKeys.rows.map((row) => row.id)).toStrictEqual(['b']);
  });

  it('find with an index', async () => {
    await db.createIndex({ index: { fields: ['n'] }, ddoc: 'by-n', name: 'n' });
    const found = await db.find({ selector: { n: { $gt: 1, $lt: 100 } }, fields: ['_id', 'n'], sort: [{ n: 'asc' }] });
    expect(found.docs).toStrictEqual([
      { _id: 'b', n: 2 },
      { _id: 'c', n: 3 },
    ]);
  });

  it('attachments: binary bytes round-trip raw, names with "/" and unicode', async () => {
    const bytes = new Uint8Array(256).map((_, i) => i);
    const { rev } = await db.putAttachment('att', 'dir/sub ü.bin', bytes, 'application/octet-stream');
    const got = await db.getAttachment('att', 'dir/sub ü.bin');
    expect(Array.from(got.data)).toStrictEqual(Array.from(bytes));
    expect(got).toMatchObject({ content_type: 'application/octet-stream', length: 256 });
    expect(got.digest).toMatch(/^md5-[A-Za-z0-9+/]{22}==$/);
    const doc = await db.get('att', { rev });
    expect(Object.keys(doc._attachments ?? {})).toStrictEqual(['dir/sub ü.bin']);
  });

  it('the fetch entry (browser path, global fetch) reads documents and follows a live feed', async () => {
    const viaFetch = createFetchAdapter({ url: target });
    const seen: ChangesRow[] = [];
    try {
      const handle = viaFetch.db(name);
      expect((await handle.get('a'))._id).toBe('a');
      const subscription = handle.liveChanges({ since: 'now' }).subscribe((row) => seen.push(row));
      await new Promise((r) => setTimeout(r, 150));
      await db.put({ _id: 'live-fetch' });
      const deadline = Date.now() + 5000;
      while (seen.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      subscription.unsubscribe();
      expect(seen.map((row) => row.id)).toStrictEqual(['live-fetch']);
    } finally {
      await viaFetch.close();
    }
  });
});
