import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeFetch } from './node-transport.js';
import { TRANSPORT_HINTS, rawBodyOf } from './raw-body.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;
const routes = new Map<string, Handler>();
let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => routes.get(req.url ?? '')?.(req, res, Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  routes.set('/echo', (req, res, body) => {
    res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'] });
    res.end(JSON.stringify({ method: req.method, type: req.headers['content-type'], body: body.toString() }));
  });
  routes.set('/chunked', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('line1\n');
    setTimeout(() => res.end('line2\n'), 20);
  });
  routes.set('/truncated', (_req, res) => {
    res.writeHead(200, { 'content-length': '100' });
    res.write('only part');
    setTimeout(() => res.destroy(), 10);
  });
  routes.set('/never', () => undefined);
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('createNodeFetch as a plain fetch', () => {
  it('sends the method, headers and body; answers status, repeated headers and the body', async () => {
    const fetch = createNodeFetch();
    try {
      const answer = await fetch(`${base}/echo`, { method: 'PUT', headers: { 'content-type': 'text/x' }, body: 'hé' });
      expect(answer.status).toBe(200);
      expect(answer.headers.getSetCookie()).toStrictEqual(['a=1', 'b=2']);
      expect(await answer.json()).toStrictEqual({ method: 'PUT', type: 'text/x', body: 'hé' });
    } finally {
      fetch.close();
    }
  });

  it('streams an answer without Content-Length as it arrives', async () => {
    const fetch = createNodeFetch();
    try {
      const answer = await fetch(`${base}/chunked`);
      const reader = answer.body?.getReader();
      const first = await reader?.read();
      expect(new TextDecoder().decode(first?.value)).toBe('line1\n');
      // The second line comes 20 ms later, in its own chunk.
      const second = await reader?.read();
      expect(new TextDecoder().decode(second?.value)).toBe('line2\n');
      expect((await reader?.read())?.done).toBe(true);
    } finally {
      fetch.close();
    }
  });

  it('rejects with a TypeError when the body is shorter than its Content-Length', async () => {
    const fetch = createNodeFetch();
    try {
      await expect(fetch(`${base}/truncated`)).rejects.toBeInstanceOf(TypeError);
    } finally {
      fetch.close();
    }
  });
});

describe('createNodeFetch with the client hints', () => {
  const withHints = (hints: Record<string, unknown>) => ({ [TRANSPORT_HINTS]: { headers: {}, ...hints } }) as RequestInit;

  it('writes the hinted bytes and headers and hands the answer over as raw bytes', async () => {
    const fetch = createNodeFetch();
    try {
      const body = new TextEncoder().encode('{"x":1}');
      const answer = await fetch(new Request(`${base}/echo`, { method: 'POST' }), withHints({ body, headers: { 'content-type': 'application/json' } }));
      expect(answer.body).toBeNull();
      const raw = rawBodyOf(answer);
      expect(JSON.parse(new TextDecoder().decode(raw))).toStrictEqual({ method: 'POST', type: 'application/json', body: '{"x":1}' });
    } finally {
      fetch.close();
    }
  });

  it('enforces the hinted timeout with a TimeoutError, and the hinted signal with its reason', async () => {
    const fetch = createNodeFetch();
    try {
      const timedOut = fetch(new Request(`${base}/never`), withHints({ timeout: 30 }));
      await expect(timedOut).rejects.toMatchObject({ name: 'TimeoutError' });
      const controller = new AbortController();
      const aborted = fetch(new Request(`${base}/never`), withHints({ signal: controller.signal }));
      setTimeout(() => controller.abort(new Error('caller stopped')), 20);
      await expect(aborted).rejects.toThrow('caller stopped');
    } finally {
      fetch.close();
    }
  });
});

describe('createNodeFetch().send, the client’s direct entry', () => {
  it('sends path and query as given, to each origin it is handed (origins are parsed once and kept apart)', async () => {
    const other = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ server: 'other', url: req.url }));
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const address = other.address();
    const otherBase = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    routes.set('/echo?q=%22a%20b%22&n=1', (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ server: 'main', url: req.url, accept: req.headers['accept'] }));
    });
    const fetch = createNodeFetch();
    try {
      const read = async (answer: Response): Promise<unknown> => JSON.parse(new TextDecoder().decode(rawBodyOf(answer)));
      const first = await fetch.send(`${base}/echo?q=%22a%20b%22&n=1`, 'GET', { headers: { accept: 'application/json' } });
      expect(await read(first)).toStrictEqual({ server: 'main', url: '/echo?q=%22a%20b%22&n=1', accept: 'application/json' });
      const second = await fetch.send(`${otherBase}/x/y`, 'GET', { headers: {} });
      expect(await read(second)).toStrictEqual({ server: 'other', url: '/x/y' });
      const again = await fetch.send(`${base}/echo?q=%22a%20b%22&n=1`, 'GET', { headers: {} });
      expect(again.status).toBe(200);
    } finally {
      fetch.close();
      other.closeAllConnections();
      await new Promise((resolve) => other.close(resolve));
    }
  });
});
