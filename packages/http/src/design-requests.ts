// Show, list and update-handler calls (`_show`, `_list`, `_update`): their answers are whatever the design
// function returned, so they come back as status, headers and bytes rather than parsed JSON.
import { errorFromCouch, type DesignRequest, type DesignResponse, type ListQueryOptions } from '@settee/core';
import type { HttpClient, HttpMethod } from './http-client.js';
import { designPath } from './database-extras.js';
import { callSpec, type CallOptions } from './options.js';
import { joinPath, type Query } from './url.js';
import { viewRequest } from './views-options.js';

/** Every status a design function may choose is an answer, not a transport failure. */
const ANY_STATUS: readonly number[] = Array.from({ length: 500 }, (_, i) => i + 100);

const METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'COPY']);

/** Which design function to call and where. */
interface DesignCall {
  readonly kind: '_show' | '_list' | '_update';
  readonly ddoc: string;
  readonly segments: readonly string[];
  readonly defaultMethod: HttpMethod;
  readonly viewQuery?: ListQueryOptions | undefined;
}

/** Calls a show, list or update function and returns its answer as CouchDB sent it. */
export async function callDesignFunction(
  client: HttpClient,
  dbPath: string,
  call: DesignCall,
  request: DesignRequest = {},
  options?: CallOptions,
): Promise<DesignResponse> {
  const method = (request.method ?? call.defaultMethod).toUpperCase();
  if (!METHODS.has(method)) throw errorFromCouch({ error: 'method_not_allowed', reason: `Unsupported method ${method}` }, 405);
  const query: Record<string, unknown> = { ...viewQueryParams(call.viewQuery), ...request.query };
  const answer = await client.bytes({
    method: method as HttpMethod,
    path: joinPath(dbPath, designPath(call.ddoc), call.kind, ...call.segments.map(encodeURIComponent)),
    query: query as Query,
    // The body's Content-Type goes as `contentType`; sent twice, it would arrive as "a, a".
    headers: withDefaultAccept(request.body === undefined ? request.headers : withoutContentType(request.headers)),
    ...(request.body === undefined ? {} : { body: new TextEncoder().encode(request.body), contentType: contentTypeOf(request) }),
    accept: ANY_STATUS,
    ...callSpec(options),
  });
  const headers: Record<string, string> = {};
  answer.headers.forEach((value, name) => {
    headers[canonicalHeaderName(name)] = value;
  });
  const couchError = couchErrorIn(answer.status, headers, answer.body);
  if (couchError) throw couchError;
  return { status: answer.status, headers, body: answer.body };
}

/**
 * A function sees the request's Accept in `req.headers` and `provides()` chooses by it: without one of the caller's,
 * send what a browser, curl or fetch sends (`*\/*`, as the engine assumes), not the client's JSON default.
 */
function withDefaultAccept(headers: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const named = Object.keys(headers ?? {}).some((name) => name.toLowerCase() === 'accept');
  return named ? { ...headers } : { ...headers, accept: '*/*' };
}

function withoutContentType(headers: Readonly<Record<string, string>> | undefined): Record<string, string> | undefined {
  if (headers === undefined) return undefined;
  return Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'content-type'));
}

function contentTypeOf(request: DesignRequest): string {
  for (const [name, value] of Object.entries(request.headers ?? {})) if (name.toLowerCase() === 'content-type') return value;
  return 'text/plain';
}

/** View parameters of a list as query parameters (`keys` too: a list is a GET). */
function viewQueryParams(options: ListQueryOptions | undefined): Record<string, unknown> {
  if (options === undefined) return {};
  const { query, keys } = viewRequest(options);
  return keys === undefined ? query : { ...query, keys };
}

/** `content-type` → `Content-Type`, as CouchDB's own headers are spelled. */
function canonicalHeaderName(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());
}

/**
 * A non-2xx answer is CouchDB's own error (missing design doc, render_error...) when its body is a CouchDB error
 * object; otherwise it is the status a function chose, and an answer.
 */
function couchErrorIn(status: number, headers: Record<string, string>, body: Uint8Array) {
  if (status < 400 || !(headers['Content-Type'] ?? '').startsWith('application/json')) return undefined;
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(body));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { error, reason } = parsed as { error?: unknown; reason?: unknown };
    if (typeof error !== 'string' || typeof reason !== 'string' || Object.keys(parsed).some((k) => k !== 'error' && k !== 'reason' && k !== 'ref')) return undefined;
    return errorFromCouch({ error, reason }, status);
  } catch {
    return undefined;
  }
}
