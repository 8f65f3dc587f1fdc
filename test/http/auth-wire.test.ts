// Auth over the default Node transport (the client's direct path, no fetch given), against a small real HTTP server
// on 127.0.0.1 that checks credentials as CouchDB does: cookie sessions through `/_session` (log in, renew once on
// 401, log out on close), JWT bearer tokens, Basic from the URL's user info, and custom headers. pouchdb-server runs
// in admin party, so it cannot show that a request without valid credentials is refused.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnauthorizedError } from '@settee/core';
import { createHttpAdapter } from '@settee/http';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

describe('auth over the Node transport against a real server', () => {
  let server: Server;
  let base = '';
  const seen: Seen[] = [];
  /** Session tokens the server accepts right now; clearing it expires every session. */
  const live = new Set<string>();
  let issued = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
        const json = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
          res.writeHead(status, { 'content-type': 'application/json', ...headers });
          res.end(JSON.stringify(body));
        };
        if (req.url === '/_session' && req.method === 'POST') {
          const { name, password } = JSON.parse(Buffer.concat(chunks).toString()) as { name: string; password: string };
          if (name !== 'ada' || password !== 's3cret!') return json(401, { error: 'unauthorized', reason: 'Name or password is incorrect.' });
          issued += 1;
          const token = `tok${issued}`;
          live.add(token);
          return json(200, { ok: true, name, roles: [] }, { 'set-cookie': `AuthSession=${token}; Version=1; Path=/; HttpOnly` });
        }
        if (req.url === '/_session' && req.method === 'DELETE') {
          live.delete(/AuthSession=([^;]+)/.exec(req.headers.cookie ?? '')?.[1] ?? '');
          return json(200, { ok: true }, { 'set-cookie': 'AuthSession=; Version=1; Path=/; HttpOnly' });
        }
        const cookie = /AuthSession=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
        const authorization = req.headers.authorization ?? '';
        const basicOk = authorization === `Basic ${Buffer.from('ada:s3cret!').toString('base64')}`;
        const bearerOk = authorization === 'Bearer jwt-token-1';
        if ((cookie !== undefined && live.has(cookie)) || basicOk || bearerOk) return json(200, { db_name: 'db' });
        return json(401, { error: 'unauthorized', reason: 'You are not authorized to access this db.' });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    base = `127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('session: logs in once, sends the cookie, renews once after the session expires, logs out on close', async () => {
    seen.length = 0;
    const adapter = createHttpAdapter({ url: `http://ada:s3cret!@${base}`, auth: { type: 'session' } });
    expect((await adapter.db('db').info()).db_name).toBe('db');
    expect((await adapter.db('db').info()).db_name).toBe('db');
    expect(seen.filter((s) => s.url === '/_session').length).toBe(1);
    live.clear();
    expect((await adapter.db('db').info()).db_name).toBe('db');
    const trail = seen.map((s) => `${s.method} ${s.url} ${s.headers.cookie ?? '-'}`);
    expect(trail).toStrictEqual([
      'POST /_session -',
      'GET /db AuthSession=tok1',
      'GET /db AuthSession=tok1',
      'GET /db AuthSession=tok1',
      'POST /_session -',
      'GET /db AuthSession=tok2',
    ]);
    await adapter.close();
    expect(seen.at(-1)).toMatchObject({ method: 'DELETE', url: '/_session', headers: { cookie: 'AuthSession=tok2' } });
    expect(live.has('tok2')).toBe(false);
  });

  it('session: a wrong password rejects with UnauthorizedError that names no password', async () => {
    const adapter = createHttpAdapter({ url: `http://ada:wrong-pw@${base}`, auth: { type: 'session' } });
    const error = await adapter.db('db').info().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(String(error)).not.toContain('wrong-pw');
    expect(JSON.stringify(error)).not.toContain('wrong-pw');
    await adapter.close();
  });

  it('basic from the URL, JWT bearer and custom headers reach the server; without credentials it is 401', async () => {
    seen.length = 0;
    const basic = createHttpAdapter({ url: `http://ada:s3cret!@${base}`, headers: { 'x-request-source': 'settee-test' } });
    const jwt = createHttpAdapter({ url: `http://${base}`, auth: { type: 'jwt', token: async () => 'jwt-token-1' } });
    const none = createHttpAdapter({ url: `http://${base}` });
    try {
      expect((await basic.db('db').info()).db_name).toBe('db');
      expect((await jwt.db('db').info()).db_name).toBe('db');
      await expect(none.db('db').info()).rejects.toBeInstanceOf(UnauthorizedError);
      expect(seen[0]?.headers['x-request-source']).toBe('settee-test');
      expect(seen[0]?.url).toBe('/db');
      expect(seen[1]?.headers.authorization).toBe('Bearer jwt-token-1');
      expect(seen[2]?.headers.authorization).toBeUndefined();
      expect(`${basic}`).not.toContain('s3cret');
    } finally {
      await Promise.all([basic.close(), jwt.close(), none.close()]);
    }
  });
});
