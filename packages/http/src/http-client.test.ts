import { inspect } from 'node:util';
import { ConflictError, NotFoundError, ServiceUnavailableError, UnauthorizedError } from '@settee/core';
import { describe, expect, it } from 'vitest';
import { fakeFetch } from './fake-server.test-helper.js';
import { InvalidResponseError, NetworkError, RequestTimeoutError } from './http-errors.js';
import { createHttpAdapter } from './index.js';
import type { HttpAdapterOptions } from './options.js';

const FAST_RETRY = { limit: 2, baseDelay: 1, maxDelay: 2 };

function adapter(options: Partial<HttpAdapterOptions> = {}) {
  const fake = fakeFetch();
  const server = createHttpAdapter({ url: 'http://127.0.0.1:5984', fetch: fake.fetch, retry: FAST_RETRY, ...options });
  return { fake, server, db: server.db('db') };
}

describe('errors', () => {
  it('maps CouchDB error bodies to typed errors with the exact error and reason', async () => {
    const { db, fake } = adapter();
    fake.reply({ status: 409, body: { error: 'conflict', reason: 'Document update conflict.' } });
    const error = await db.put({ _id: 'a' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ status: 409, error: 'conflict', reason: 'Document update conflict.' });
  });

  it('gives a HEAD-like answer without body a typed error from its status', async () => {
    const { db, fake } = adapter();
    fake.reply({ status: 404, raw: '' });
    await expect(db.get('x')).rejects.toMatchObject({ constructor: NotFoundError, status: 404, error: 'not_found' });
  });

  it('names a non-JSON success body in an InvalidResponseError', async () => {
    const { db, fake } = adapter();
    fake.reply({ status: 200, raw: '<html>proxy page</html>', headers: { 'content-type': 'text/html' } });
    const error = await db.info().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(String((error as Error).message)).toContain('expected JSON, got "<html>proxy page</html>"');
  });

  it('keeps the status class of a non-JSON error page from a proxy', async () => {
    const { db, fake } = adapter({ retry: false });
    fake.reply({ status: 503, raw: '<h1>down</h1>', headers: { 'content-type': 'text/html' } });
    await expect(db.info()).rejects.toBeInstanceOf(ServiceUnavailableError);
  });
});

describe('retries', () => {
  it('retries an idempotent GET after 503 and a network error, then answers', async () => {
    const { db, fake } = adapter();
    fake.reply({ status: 503, body: { error: 'unavailable', reason: 'x' } }, new TypeError('fetch failed'), {
      status: 200,
      body: { db_name: 'db' },
    });
    expect(await db.info()).toStrictEqual({ db_name: 'db' });
    expect(fake.seen).toHaveLength(3);
  });

  it('gives up after the limit with the last error', async () => {
    const { db, fake } = adapter();
    fake.reply(new TypeError('fetch failed'), new TypeError('fetch failed'), new TypeError('fetch failed'));
    await expect(db.info()).rejects.toBeInstanceOf(NetworkError);
    expect(fake.seen).toHaveLength(3);
  });

  it('retries 429 and read-only POSTs, never writes', async () => {
    const { db, fake } = adapter();
    fake.reply({ status: 429, body: { error: 'too_many_requests', reason: 'slow down' } }, { status: 200, body: { rows: [] } });
    await db.allDocs({ keys: ['a'] });
    expect(fake.seen.map((r) => r.method)).toStrictEqual(['POST', 'POST']);

    fake.seen.length = 0;
    fake.reply({ status: 503, body: { error: 'unavailable', reason: 'x' } });
    await expect(db.post({ a: 1 })).rejects.toBeInstanceOf(ServiceUnavailableError);
    fake.reply(new TypeError('fetch failed'));
    await expect(db.put({ _id: 'a' })).rejects.toBeInstanceOf(NetworkError);
    expect(fake.seen).toHaveLength(2);
  });

  it('does not retry 4xx answers', async () => {
    const { db, fake } = adapter();
    fake.reply({ status: 404, body: { error: 'not_found', reason: 'missing' } });
    await expect(db.get('a')).rejects.toBeInstanceOf(NotFoundError);
    expect(fake.seen).toHaveLength(1);
  });
});

