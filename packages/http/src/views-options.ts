// The contract's view options as CouchDB's `_view` request takes them.
import type { ViewQueryOptions } from '@settee/core';
import type { Query } from './url.js';

/**
 * `keys` go in a POST body; `update: true|false` becomes CouchDB's `update=true|false`; everything else is a
 * query parameter (url.ts JSON-encodes keys and ranges).
 */
export function viewRequest<K>(options: ViewQueryOptions<K>): { query: Query; keys: readonly K[] | undefined } {
  const { update, keys, ...rest } = options;
  return { query: { ...(rest as Query), ...(update === undefined ? {} : { update: String(update) }) }, keys };
}

/** Write options without `userCtx`: over HTTP the server's session decides who writes. */
export function withoutUserCtx<T extends { userCtx?: unknown }>(options: T): Omit<T, 'userCtx'> {
  const { userCtx: _ignored, ...rest } = options;
  return rest;
}
