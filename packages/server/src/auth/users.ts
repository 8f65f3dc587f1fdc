import { ForbiddenError, NotFoundError, type DatabaseAdapter, type JsonObject } from '@settee/core';
import { USERS_DB, type ServerState } from '../server-state.js';
import { hashPassword } from './pbkdf2.js';
import { USER_PREFIX, userNameOfId, validateUserDoc, type UsersDbWriter } from './user-doc-rules.js';

export { USER_PREFIX } from './user-doc-rules.js';

/** A stored user document with its `_conflicts`, or undefined when there is none (or it is deleted). */
export async function findUser(state: ServerState, name: string): Promise<JsonObject | undefined> {
  try {
    return (await state.engine.db(USERS_DB).get(USER_PREFIX + name, { conflicts: true })) as JsonObject;
  } catch {
    return undefined;
  }
}

/** The current revision of a document, or undefined when it is missing or deleted. */
export async function currentDoc(db: DatabaseAdapter, id: string): Promise<Record<string, unknown> | undefined> {
  try {
    return (await db.get(id)) as unknown as Record<string, unknown>;
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

/**
 * CouchDB's `before_doc_update` of `_users`: a signed-in user who is not an admin may only write the document of
 * their own name (any other id is 404 `not_found`, as if it did not exist); anonymous clients may write (to sign
 * up) and are judged by the validation.
 */
export function assertMayWriteUserDoc(writer: UsersDbWriter, id: unknown): void {
  if (writer.isAdmin || writer.user.name === null) return;
  if (typeof id === 'string' && userNameOfId(id) === writer.user.name) return;
  throw new NotFoundError('missing');
}

/** Replaces a clear-text `password` by PBKDF2 fields (a fresh salt each time), so no password is ever stored. */
async function hashed(state: ServerState, doc: Record<string, unknown>): Promise<Record<string, unknown>> {
  const password = doc['password'];
  // `password: null` is how server admins' documents look: kept as is, like CouchDB.
  if (password === undefined || password === null) return doc;
  if (typeof password !== 'string') throw new ForbiddenError('doc.password must be a string');
  const { password: _dropped, ...rest } = doc;
  return { ...rest, ...(await hashPassword(password, state.iterations)) };
}

/**
 * A write into `_users` as CouchDB 3 judges it: who may write this id, then the password hashed, then the `_auth`
 * validation against the revision it replaces (`_rev`, or `rev` from the query or `If-Match`). Local documents pass
 * unchanged; design documents only get the first check (a signed-in non-admin names no user with them, so it is
 * 404), the engine then refusing them to anyone but database admins. Returns the document to store.
 */
export async function prepareUserDoc(
  state: ServerState,
  doc: Record<string, unknown>,
  writer: UsersDbWriter,
  db: DatabaseAdapter,
  rev?: string,
): Promise<Record<string, unknown>> {
  const id = doc['_id'];
  if (typeof id === 'string' && id.startsWith('_local/')) return doc;
  assertMayWriteUserDoc(writer, id);
  if (typeof id === 'string' && id.startsWith('_design/')) return doc;
  const next = doc['_deleted'] === true ? doc : await hashed(state, doc);
  const current = typeof id === 'string' ? await currentDoc(db, id) : undefined;
  // Without a revision, a write over a live document is a conflict: the engine answers 409, as CouchDB does before
  // validating.
  const named = next['_rev'] ?? rev ?? revisionsHead(next['_revisions']);
  if (current !== undefined && named === undefined) return next;
  validateUserDoc(next, await previousRevision(db, current, named), writer);
  return next;
}

/** The newest revision of a replicated document's `_revisions` (`new_edits: false` may carry only these). */
function revisionsHead(revisions: unknown): string | undefined {
  if (typeof revisions !== 'object' || revisions === null) return undefined;
  const { start, ids } = revisions as { start?: unknown; ids?: unknown };
  return typeof start === 'number' && Array.isArray(ids) && typeof ids[0] === 'string' ? `${start}-${ids[0]}` : undefined;
}

/**
 * The revision a write replaces, which the validation compares with: the named one when it exists, else the
 * current one (the stricter choice; the engine then refuses the unknown revision anyway).
 */
async function previousRevision(
  db: DatabaseAdapter,
  current: Record<string, unknown> | undefined,
  rev: unknown,
): Promise<Record<string, unknown> | undefined> {
  if (current === undefined || typeof rev !== 'string' || rev === current['_rev']) return current;
  try {
    return (await db.get(String(current['_id']), { rev })) as unknown as Record<string, unknown>;
  } catch (error) {
    if (error instanceof NotFoundError) return current;
    throw error;
  }
}
