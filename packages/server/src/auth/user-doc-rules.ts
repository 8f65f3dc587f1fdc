import { ForbiddenError } from '@settee/core';
import { isServerAdmin, type UserCtx } from './user-ctx.js';

/** The id prefix of every user document. */
export const USER_PREFIX = 'org.couchdb.user:';

/** Who writes a user document: the user, and whether they administer `_users` (server or database admin). */
export interface UsersDbWriter {
  readonly user: UserCtx;
  readonly isAdmin: boolean;
}

/** The user name a document id stands for, or undefined for ids without the `org.couchdb.user:` prefix. */
export function userNameOfId(id: string): string | undefined {
  return id.startsWith(USER_PREFIX) ? id.slice(USER_PREFIX.length) : undefined;
}

const PASSWORD_SCHEMES: ReadonlySet<string> = new Set(['simple', 'pbkdf2', 'simple+pbkdf2']);

function forbid(reason: string): never {
  throw new ForbiddenError(reason);
}

function sameRoles(before: unknown, after: readonly string[]): boolean {
  const old = Array.isArray(before) ? [...(before as unknown[])].sort() : [];
  const now = [...after].sort();
  return old.length === now.length && old.every((role, i) => role === now[i]);
}

/**
 * The checks of a deletion: only server admins and the user may delete a user document. CouchDB's `_auth` function
 * asks for the `_admin` role here, so a database admin of `_users` may not delete other users' documents.
 */
function checkDelete(writer: UsersDbWriter, oldDoc: Readonly<Record<string, unknown>> | undefined): void {
  // Without a stored document there is nothing to delete: the engine answers (404 or 409) as for any database.
  if (isServerAdmin(writer.user) || oldDoc === undefined || writer.user.name === (oldDoc['name'] ?? null)) return;
  forbid('Only admins may delete other user docs.');
}

/** The fields every user document needs, in the order CouchDB checks them. */
function checkShape(doc: Readonly<Record<string, unknown>>): { name: string; roles: string[] } {
  if (doc['type'] !== 'user') forbid('doc.type must be user');
  const name = doc['name'];
  if (typeof name !== 'string' || name === '') forbid('doc.name is required');
  const roles = doc['roles'];
  if (!roles) forbid('doc.roles must exist');
  if (!Array.isArray(roles)) forbid('doc.roles must be an array');
  if (!roles.every((role): role is string => typeof role === 'string')) forbid('doc.roles can only contain strings');
  if (doc['_id'] !== USER_PREFIX + name) forbid('Doc ID must be of the form org.couchdb.user:name');
  return { name, roles };
}

/** Stored password fields must be complete (checked after a clear-text `password` was hashed). */
function checkPasswordFields(doc: Readonly<Record<string, unknown>>): void {
  if (doc['password_sha'] && !doc['salt']) {
    forbid('Users with password_sha must have a salt.See /_utils/script/couch.js for example code.');
  }
  const scheme = doc['password_scheme'];
  if (scheme && !(typeof scheme === 'string' && PASSWORD_SCHEMES.has(scheme))) {
    forbid(`Password scheme \`${String(scheme)}\` not supported.`);
  }
  if (scheme === 'pbkdf2') {
    if (typeof doc['iterations'] !== 'number') forbid('iterations must be a number.');
    if (typeof doc['derived_key'] !== 'string') forbid('derived_key must be a string.');
  }
}

/**
 * CouchDB's `_users` validation (the `_design/_auth` validate_doc_update of couch_js_functions.hrl), on the document
 * as it will be stored (a clear-text password already hashed): the shape of a user document, then the rules for
 * non-admins (only their own document, no role changes, no roles at signup), then names and roles no one may use.
 * Throws CouchDB's 403 `forbidden` with its reason.
 */
export function validateUserDoc(
  doc: Readonly<Record<string, unknown>>,
  oldDoc: Readonly<Record<string, unknown>> | undefined,
  writer: UsersDbWriter,
): void {
  if (doc['_deleted'] === true) {
    checkDelete(writer, oldDoc);
    return;
  }
  const { name, roles } = checkShape(doc);
  if (oldDoc !== undefined && oldDoc['name'] !== name) forbid('Usernames can not be changed.');
  checkPasswordFields(doc);
  if (!writer.isAdmin) {
    if (oldDoc !== undefined) {
      if (writer.user.name !== name) forbid('You may only update your own user document.');
      if (!sameRoles(oldDoc['roles'], roles)) forbid('Only _admin may edit roles');
    } else if (roles.length > 0) {
      forbid('Only _admin may set roles');
    }
  }
  if (roles.some((role) => role !== '_metrics' && role.startsWith('_'))) {
    forbid('No system roles (starting with underscore) in users db.');
  }
  if (name.startsWith('_')) forbid('Username may not start with underscore.');
  if (name.includes(':')) forbid('Character `:` is not allowed in usernames.');
}
