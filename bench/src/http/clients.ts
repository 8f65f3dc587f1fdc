import { Agent, request } from 'node:http';
import nano from 'nano';
import { createHttpAdapter, type HttpServer } from '@settee/http';
import { createHttpAdapter as createFetchAdapter } from '@settee/http/fetch';

/** A song document, as the bench writes it. */
export interface Song {
  _id: string;
  _rev?: string;
  title: string;
  artist: string;
  year: number;
  plays: number;
  tags: string[];
}

/** The operations the bench times through one client library: reads on the preloaded database, writes on another. */
export interface BenchClient {
  readonly name: string;
  get(id: string): Promise<Song>;
  put(doc: Song): Promise<string>;
  bulk(docs: Song[]): Promise<number>;
  find(year: number): Promise<number>;
  close(): Promise<void>;
}

/** The two databases: `read` holds the preloaded songs (indexed by year), `write` takes every write. */
export interface BenchDbs {
  readonly read: string;
  readonly write: string;
}

function settee(name: string, server: HttpServer, dbs: BenchDbs): BenchClient {
  const read = server.db(dbs.read);
  const write = server.db(dbs.write);
  return {
    name,
    get: (id) => (id.startsWith('pre') ? read : write).get<Song>(id),
    put: async (doc) => (await write.put(doc)).rev,
    bulk: async (docs) => (await write.bulkDocs(docs)).length,
    find: async (year) => (await read.find({ selector: { year }, limit: 50 })).docs.length,
    close: () => server.close(),
  };
}

/** Settee over its default Node transport (ky on node:http with a keep-alive agent). */
export function setteeNode(url: string, dbs: BenchDbs): BenchClient {
  return settee('settee', createHttpAdapter({ url }), dbs);
}

/** Settee over Node's built-in fetch, as in a browser-style setup: shows what the transport choice is worth. */
export function setteeFetch(url: string, dbs: BenchDbs): BenchClient {
  return settee('settee/fetch', createFetchAdapter({ url }), dbs);
}

/** nano 11 (Node's fetch underneath). */
export function nanoClient(url: string, dbs: BenchDbs): BenchClient {
  const server = nano(url);
  const read = server.use<Song>(dbs.read);
  const write = server.use<Song>(dbs.write);
  return {
    name: 'nano',
    get: (id) => (id.startsWith('pre') ? read : write).get(id) as Promise<Song>,
    put: async (doc) => (await write.insert(doc)).rev,
    bulk: async (docs) => (await write.bulk({ docs })).length,
    find: async (year) => (await read.find({ selector: { year }, limit: 50 })).docs.length,
    close: async () => {},
  };
}

/**
 * The floor: bare `node:http` with a keep-alive agent, no library at all. No client can beat it, so its ratio to nano
 * is the most any client could reach on this server.
 */
export function bareNodeHttp(url: string, dbs: BenchDbs): BenchClient {
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const base = new URL(url);
  // Credentials in the URL (settee-server's admin) become Basic auth on every request, as the libraries send them.
  const authorization =
    base.username === ''
      ? undefined
      : `Basic ${Buffer.from(`${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`).toString('base64')}`;
  const send = <T>(method: string, path: string, body?: unknown): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const headers: Record<string, string> = { accept: 'application/json' };
      if (authorization !== undefined) headers['authorization'] = authorization;
      if (payload !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = String(payload.byteLength);
      }
      const req = request({ host: base.hostname, port: base.port, path, method, agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as T;
          if ((res.statusCode ?? 500) >= 400) reject(new Error(`HTTP ${res.statusCode}`));
          else resolve(parsed);
        });
      });
      req.on('error', reject);
      req.end(payload);
    });
  const docPath = (id: string) => `/${id.startsWith('pre') ? dbs.read : dbs.write}/${encodeURIComponent(id)}`;
  return {
    name: 'node:http',
    get: (id) => send<Song>('GET', docPath(id)),
    put: async (doc) => (await send<{ rev: string }>('PUT', docPath(doc._id), doc)).rev,
    bulk: async (docs) => (await send<unknown[]>('POST', `/${dbs.write}/_bulk_docs`, { docs })).length,
    find: async (year) => (await send<{ docs: unknown[] }>('POST', `/${dbs.read}/_find`, { selector: { year }, limit: 50 })).docs.length,
    close: async () => agent.destroy(),
  };
}
