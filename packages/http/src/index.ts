// Browser-safe entry: no Node built-ins. Requests go through `globalThis.fetch` unless `options.fetch` is given.
// On Node, the package's "node" export condition resolves to node.ts instead, with a keep-alive transport.
import { HttpServer } from './http-server.js';
import type { HttpAdapterOptions } from './options.js';

export * from './exports.js';

/** A `ServerAdapter` for CouchDB 3.x at `options.url`, over `fetch` with ky. */
export function createHttpAdapter(options: HttpAdapterOptions): HttpServer {
  return new HttpServer(options);
}
