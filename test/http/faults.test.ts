// Fault injection between @settee/http and a real server (the run's pouchdb-server, or COUCHDB_URL): connections
// reset, answers cut midway or stalled. Proves retries of idempotent requests, typed errors for the rest, and that
// the live changes feed resumes from the last seq it saw without losing or repeating a change.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { InvalidResponseError, NetworkError, RequestTimeoutError, createHttpAdapter, type HttpServer } from '@settee/http';
import type { ChangesRow } from '@settee/core';
import { FaultProxy } from './fault-proxy.js';

const target = process.env['COUCHDB_URL'] || inject('pouchdbServerUrl');
const FAST = { limit: 2, baseDelay: 5, maxDelay: 20 };

async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe.skipIf(!target)('fault injection through a TCP proxy', () => {
  let proxy: FaultProxy;
  let direct: HttpServer;
  const opened: HttpServer[] = [];
  const dbName = `fault_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`;
  const feedDb = `${dbName}_feed`;
  const SEEDS = Array.from({ length: 20 }, (_, i) => `seed${String(i).padStart(2, '0')}`);

  /** A fresh adapter through the proxy, so its first request opens a new (scripted) connection. */
  function viaProxy(options: { timeout?: number; retry?: typeof FAST | false } = {}): HttpServer {
    const server = createHttpAdapter({ url: proxy.url, retry: FAST, feed: { reconnectDelay: 5, maxReconnectDelay: 50 }, ...options });
    opened.push(server);
    return server;
  }

  beforeAll(async () => {
    proxy = await FaultProxy.start(target);
    direct = createHttpAdapter({ url: target });
    await direct.createDb(dbName);
    // Two databases with the same 20 seeds: the feed test's own, so that other tests' writes stay out of its feed.
    for (const name of [dbName, feedDb]) {
      if (name === feedDb) await direct.createDb(feedDb);
      await direct.db(name).bulkDocs(SEEDS.map((_id) => ({ _id, pad: 'x'.repeat(200) })));
    }
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((server) => server.close()));
  });

  afterAll(async () => {
    await direct.deleteDb(dbName).catch(() => undefined);
    await direct.deleteDb(feedDb).catch(() => undefined);
    await direct.close();
    await proxy.close();
  });

  it('retries a GET whose connection is reset, on a new connection', async () => {
    const server = viaProxy();
    proxy.inject({ kind: 'reset' }, { kind: 'reset' });
    const before = proxy.connections;
    expect((await server.db(dbName).info()).db_name).toBe(dbName);
    expect(proxy.connections - before).toBe(3);
  });

  it('gives up with NetworkError once the retries are spent', async () => {
    const server = viaProxy({ retry: { limit: 1, baseDelay: 5, maxDelay: 5 } });
    proxy.inject({ kind: 'reset' }, { kind: 'reset' });
    await expect(server.db(dbName).info()).rejects.toBeInstanceOf(NetworkError);
  });

  it('retries a read whose body is cut midway, and answers the whole body', async () => {
    const server = viaProxy();
    proxy.inject({ kind: 'cut', bytes: 400 });
    const answer = await server.db(dbName).allDocs({ include_docs: true });
    expect(answer.rows).toHaveLength(20);
  });

  it('does not retry a write whose answer is cut: the caller gets a typed error', async () => {
    const server = viaProxy({ retry: FAST });
    proxy.inject({ kind: 'cut', bytes: 20 });
    const before = proxy.connections;
    const error = await server
      .db(dbName)
      .put({ _id: `cutwrite${Date.now()}` })
      .catch((e: unknown) => e);
    expect(error instanceof InvalidResponseError || error instanceof NetworkError).toBe(true);
    expect(proxy.connections - before).toBe(1);
  });

  it('times out a stalled answer with RequestTimeoutError', async () => {
    const server = viaProxy({ timeout: 150, retry: false });
    proxy.inject({ kind: 'stall', ms: Infinity });
    const started = Date.now();
    await expect(server.db(dbName).info()).rejects.toBeInstanceOf(RequestTimeoutError);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('waits out a slow answer that comes within the timeout', async () => {
    const server = viaProxy({ timeout: 2000 });
    proxy.inject({ kind: 'stall', ms: 100 });
    expect((await server.db(dbName).info()).db_name).toBe(dbName);
  });

  it('live feed: resumes after a cut mid-line and after dropped connections, each change exactly once, in order', async () => {
    const server = viaProxy();
    // The first feed connection dies inside the seed rows (past the HTTP headers, mid-JSON line).
    proxy.inject({ kind: 'cut', bytes: 900 });
    const seen: ChangesRow[] = [];
    const failures: unknown[] = [];
    const subscription = server
      .db(feedDb)
      .liveChanges({ since: 0 })
      .subscribe({ next: (row) => seen.push(row), error: (e: unknown) => failures.push(e) });
    try {
      await waitFor(() => seen.length >= 20, 'the 20 seeded changes');
      const connectionsBefore = proxy.connections;
      const db = direct.db(feedDb);
      await db.put({ _id: 'later1' });
      await waitFor(() => seen.length >= 21, 'later1');
      proxy.dropAll();
      await db.put({ _id: 'later2' });
      await db.put({ _id: 'later3' });
      await waitFor(() => seen.length >= 23, 'later2 and later3 after the drop');
      proxy.dropAll();
      await db.put({ _id: 'later4' });
      await waitFor(() => seen.length >= 24, 'later4 after the second drop');
      expect(proxy.connections).toBeGreaterThan(connectionsBefore);
      const ids = seen.map((row) => row.id);
      const expected = [...SEEDS, 'later1', 'later2', 'later3', 'later4'];
      expect(ids).toStrictEqual(expected);
      expect(failures).toStrictEqual([]);
    } finally {
      subscription.unsubscribe();
    }
  });

  it('live feed: drops a connection that stays silent for three heartbeats and resumes on a new one', async () => {
    const server = createHttpAdapter({
      url: proxy.url,
      retry: FAST,
      feed: { heartbeat: 60, reconnectDelay: 5, maxReconnectDelay: 20 },
    });
    opened.push(server);
    // The first feed connection never answers at all; the second works.
    proxy.inject({ kind: 'stall', ms: Infinity });
    const before = proxy.connections;
    const seen: ChangesRow[] = [];
    const subscription = server.db(feedDb).liveChanges({ since: 0 }).subscribe((row) => seen.push(row));
    try {
      await waitFor(() => seen.length >= SEEDS.length, 'the seeds after the silent connection was dropped');
      expect(seen.slice(0, SEEDS.length).map((row) => row.id)).toStrictEqual(SEEDS);
      expect(proxy.connections - before).toBeGreaterThanOrEqual(2);
    } finally {
      subscription.unsubscribe();
    }
  });

  it('aborting a request through its signal rejects at once with the reason', async () => {
    const server = viaProxy({ retry: false });
    proxy.inject({ kind: 'stall', ms: Infinity });
    const controller = new AbortController();
    const pending = server.db(dbName).info({ signal: controller.signal });
    setTimeout(() => controller.abort(new Error('caller gave up')), 50);
    await expect(pending).rejects.toThrow('caller gave up');
  });

  it('live feed: unsubscribing aborts the request (its connection closes)', async () => {
    const server = viaProxy();
    const seen: ChangesRow[] = [];
    const subscription = server.db(dbName).liveChanges({ since: 'now' }).subscribe((row) => seen.push(row));
    await waitFor(() => proxy.openConnections > 0, 'the feed connection');
    // Let the feed request go out (after the since=now lookup, possibly on the same keep-alive socket).
    await new Promise((r) => setTimeout(r, 200));
    const peak = proxy.openConnections;
    subscription.unsubscribe();
    await waitFor(() => proxy.openConnections < peak, 'the feed connection to close');
    await direct.db(dbName).put({ _id: `after-unsubscribe-${Date.now()}` });
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).toStrictEqual([]);
  });

  it('close() ends live feeds and releases every connection', async () => {
    const server = viaProxy();
    const events: string[] = [];
    server
      .db(dbName)
      .liveChanges({ since: 'now' })
      .subscribe({ next: () => events.push('next'), error: () => events.push('error'), complete: () => events.push('complete') });
    await waitFor(() => proxy.openConnections > 0, 'the feed connection');
    await new Promise((r) => setTimeout(r, 200));
    await server.close();
    await waitFor(() => proxy.openConnections === 0, 'all connections to close');
    await waitFor(() => events.length > 0, 'the feed to complete');
    expect(events).toStrictEqual(['complete']);
  });
});
