import { ForbiddenError, NotFoundError, UnauthorizedError, type DatabaseAdapter } from '@settee/core';
import type { DbRole } from './security.js';
import { requireServerAdmin } from './security.js';
import { isServerAdmin, type UserCtx } from './user-ctx.js';
import { USER_PREFIX, userNameOfId, type UsersDbWriter } from './user-doc-rules.js';
import { assertMayWriteUserDoc, currentDoc } from './users.js';

/** CouchDB's answer to a non-admin reading a design document of `_users`. */
export const USERS_DESIGN_FORBIDDEN = 'Only administrators can view design docs in the users database.';

/** The writer (and reader) a request is in `_users`: database admins there count as admins. */
export function usersDbWriter(user: UserCtx, role: DbRole): UsersDbWriter {
  return { user, isAdmin: role === 'admin' };
}

/** The id of the user's own document, or undefined for anonymous clients (who own none). */
export function ownUserDocId(user: UserCtx): string | undefined {
  return user.name === null ? undefined : USER_PREFIX + user.name;
}

/**
 * CouchDB's `chttpd_auth_request` for `_users` and `_replicator`: `_all_docs` and `_changes` are for server admins
 * only, checked before the database's `_security` (so even a member, or a database admin, gets 401): they would
 * list every user, or every replication with the credentials in its URLs.
 */
export function systemDbListingPreflight(user: UserCtx, endpoint: string | undefined): void {
  if ((endpoint === '_all_docs' || endpoint === '_changes') && !isServerAdmin(user)) requireServerAdmin(user);
}

/** True when the reader may see this document of `_users`: admins all, others their own and local documents. */
export function mayReadUserDoc(reader: UsersDbWriter, id: string): boolean {
  if (reader.isAdmin || id.startsWith('_local/')) return true;
  if (id.startsWith('_design/')) return false;
  return reader.user.name !== null && userNameOfId(id) === reader.user.name;
}

/**
 * CouchDB's `after_doc_read` of `_users`: a non-admin reading a design document gets 403, someone else's user
 * document 404 `not_found` "missing" (as if it did not exist). A document that really is missing answers as usual.
 */
export async function assertMayReadUserDoc(db: DatabaseAdapter, reader: UsersDbWriter, id: string): Promise<void> {
  if (mayReadUserDoc(reader, id)) return;
  // Throws the engine's own 404 (missing or deleted) when there is nothing to read.
  if ((await currentDoc(db, id)) === undefined) await db.get(id);
  if (id.startsWith('_design/')) throw new ForbiddenError(USERS_DESIGN_FORBIDDEN);
  throw new NotFoundError('missing');
}

/**
 * A non-admin changing a design document of `_users` (or one of its attachments): CouchDB's `before_doc_update`
 * answers a signed-in user 404 (the id names no user of theirs), and for an anonymous client the design document
 * check of couch_db refuses with 401 (in other databases a signed-in non-admin gets its 403).
 */
export function refuseUsersDesignWrite(writer: UsersDbWriter): never {
  assertMayWriteUserDoc(writer, '_design/');
  throw new UnauthorizedError('You are not a db or server admin.');
}
