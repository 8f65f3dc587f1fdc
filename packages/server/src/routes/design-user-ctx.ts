import type { UserContext } from '@settee/core';
import type { RequestContext } from '../http/context.js';
import type { DbTarget } from './db-target.js';

/**
 * The authenticated user as CouchDB's `userCtx` for one database: what `validate_doc_update` and the `req` of shows,
 * lists and update handlers see. Every write the server makes passes it, so a validator sees the real user (and
 * `_admin` only for server admins) rather than the engine's default.
 */
export function userContextOf(ctx: RequestContext, target: DbTarget): UserContext {
  return { db: target.name, name: ctx.user.name, roles: [...ctx.user.roles] };
}
