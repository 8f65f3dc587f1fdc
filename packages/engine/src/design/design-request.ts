import { randomUUID } from 'node:crypto';
import type { DbInfo, DesignRequest, JsonObject, JsonValue, SecurityObject, UserContext } from '@settee/core';
import type { DbContext } from '../database/db-context.js';
import { SPACE } from '../database/records.js';

/** The user context the engine assumes when none is given: no name, no roles (the engine has no users). */
export function defaultUserCtx(db: string): UserContext {
  return { db, name: null, roles: [] };
}

/** The database's `_security` object (`{}` when never set). */
export function securityObject(ctx: DbContext): SecurityObject {
  const text = ctx.storage.get(SPACE.meta, 'security');
  return text === undefined ? {} : (JSON.parse(text) as SecurityObject);
}

/** Where the function was called from, for `req.path`: e.g. `['_show', 'echo', 'doc1']`. */
export type FunctionPath = readonly string[];

/**
 * CouchDB's `req` object for shows, lists and update handlers (the same members, in the same shapes, as
 * CouchDB 3 builds: `body` is the string "undefined" without a body, `form` is parsed from form-encoded bodies).
 */
export function buildRequest(ctx: DbContext, info: DbInfo, ddocId: string, path: FunctionPath, docId: string | undefined, request: DesignRequest, defaultMethod: string): JsonObject {
  const query = request.query ?? {};
  const headers = request.headers ?? { Accept: '*/*' };
  const fullPath = [ctx.name, ...ddocId.split('/'), ...path, ...(docId === undefined ? [] : [docId])];
  const search = new URLSearchParams(query).toString();
  const rawPath = `/${fullPath.map(encodeURIComponent).join('/')}${search ? `?${search}` : ''}`;
  const requested = search ? [...fullPath.slice(0, -1), `${fullPath.at(-1)!}?${search}`] : fullPath;
  const contentType = headerValue(headers, 'content-type') ?? '';
  const form: Record<string, string> = {};
  if (request.body !== undefined && contentType.startsWith('application/x-www-form-urlencoded')) {
    for (const [name, value] of new URLSearchParams(request.body)) form[name] = value;
  }
  return {
    body: request.body ?? 'undefined',
    cookie: request.cookie ?? {},
    form,
    headers,
    id: docId ?? null,
    info: info as unknown as JsonObject,
    method: (request.method ?? defaultMethod).toUpperCase(),
    path: fullPath,
    peer: request.peer ?? '127.0.0.1',
    query,
    raw_path: rawPath,
    requested_path: requested,
    secObj: securityObject(ctx) as JsonObject,
    userCtx: { ...(request.userCtx ?? defaultUserCtx(ctx.name)), db: ctx.name } as unknown as JsonValue,
    uuid: randomUUID().replaceAll('-', ''),
  };
}

/** A header's value by case-insensitive name. */
export function headerValue(headers: Readonly<Record<string, string>>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}
