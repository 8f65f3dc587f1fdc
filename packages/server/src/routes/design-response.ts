import type { DesignResponse } from '@settee/core';
import type { RequestContext } from '../http/context.js';
import { sessionCookieHeaders } from '../http/respond.js';

/** Which design function answered: they differ in the headers CouchDB adds. */
export type DesignKind = 'show' | 'list' | 'update';

/**
 * CouchDB 3's `[csp] showlist_enable` default: what a show or list renders (user HTML) is sandboxed. JSON answers
 * of shows and updates are sent as JSON and get no policy, like `chttpd_external:send_external_response`.
 */
const SHOWLIST_CSP = 'sandbox';

/** couch_util:url_encode: letters, digits, `_ . - :` kept, every other UTF-8 byte as `%XX`. */
export function couchUrlEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9_.\-:]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function findHeader(headers: Record<string, string>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return key;
  return undefined;
}

/** Sets `name`, replacing any spelling of it the function used. */
function setHeader(headers: Record<string, string>, name: string, value: string): void {
  const existing = findHeader(headers, name);
  if (existing !== undefined) delete headers[existing];
  headers[name] = value;
}

/**
 * The headers CouchDB sends with a design function's answer: the function's own (one spelling per name), JSON
 * answers of shows and updates with `Cache-Control: must-revalidate` (they go through `send_json`), other show,
 * list and update answers with the CSP sandbox unless the function set a policy, `X-Couch-Id` URL-encoded.
 */
export function designHeaders(kind: DesignKind, response: DesignResponse, extra: Record<string, string> = {}): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) setHeader(headers, name, value);
  for (const [name, value] of Object.entries(extra)) setHeader(headers, name, value);
  const idHeader = findHeader(headers, 'X-Couch-Id');
  if (idHeader !== undefined) headers[idHeader] = couchUrlEncode(headers[idHeader] ?? '');
  const typeHeader = findHeader(headers, 'Content-Type');
  const isJson = kind !== 'list' && typeHeader !== undefined && headers[typeHeader] === 'application/json';
  if (isJson) {
    if (findHeader(headers, 'Cache-Control') === undefined) headers['Cache-Control'] = 'must-revalidate';
  } else if (findHeader(headers, 'Content-Security-Policy') === undefined) {
    headers['Content-Security-Policy'] = SHOWLIST_CSP;
  }
  return headers;
}

/** Writes a show, list or update answer: its status, headers and bytes (no body for HEAD). */
export function sendDesignResponse(ctx: RequestContext, kind: DesignKind, response: DesignResponse, extra?: Record<string, string>): void {
  const res = ctx.res;
  if (res.headersSent) return;
  const headers: Record<string, string | number> = { ...designHeaders(kind, response, extra), 'Content-Length': response.body.byteLength };
  // CORS may already vary on Origin: keep both.
  const vary = res.getHeader('Vary');
  if (typeof vary === 'string' && typeof headers['Vary'] === 'string') headers['Vary'] = `${vary}, ${headers['Vary']}`;
  Object.assign(headers, sessionCookieHeaders(ctx));
  res.writeHead(response.status, headers);
  res.end(ctx.method === 'HEAD' ? undefined : response.body);
}
