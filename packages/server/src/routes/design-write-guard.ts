import { requireDbAdmin } from '../auth/security.js';
import { refuseUsersDesignWrite, usersDbWriter } from '../auth/users-access.js';
import type { RequestContext } from '../http/context.js';
import { isUsersDb, type DbTarget } from './db-target.js';

/**
 * A write of a design document (or of one of its attachments) is for database admins only. In `_users` a signed-in
 * non-admin names no user of theirs with it, so CouchDB's before_doc_update answers 404 first.
 */
export function guardDesignWrite(ctx: RequestContext, target: DbTarget, docId: string): void {
  if (!docId.startsWith('_design/') || target.role === 'admin') return;
  if (isUsersDb(target)) refuseUsersDesignWrite(usersDbWriter(ctx.user, target.role));
  requireDbAdmin(target.role, ctx.user);
}
