import type { DesignRequest } from '@settee/core';
import { readBody } from '../http/body.js';
import type { RequestContext } from '../http/context.js';
import { queryParams } from '../http/query.js';
import type { DbTarget } from './db-target.js';
import { userContextOf } from './design-user-ctx.js';

/** The session cookie: a credential, so design code never sees it (see `cookiesOf`). */
const SESSION_COOKIE = 'AuthSession';

/** `content-type` → `Content-Type`: CouchDB hands header names to design functions in their canonical spelling. */
export function canonicalHeaderName(name: string): string {
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());
}

/** The query string as `req.query`: every value a string, `+` a space, a repeated name keeps its last value. */
export function queryStrings(rawQuery: string): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [name, value] of queryParams(rawQuery)) query[name] = value;
  return query;
}

/**
 * Request headers for `req.headers`. `Authorization` is left out, and the session cookie removed from `Cookie`:
 * an update handler could otherwise store a caller's password or session in a document its author can read.
 */
function headersOf(ctx: RequestContext): Record<string, string> {
  const headers: Record<string, string> = {};
  const raw = ctx.req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = canonicalHeaderName(raw[i] ?? '');
    if (name === 'Authorization') continue;
    let value = raw[i + 1] ?? '';
    if (name === 'Cookie') {
      value = value
        .split(';')
        .map((part) => part.trim())
        .filter((part) => part !== '' && !part.startsWith(`${SESSION_COOKIE}=`))
        .join('; ');
      if (value === '') continue;
    }
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return headers;
}

/** `req.cookie`: the request's cookies by name, without the session cookie. */
function cookiesOf(ctx: RequestContext): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (ctx.req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (name === '' || name === SESSION_COOKIE) continue;
    cookies[name] = part.slice(eq + 1).trim();
  }
  return cookies;
}

/** The client's address without the IPv4-mapped prefix Node adds on dual-stack sockets. */
function peerOf(ctx: RequestContext): string {
  const address = ctx.req.socket.remoteAddress ?? '127.0.0.1';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/** True when the request announces a body (a GET without one gives `req.body` "undefined", as in CouchDB). */
function hasBody(ctx: RequestContext): boolean {
  return ctx.req.headers['content-length'] !== undefined || ctx.req.headers['transfer-encoding'] !== undefined;
}

/**
 * The `DesignRequest` of an HTTP request to `_show`, `_list` or `_update`: method (HEAD runs as GET, as in
 * CouchDB), query, headers, raw body, peer, cookies and the authenticated user. `bodyText` is given when the
 * route already read the body.
 */
export async function designRequestOf(ctx: RequestContext, target: DbTarget, bodyText?: string): Promise<DesignRequest> {
  const request: DesignRequest = {
    method: ctx.method === 'HEAD' ? 'GET' : ctx.method,
    query: queryStrings(ctx.rawQuery),
    headers: headersOf(ctx),
    peer: peerOf(ctx),
    cookie: cookiesOf(ctx),
    userCtx: userContextOf(ctx, target),
  };
  const body = bodyText ?? (hasBody(ctx) ? (await readBody(ctx)).toString('utf8') : undefined);
  if (body !== undefined) request.body = body;
  return request;
}
