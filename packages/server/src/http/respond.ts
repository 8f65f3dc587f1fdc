import type { ServerResponse } from 'node:http';
import { SetteeError, redactCredentials } from '@settee/core';
import { renewedSessionCookie } from '../auth/session-renewal.js';
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
    ...sessionCookieHeaders(ctx),
  };
  res.writeHead(status, out);
  res.end(ctx.method === 'HEAD' ? undefined : text);
}

/**
 * The `Set-Cookie` an answer carries: the login or logout cookie of `/_session`, else a renewed session cookie
 * (CouchDB sets it on every kind of answer once a tenth of the session's life has passed).
 */
export function sessionCookieOf(ctx: RequestContext): string | undefined {
  // The renewal is keyed on the request as the client sent it (`res.req`): a `_rewrite` may answer with another.
  return ctx.setCookie ?? renewedSessionCookie(ctx.res.req);
}

/** `sessionCookieOf` as headers to spread into a `writeHead` of a streamed answer. */
export function sessionCookieHeaders(ctx: RequestContext): { 'Set-Cookie'?: string } {
  return cookieHeader(sessionCookieOf(ctx));
}

function cookieHeader(cookie: string | undefined): { 'Set-Cookie'?: string } {
  return cookie === undefined ? {} : { 'Set-Cookie': cookie };
}

/** Sends raw bytes (attachments, multipart bodies). */
export function sendBytes(ctx: RequestContext, status: number, bytes: Uint8Array, headers: Headers): void {
  const res = ctx.res;
  if (res.headersSent) return;
  res.writeHead(status, { 'Cache-Control': 'must-revalidate', 'Content-Length': bytes.byteLength, ...headers, ...sessionCookieHeaders(ctx) });
  res.end(ctx.method === 'HEAD' ? undefined : bytes);
}

/** 304 Not Modified: headers only. */
export function sendNotModified(res: ServerResponse, etag: string): void {
  res.writeHead(304, { ETag: etag, 'Cache-Control': 'must-revalidate', 'Content-Length': 0, ...cookieHeader(renewedSessionCookie(res.req)) });
  res.end();
}

/** CouchDB's error body for a failure. Unknown errors become a 500 without their message or stack. */
export function sendError(ctx: RequestContext, error: unknown): void {
  if (error instanceof SetteeError) {
    // CouchDB's send_method_not_allowed names the methods in an `Allow` header too.
    const allowed = error.status === 405 ? /^Only (\S+) allowed$/.exec(error.reason)?.[1] : undefined;
    const headers: Headers = allowed === undefined ? {} : { Allow: allowed };
    // A 401 asks for credentials only in the scheme the client named (chttpd error_headers): browsers would
    // otherwise pop up a login dialog over every application that handles its own logins.
    const challenge = ctx.req.headers['x-couchdb-www-authenticate'];
    if (error.status === 401 && typeof challenge === 'string' && challenge !== '') headers['WWW-Authenticate'] = challenge;
    sendJson(ctx, error.status, { error: error.error, reason: error.reason }, headers);
    return;
  }
  ctx.state.log(`unexpected error on ${ctx.method} /${ctx.segments[0] ?? ''}: ${errorName(error)}`);
  sendJson(ctx, 500, { error: 'unknown_error', reason: 'internal_server_error' });
}

function errorName(error: unknown): string {
  return error instanceof Error ? redactCredentials(`${error.name}: ${error.message}`) : typeof error;
}
