// The contract's view options as the HTTP view request takes them.
import type { ViewQueryOptions } from '@settee/core';
import type { ViewOptions } from './extras-types.js';

/** `update: true|false` becomes CouchDB's `update=true|false`; everything else passes as is. */
export function viewOptions<K>(options: ViewQueryOptions<K>): ViewOptions {
  const { update, keys, ...rest } = options;
  return {
    ...(rest as ViewOptions),
    ...(keys === undefined ? {} : { keys: [...keys] as ViewOptions['keys'] }),
    ...(update === undefined ? {} : { update: String(update) as ViewOptions['update'] }),
  };
}

/** Write options without `userCtx`: over HTTP the server's session decides who writes. */
export function withoutUserCtx<T extends { userCtx?: unknown }>(options: T): Omit<T, 'userCtx'> {
  const { userCtx: _ignored, ...rest } = options;
  return rest;
}
