import { IncomingMessage, type IncomingHttpHeaders } from 'node:http';
import { splitUrl, type RequestContext } from '../http/context.js';
import { reroute } from '../router.js';

/** How many rewrites led to each request (CouchDB counts them per client request, `REWRITE_COUNT`). */
const depths = new WeakMap<RequestContext, number>();

/** The rewrites already made for this client request (0 for the request as sent). */
export function rewriteDepth(ctx: RequestContext): number {
  return depths.get(ctx) ?? 0;
}

/**
 * A rewritten request whose body was already read (the JavaScript form gives it to the function): the same
 * connection, new method, URL and headers, and the body served from memory.
 */
class BufferedRequest extends IncomingMessage {
  constructor(original: IncomingMessage, method: string, url: string, headers: IncomingHttpHeaders, rawHeaders: string[], body: Buffer | undefined) {
    super(original.socket);
    this.method = method;
    this.url = url;
    this.httpVersion = original.httpVersion;
    this.httpVersionMajor = original.httpVersionMajor;
    this.httpVersionMinor = original.httpVersionMinor;
    this.headers = headers;
    this.rawHeaders = rawHeaders;
    if (body !== undefined && body.byteLength > 0) this.push(body);
    this.push(null);
    this.complete = true;
  }

  /** Everything is buffered: nothing to pull from the socket. */
  override _read(): void {}

  /** Ending this view of the request must never close the client's connection (IncomingMessage would). */
  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    callback(error);
  }
}

/** What a JavaScript rewrite changes besides the URL: headers to set (replacing any spelling of them) and the body. */
export interface Replacement {
  readonly headers: Readonly<Record<string, string>>;
  /** The body the new request carries (the rewrite's, else the one read from the client); none when undefined. */
  readonly body: Buffer | undefined;
}

/** The request's headers with `set` entered over them, and the body's framing made true to `body`. */
function replacedHeaders(req: IncomingMessage, set: Readonly<Record<string, string>>, body: Buffer | undefined): [IncomingHttpHeaders, string[]] {
  const overrides = new Map<string, [string, string]>();
  for (const [name, value] of Object.entries(set)) overrides.set(name.toLowerCase(), [name, value]);
  // The body is handed over decoded and whole: its length is known and it is no longer chunked or gzipped.
  const framing = ['content-length', 'transfer-encoding', 'content-encoding'];
  for (const name of framing) overrides.delete(name);
  const headers: IncomingHttpHeaders = {};
  const raw: string[] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] ?? '';
    const lower = name.toLowerCase();
    if (overrides.has(lower) || framing.includes(lower)) continue;
    raw.push(name, req.rawHeaders[i + 1] ?? '');
  }
  for (const [name, value] of overrides.values()) raw.push(name, value);
  if (body !== undefined) raw.push('Content-Length', String(body.byteLength));
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const lower = (raw[i] as string).toLowerCase();
    const value = raw[i + 1] as string;
    const known = headers[lower];
    if (lower === 'set-cookie') headers[lower] = [...(Array.isArray(known) ? known : []), value];
    else headers[lower] = known === undefined ? value : lower === 'cookie' ? `${String(known)}; ${value}` : `${String(known)}, ${value}`;
  }
  return [headers, raw];
}

/**
 * Sends a rewritten request through the router again, as chttpd:handle_request_int does: the same user and
 * connection, `url` (path and query, already escaped) and `method`; the client's own headers and unread body
 * unless `replacement` gives them.
 */
export async function dispatchRewritten(ctx: RequestContext, method: string, url: string, replacement?: Replacement): Promise<void> {
  const { segments, rawQuery } = splitUrl(url);
  let req = ctx.req;
  if (replacement !== undefined) {
    const [headers, raw] = replacedHeaders(ctx.req, replacement.headers, replacement.body);
    req = new BufferedRequest(ctx.req, method, url, headers, raw, replacement.body);
  }
  const next: RequestContext = { ...ctx, req, method, segments, rawQuery };
  depths.set(next, rewriteDepth(ctx) + 1);
  await reroute(ctx, next);
}
