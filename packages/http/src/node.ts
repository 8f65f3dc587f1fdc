// Node entry: the same API as index.ts, with a keep-alive `node:http` transport under ky by default.
import { adapterFactory } from './factory.js';
import { createNodeFetch, type NodeFetch, type NodeTransportOptions } from './node-transport.js';

export * from './exports.js';
export { createNodeFetch, type NodeFetch, type NodeTransportOptions };

/** A `ServerAdapter` for CouchDB 3.x at `options.url`, over ky on a keep-alive `node:http` transport. */
export const createHttpAdapter = adapterFactory(() => {
  const fetch = createNodeFetch();
  return { fetch, rawBodies: true, close: () => fetch.close() };
});
