// Node entry: the same API as index.ts, with a keep-alive `node:http` transport under ky by default.
import { HttpServer } from './http-server.js';
import { createNodeFetch, type NodeFetch, type NodeTransportOptions } from './node-transport.js';
import type { HttpAdapterOptions } from './options.js';

export * from './exports.js';
export { createNodeFetch, type NodeFetch, type NodeTransportOptions };

/**
 * A `ServerAdapter` for CouchDB 3.x at `options.url`, over ky on a keep-alive `node:http` transport (unless
 * `options.fetch` brings another fetch). `close()` releases the transport's sockets.
 */
export function createHttpAdapter(options: HttpAdapterOptions): HttpServer {
  if (options.fetch !== undefined) return new HttpServer(options);
  const fetch = createNodeFetch();
  return new HttpServer(options, { fetch, send: fetch.send, close: () => fetch.close() });
}
