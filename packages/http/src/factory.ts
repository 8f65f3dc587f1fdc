import { HttpServer, type DefaultTransport } from './http-server.js';
import type { HttpAdapterOptions } from './options.js';

/** Builds the adapter factory of an entry point, with that platform's default transport. */
export function adapterFactory(defaultTransport: () => DefaultTransport | undefined): (options: HttpAdapterOptions) => HttpServer {
  return (options) => new HttpServer(options, options.fetch === undefined ? defaultTransport() : undefined);
}
