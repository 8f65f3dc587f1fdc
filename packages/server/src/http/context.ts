import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerAdapter } from '@settee/core';
import type { UserCtx } from '../auth/user-ctx.js';
import type { ServerState } from '../server-state.js';

/** One request as the routes see it: decoded path segments, the query, the authenticated user. */
export interface RequestContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** Upper-case method; `HEAD` is kept so routes can answer without a body. */
  readonly method: string;
  /** Path segments, percent-decoded one by one (so `%2F` stays inside its segment). */
  readonly segments: readonly string[];
  /** The raw query string without `?` (parsed on demand). */
  readonly rawQuery: string;
  /** Who sends the request: anonymous until authentication has run. */
  user: UserCtx;
  readonly state: ServerState;
  readonly engine: ServerAdapter;
  /** A `Set-Cookie` value every answer to this request carries (login, logout). */
  setCookie: string | undefined;
}

/** Splits `/a/b%2Fc?x=1` into decoded segments and the raw query. `+` in a path is a space, as in CouchDB. */
export function splitUrl(url: string): { segments: string[]; rawQuery: string } {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const rawQuery = q < 0 ? '' : url.slice(q + 1);
  const parts = path.split('/');
  const segments: string[] = [];
  // parts[0] is the empty string before the leading slash.
  for (let i = 1; i < parts.length; i += 1) {
    const part = parts[i] ?? '';
    segments.push(decodeSegment(part));
  }
  // A trailing slash (`/db/`) addresses the same resource as `/db`.
  if (segments.length > 1 && segments[segments.length - 1] === '') segments.pop();
  return { segments, rawQuery };
}

function decodeSegment(part: string): string {
  if (!part.includes('%') && !part.includes('+')) return part;
  try {
    return decodeURIComponent(part.replaceAll('+', ' '));
  } catch {
    return part;
  }
}