describe('timeouts and abort', () => {
  const hanging = (async (input: Request) =>
    new Promise((_, reject) => {
      if (input.signal.aborted) reject(input.signal.reason);
      input.signal.addEventListener('abort', () => reject(input.signal.reason));
    })) as unknown as typeof globalThis.fetch;

  it('rejects with RequestTimeoutError after `timeout` ms', async () => {
    const server = createHttpAdapter({ url: 'http://127.0.0.1:1', fetch: hanging, timeout: 30, retry: false });
    const started = Date.now();
    await expect(server.info()).rejects.toBeInstanceOf(RequestTimeoutError);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('a per-call timeout overrides the adapter timeout', async () => {
    const server = createHttpAdapter({ url: 'http://127.0.0.1:1', fetch: hanging, timeout: 60_000, retry: false });
    const started = Date.now();
    await expect(server.db('db').get('x', {}, { timeout: 20 })).rejects.toBeInstanceOf(RequestTimeoutError);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('rejects with the signal reason when the caller aborts, and sends nothing when already aborted', async () => {
    const server = createHttpAdapter({ url: 'http://127.0.0.1:1', fetch: hanging, retry: false });
    const controller = new AbortController();
    const pending = server.db('db').get('x', {}, { signal: controller.signal });
    controller.abort(new Error('user gave up'));
    await expect(pending).rejects.toThrow('user gave up');
    await expect(server.info({ signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('auth and redaction', () => {
  it('sends URL user info as Basic auth and never puts it in the URL', async () => {
    const fake = fakeFetch({ status: 200, body: {} });
    const server = createHttpAdapter({ url: 'http://admin:s%40cret@127.0.0.1:5984/', fetch: fake.fetch });
    await server.info();
    expect(fake.seen[0]?.headers['authorization']).toBe(`Basic ${Buffer.from('admin:s@cret').toString('base64')}`);
    expect(fake.seen[0]?.target).toBe('/');
  });

  it('basic auth from options encodes UTF-8; JWT sends a bearer token, asked per request when a function', async () => {
    const fake = fakeFetch({ status: 200, body: {} });
    await createHttpAdapter({ url: 'http://h:1', fetch: fake.fetch, auth: { type: 'basic', username: 'jö', password: 'p' } }).info();
    expect(fake.seen[0]?.headers['authorization']).toBe(`Basic ${Buffer.from('jö:p', 'utf8').toString('base64')}`);
    let n = 0;
    const jwt = createHttpAdapter({ url: 'http://h:1', fetch: fake.fetch, auth: { type: 'jwt', token: () => `t${++n}` } });
    await jwt.info();
    await jwt.info();
    expect(fake.seen.slice(1).map((r) => r.headers['authorization'])).toStrictEqual(['Bearer t1', 'Bearer t2']);
  });

  it('custom headers go with every request', async () => {
    const fake = fakeFetch({ status: 200, body: {} });
    await createHttpAdapter({ url: 'http://h:1', fetch: fake.fetch, headers: { 'x-trace': 'abc' } }).info();
    expect(fake.seen[0]?.headers['x-trace']).toBe('abc');
  });

  it('session auth: logs in once, sends the cookie, renews once on 401, logs out on close', async () => {
    const fake = fakeFetch();
    const login = (value: string) => ({
      status: 200,
      body: { ok: true, name: 'u', roles: [] },
      headers: { 'set-cookie': `AuthSession=${value}; Version=1; Path=/; HttpOnly` },
    });
    const server = createHttpAdapter({ url: 'http://u:pw@h:1', fetch: fake.fetch, auth: { type: 'session' } });
    fake.reply(login('c1'), { status: 200, body: { a: 1 } }, { status: 200, body: { a: 2 } });
    await Promise.all([server.info(), server.info()]);
    expect(fake.seen.map((r) => `${r.method} ${r.target}`)).toStrictEqual(['POST /_session', 'GET /', 'GET /']);
    expect(JSON.parse(fake.seen[0]?.body ?? '')).toStrictEqual({ name: 'u', password: 'pw' });
    expect(fake.seen[1]?.headers['cookie']).toBe('AuthSession=c1');
    expect(fake.seen[1]?.headers['authorization']).toBeUndefined();

    fake.reply({ status: 401, body: { error: 'unauthorized', reason: 'expired' } }, login('c2'), { status: 200, body: {} });
    await server.info();
    expect(fake.seen.slice(3).map((r) => `${r.method} ${r.target} ${r.headers['cookie'] ?? ''}`)).toStrictEqual([
      'GET / AuthSession=c1',
      'POST /_session ',
      'GET / AuthSession=c2',
    ]);

    // A second 401 right after renewing is the answer, not a loop.
    fake.reply({ status: 401, body: { error: 'unauthorized', reason: 'no' } }, login('c3'), {
      status: 401,
      body: { error: 'unauthorized', reason: 'still no' },
    });
    await expect(server.info()).rejects.toBeInstanceOf(UnauthorizedError);

    fake.reply({ status: 200, body: { ok: true } });
    await server.close();
    expect(fake.seen.at(-1)).toMatchObject({ method: 'DELETE', target: '/_session', headers: { cookie: 'AuthSession=c3' } });
  });

  it('a failed login rejects with CouchDB error and no password in it', async () => {
    const fake = fakeFetch({ status: 401, body: { error: 'unauthorized', reason: 'Name or password is incorrect.' } });
    const server = createHttpAdapter({ url: 'http://h:1', fetch: fake.fetch, auth: { type: 'session', username: 'u', password: 'hunter2' } });
    const error = (await server.info().catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(`${error} ${error.stack ?? ''} ${inspect(error)}`).not.toContain('hunter2');
  });

  it('shows only the redacted URL in toString, inspect, JSON and network errors', async () => {
    const failing = (async () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    }) as unknown as typeof globalThis.fetch;
    const server = createHttpAdapter({ url: 'http://admin:hunter2@db.example:5984', fetch: failing, retry: false });
    expect(String(server)).toBe('HttpServer(http://***@db.example:5984/)');
    expect(inspect(server)).not.toContain('hunter2');
    expect(JSON.stringify(server)).not.toContain('hunter2');
    const error = (await server.info().catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.message).toBe('network_error: GET http://***@db.example:5984/ failed: fetch failed (ECONNREFUSED)');
    expect(inspect(error)).not.toContain('hunter2');
  });

  it('refuses a malformed URL without echoing it', () => {
    expect(() => createHttpAdapter({ url: 'not a url with hunter2' })).toThrow(/not a valid absolute URL$/);
  });
});
