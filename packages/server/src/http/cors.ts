import type { IncomingMessage, ServerResponse } from 'node:http';

/** Which browser origins may call the server (CouchDB's `[cors]` section). */
export interface CorsOptions {
  /** Allowed origins, e.g. `['http://localhost:5173']`, or `'*'` for every origin (then without credentials). */
  readonly origins: readonly string[] | '*';
  /** Whether browsers may send cookies and Basic auth (default true; never with `'*'`). */
  readonly credentials?: boolean;
}

const METHODS = 'GET, HEAD, POST, PUT, DELETE, COPY, OPTIONS';
const HEADERS = 'accept, authorization, content-type, origin, referer, if-match, if-none-match, destination, x-csrf-token';
const EXPOSED = 'content-type, cache-control, accept-ranges, etag, server, x-couch-request-id, x-couch-update-newrev, x-couchdb-body-time';

/** The `Access-Control-Allow-Origin` value for this request's origin, or undefined when it is not allowed. */
function allowedOrigin(cors: CorsOptions, origin: string | undefined): string | undefined {
  if (origin === undefined) return undefined;
  if (cors.origins === '*') return '*';
  return cors.origins.includes(origin) ? origin : undefined;
}

/**
 * Adds CORS headers to the answer of an allowed origin and answers preflight requests (`OPTIONS` with
 * `Access-Control-Request-Method`) itself. Returns true when the request was fully answered here.
 */
export function applyCors(cors: CorsOptions | undefined, req: IncomingMessage, res: ServerResponse): boolean {
  if (cors === undefined) return false;
  const origin = allowedOrigin(cors, req.headers.origin);
  if (origin === undefined) return false;
  res.setHeader('Access-Control-Allow-Origin', origin);
  if (origin !== '*') res.setHeader('Vary', 'Origin');
  if (origin !== '*' && cors.credentials !== false) res.setHeader('Access-Control-Allow-Credentials', 'true');
  if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
    res.writeHead(204, {
      'Access-Control-Allow-Methods': METHODS,
      'Access-Control-Allow-Headers': HEADERS,
      'Access-Control-Max-Age': '600',
    });
    res.end();
    return true;
  }
  res.setHeader('Access-Control-Expose-Headers', EXPOSED);
  return false;
}
