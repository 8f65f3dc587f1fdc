import type { ServerResponse } from 'node:http';
import { SetteeError, redactCredentials } from '@settee/core';
import type { RequestContext } from './context.js';

/** Extra response headers a route adds (ETag, Location...). */
export type Headers = Record<string, string>;

const JSON_TYPE = 'application/json';

/**
 * Sends a JSON answer with CouchDB's headers. The body is serialised once and sent with a Content-Length, so
 * keep-alive clients need no chunked decoding. HEAD gets the same headers and no body.
 */
export function sendJson(ctx: RequestContext, status: number, body: unknown, headers?: Headers): void {
  sendText(ctx, status, JSON.stringify(body) + '\n', headers);
}

/** Sends JSON that is already text (e.g. a stored document's JSON spliced by the engine). */
export function sendText(ctx: RequestContext, status: number, text: string, headers?: Headers, type = JSON_TYPE): void {
  const res = ctx.res;
  if (res.headersSent) return;
  const out: Record<string, string | number | string[]> = {
    'Content-Type': type,
    'Cache-Control': 'must-revalidate',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  };
  if (ctx.setCookie !== undefined) out['Set-Cookie'] = ctx.setCookie;
  res.writeHead(status, out);
  res.end(ctx.method === 'HEAD' ? undefined : text);
}

/** Sends raw bytes (attachments, multipart bodies). */
export function sendBytes(ctx: RequestContext, status: number, bytes: Uint8Array, headers: Headers): void {
  const res = ctx.res;
  if (res.headersSent) return;
  res.writeHead(status, { 'Cache-Control': 'must-revalidate', 'Content-Length': bytes.byteLength, ...headers });
  res.end(ctx.method === 'HEAD' ? undefined : bytes);
}

/** 304 Not Modified: headers only. */
export function sendNotModified(res: ServerResponse, etag: string): void {
  res.writeHead(304, { ETag: etag, 'Cache-Control': 'must-revalidate', 'Content-Length': 0 });
  res.end();
}

/** CouchDB's error body for a failure. Unknown errors become a 500 without their message or stack. */
export function sendError(ctx: RequestContext, error: unknown): void {
  if (error instanceof SetteeError) {
    // CouchDB's send_method_not_allowed names the methods in an `Allow` header too.
    const allowed = error.status === 405 ? /^Only (\S+) allowed$/.exec(error.reason)?.[1] : undefined;
    sendJson(ctx, error.status, { error: error.error, reason: error.reason }, allowed === undefined ? {} : { Allow: allowed });
    return;
  }
  ctx.state.log(`unexpected error on ${ctx.method} /${ctx.segments[0] ?? ''}: ${errorName(error)}`);
  sendJson(ctx, 500, { error: 'unknown_error', reason: 'internal_server_error' });
}

function errorName(error: unknown): string {
  return error instanceof Error ? redactCredentials(`${error.name}: ${error.message}`) : typeof error;
}
