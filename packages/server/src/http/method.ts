import { MethodNotAllowedError } from '@settee/core';
import type { RequestContext } from './context.js';

/** CouchDB's 405 naming the methods the endpoint takes, e.g. `Only GET,HEAD allowed`. */
export function methodNotAllowed(allowed: string): MethodNotAllowedError {
  return new MethodNotAllowedError(`Only ${allowed} allowed`);
}

/** True for GET and HEAD (HEAD is answered like GET, without a body). */
export function isRead(ctx: RequestContext): boolean {
  return ctx.method === 'GET' || ctx.method === 'HEAD';
}

/** The server's base URL as the client addressed it, for `Location` headers. */
export function baseUrl(ctx: RequestContext): string {
  return `http://${ctx.req.headers.host ?? '127.0.0.1'}`;
}
