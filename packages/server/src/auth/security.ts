import { ForbiddenError, UnauthorizedError, type CreateDbOptions, type SecurityObject, type ServerAdapter } from '@settee/core';
import type { ServerState } from '../server-state.js';
import { isServerAdmin, type UserCtx } from './user-ctx.js';

/** What a user may do in one database. */
export type DbRole = 'admin' | 'member';

/** CouchDB 3's `default_security = admin_only`: what every new database gets. */
const ADMIN_ONLY: SecurityObject = { members: { roles: ['_admin'] }, admins: { roles: ['_admin'] } };

/** Creates a database as CouchDB 3 does: admin-only (`ADMIN_ONLY`) until someone PUTs a `_security` object. */
export async function createAdminOnlyDb(engine: ServerAdapter, engineName: string, options?: CreateDbOptions): Promise<void> {
  await engine.createDb(engineName, options);
  await engine.db(engineName).putSecurity(ADMIN_ONLY);
}

/** A `names` or `roles` list as CouchDB reads it: only a list of strings lists anyone. */
function listed(value: unknown): readonly string[] {
  return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : [];
}

function matches(user: UserCtx, group: unknown): boolean {
  if (typeof group !== 'object' || group === null) return false;
  const { names, roles } = group as { names?: unknown; roles?: unknown };
  if (user.name !== null && listed(names).includes(user.name)) return true;
  return listed(roles).some((role) => user.roles.includes(role));
}

/** No member listed: CouchDB's public database. Anything but absent or empty lists (even a malformed one) restricts. */
function isEmpty(group: unknown): boolean {
  if (group === undefined) return true;
  if (typeof group !== 'object' || group === null || Array.isArray(group)) return false;
  const { names, roles } = group as { names?: unknown; roles?: unknown };
  const none = (list: unknown): boolean => list === undefined || (Array.isArray(list) && list.length === 0);
  return none(names) && none(roles);
}

/** The members of a database: `members`, or `readers` as CouchDB 1.0 called them (couch_db get_members). */
function membersOf(security: SecurityObject): unknown {
  return 'members' in security ? security.members : (security as { readers?: unknown }).readers;
}

/**
 * The database's `_security`, cached until the server writes it again. `_users` starts admin-only like every
 * database (CouchDB 3's default); a server admin opening it (`members` empty) lets clients sign up and manage their
 * own user document under the users database's rules (`users-access.ts`).
 */
export async function securityOf(state: ServerState, db: string): Promise<SecurityObject> {
  const cached = state.security.get(db);
  if (cached !== undefined) return cached;
  const security = await state.engine.db(db).getSecurity();
  state.security.set(db, security);
  return security;
}

/**
 * CouchDB's access rule: server admins and db admins are admins; with no members listed everyone is a member;
 * otherwise anonymous users get 401 and authenticated non-members 403. Throws 404 when the database is missing.
 */
export async function dbRole(state: ServerState, db: string, user: UserCtx): Promise<DbRole> {
  const security = await securityOf(state, db);
  if (isServerAdmin(user) || matches(user, security.admins)) return 'admin';
  const members = membersOf(security);
  if (isEmpty(members) || matches(user, members)) return 'member';
  if (user.name === null) throw new UnauthorizedError('You are not authorized to access this db.');
  throw new ForbiddenError('You are not allowed to access this db.');
}

/**
 * couch_db's `check_is_admin`: unless the user administers this database, an anonymous client is asked to log in
 * (401) and a signed-in one refused (403), both `You are not a db or server admin.` (throw_security_error).
 */
export function requireDbAdmin(role: DbRole, user: UserCtx): void {
  if (role === 'admin') return;
  const reason = 'You are not a db or server admin.';
  throw user.name === null ? new UnauthorizedError(reason) : new ForbiddenError(reason);
}

/**
 * CouchDB's `require_db_admin` of `_compact` and `_view_cleanup`: checked before membership, so whoever is not a
 * server or database admin (members and strangers alike) gets this 401. Throws 404 when the database is missing.
 */
export async function requireDbAdminOf(state: ServerState, db: string, user: UserCtx): Promise<void> {
  const security = await securityOf(state, db);
  if (!isServerAdmin(user) && !matches(user, security.admins)) throw new UnauthorizedError('You are not a server or db admin.');
}

/** Throws CouchDB's 401 unless the user is a server admin. */
export function requireServerAdmin(user: UserCtx): void {
  if (!isServerAdmin(user)) throw new UnauthorizedError('You are not a server admin.');
}
