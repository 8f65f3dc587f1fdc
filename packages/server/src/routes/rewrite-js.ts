import { SetteeError, type JsonObject, type JsonValue } from '@settee/core';
import { runRewriteFunction } from '@settee/engine';
import { isObject, readBody } from '../http/body.js';
import type { RequestContext } from '../http/context.js';
import { queryParams } from '../http/query.js';
import { sessionCookieHeaders } from '../http/respond.js';
import type { DbTarget } from './db-target.js';
import { designRequestOf } from './design-request.js';
import { dispatchRewritten } from './rewrite-dispatch.js';
import { encodeQuery, rewrittenUrl } from './rewrite-url.js';

// The JavaScript form of `rewrites` (a function of `req`), as chttpd_rewrite and couch_query_servers:rewrite run it:
// the function's answer is checked, then either sent as it is (`code`) or turned into a new request (`path`,
// `query`, `method`, `headers`, `body`) dispatched like any other.

/** couch_query_servers:throw_rewrite_error: a 500 `rewrite_error`. */
function rewriteError(reason: string): SetteeError {
  return new SetteeError(500, 'rewrite_error', reason);
}

/** A JSON value as Erlang's `~p` prints its decoded term, for CouchDB's messages about bad rewrite objects. */
function erlangTerm(value: JsonValue): string {
  if (typeof value === 'string') return `<<${JSON.stringify(value)}>>`;
  if (value === null || typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `[${value.map(erlangTerm).join(',')}]`;
  return `{[${Object.entries(value)
    .map(([key, item]) => `{${erlangTerm(key)},${erlangTerm(item)}}`)
    .join(',')}]}`;
}

/** couch_query_servers:validate_object_fields: `headers` and `query` hold strings only. */
function stringMembers(object: JsonObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(object)) {
    if (typeof value !== 'string') throw rewriteError(`object key/value must be strings ${erlangTerm(key)}=${erlangTerm(value)}`);
    out[key] = value;
  }
  return out;
}

/** What the function asked for, once checked (couch_query_servers:validate_rewrite_response). */
interface Rewrite {
  readonly method?: string;
  readonly path?: string;
  readonly body?: string;
  readonly headers?: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly code?: number;
}

function checkedRewrite(result: JsonValue): Rewrite {
  if (!isObject(result)) throw rewriteError('bad rewrite');
  const rewrite: { -readonly [K in keyof Rewrite]: Rewrite[K] } = {};
  for (const [field, value] of Object.entries(result)) {
    switch (field) {
      case 'method':
      case 'path':
      case 'body':
        if (typeof value !== 'string') throw rewriteError(`bad ${field}`);
        rewrite[field] = value;
        break;
      case 'headers':
      case 'query':
        if (!isObject(value)) throw rewriteError(`bad ${field}`);
        rewrite[field] = stringMembers(value);
        break;
      case 'code':
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 200 || value >= 600) throw rewriteError('bad code');
        rewrite.code = value;
        break;
      default:
      // Other members are ignored, as CouchDB does.
    }
  }
  return rewrite;
}

/** chttpd_external:json_req_obj without `info`, `form`, `uuid` and `id`, as CouchDB passes it to `rewrites`. */
async function rewriteRequest(ctx: RequestContext, target: DbTarget, path: readonly string[], body: Buffer | undefined): Promise<JsonObject> {
  const request = await designRequestOf(ctx, target, body?.toString('utf8'));
  const rawPath = `/${ctx.segments.map(encodeURIComponent).join('/')}${ctx.rawQuery === '' ? '' : `?${ctx.rawQuery}`}`;
  const requested = ctx.rawQuery === '' ? [...path] : [...path.slice(0, -1), `${path.at(-1) ?? ''}?${ctx.rawQuery}`];
  return {
    body: request.body ?? 'undefined',
    cookie: request.cookie ?? {},
    headers: request.headers ?? {},
    method: request.method ?? 'GET',
    path: [...path],
    peer: request.peer ?? '127.0.0.1',
    query: request.query ?? {},
    raw_path: rawPath,
    requested_path: requested,
    secObj: (await target.db.getSecurity()) as JsonObject,
    userCtx: { ...request.userCtx } as JsonObject,
  };
}

/** A `code` answer: sent as the function gave it, with the request's own body when it gave none (chttpd_rewrite). */
function sendEarly(ctx: RequestContext, code: number, rewrite: Rewrite, requestBody: Buffer | undefined): void {
  const body = rewrite.body === undefined ? (requestBody ?? Buffer.alloc(0)) : Buffer.from(rewrite.body, 'utf8');
  // The body is sent whole with its own length: framing headers the function set would make the answer invalid.
  const headers = Object.fromEntries(
    Object.entries(rewrite.headers ?? {}).filter(([name]) => !['content-length', 'transfer-encoding'].includes(name.toLowerCase())),
  );
  ctx.res.writeHead(code, { ...headers, ...sessionCookieHeaders(ctx), 'Content-Length': body.byteLength });
  ctx.res.end(ctx.method === 'HEAD' ? undefined : body);
}

/** True when the request announces a body (a GET usually does not). */
function hasBody(ctx: RequestContext): boolean {
  return ctx.req.headers['content-length'] !== undefined || ctx.req.headers['transfer-encoding'] !== undefined;
}

/** Runs the design document's `rewrites` function for this request and answers or dispatches what it returns. */
export async function rewriteByFunction(ctx: RequestContext, target: DbTarget, ddoc: JsonObject, ddocName: string, path: readonly string[]): Promise<void> {
  const requestBody = hasBody(ctx) ? await readBody(ctx) : undefined;
  const req = await rewriteRequest(ctx, target, path, requestBody);
  const result = runRewriteFunction(ddoc, req);
  if (result === undefined) throw new SetteeError(404, 'rewrite_error', 'Invalid path.');
  const rewrite = checkedRewrite(result);
  if (rewrite.code !== undefined) {
    sendEarly(ctx, rewrite.code, rewrite, requestBody);
    return;
  }
  if (rewrite.path === undefined) throw rewriteError('Rewrite result must produce a new path.');
  // Without its own `query`, the rewrite keeps the request's, re-escaped.
  const pairs = rewrite.query === undefined ? [...queryParams(ctx.rawQuery)] : Object.entries(rewrite.query);
  const url = rewrittenUrl(target.name, ddocName, rewrite.path, encodeQuery(pairs));
  const body = rewrite.body === undefined ? requestBody : Buffer.from(rewrite.body, 'utf8');
  await dispatchRewritten(ctx, rewrite.method ?? String(req['method']), url, { headers: rewrite.headers ?? {}, body });
}
