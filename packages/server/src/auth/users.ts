import type { JsonObject } from '@settee/core';
import { ForbiddenError } from '@settee/core';
import { USERS_DB, type ServerState } from '../server-state.js';
import { hashPassword } from './pbkdf2.js';

/** The id prefix of every user document. */
export const USER_PREFIX = 'org.couchdb.user:';

/** A stored user document, or undefined when there is none (or it is deleted). */
export async function findUser(state: ServerState, name: string): Promise<JsonObject | undefined> {
  try {
    return (await state.engine.db(USERS_DB).get(USER_PREFIX + name)) as JsonObject;
  } catch {
    return undefined;
  }
}

/**
 * Checks a user document as CouchDB's `_users` validation does and replaces a clear-text `password` by its PBKDF2
 * fields, so no password is ever stored. Design and local documents pass unchanged.
 */
export async function prepareUserDoc(state: ServerState, doc: Record<string, unknown>): Promise<Record<string, unknown>> {
  const id = doc['_id'];
  if (typeof id !== 'string' || id.startsWith('_design/') || id.startsWith('_local/')) return doc;
  if (doc['_deleted'] === true) return doc;
  if (!id.startsWith(USER_PREFIX) || doc['name'] !== id.slice(USER_PREFIX.length)) {
    throw new ForbiddenError('Doc ID must be of the form org.couchdb.user:name');
  }
  if (doc['type'] !== 'user') throw new ForbiddenError('doc.type must be user');
  const roles = doc['roles'];
  if (!Array.isArray(roles) || !roles.every((role) => typeof role === 'string')) {
    throw new ForbiddenError('doc.roles must be an array');
  }
  const password = doc['password'];
  if (password === undefined) return doc;
  if (typeof password !== 'string') throw new ForbiddenError('doc.password must be a string');
  const { password: _dropped, ...rest } = doc;
  return { ...rest, ...(await hashPassword(password, state.iterations)) };
}
