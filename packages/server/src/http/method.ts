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

/**
 * The server's base URL as the client addressed it, for `Location` headers: behind a proxy, the host and scheme it
 * forwards (`X-Forwarded-Host`, `X-Forwarded-Ssl: on`, `X-Forwarded-Proto: https`), as CouchDB's absolute_uri does.
 */
export function baseUrl(ctx: RequestContext): string {
  const { headers, socket } = ctx.req;
  const host = single(headers['x-forwarded-host']) ?? headers.host ?? `${socket.localAddress ?? '127.0.0.1'}:${socket.localPort ?? ''}`;
  const https = single(headers['x-forwarded-ssl']) === 'on' || single(headers['x-forwarded-proto']) === 'https';
  return `${https ? 'https' : 'http'}://${host}`;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
