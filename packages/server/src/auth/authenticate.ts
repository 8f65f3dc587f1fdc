import type { IncomingMessage } from 'node:http';
import { UnauthorizedError } from '@settee/core';
import type { ServerState } from '../server-state.js';
import { verifyPassword } from './pbkdf2.js';
import { authSessionFromCookie, makeSessionToken, parseSessionToken, sessionCookieHeader, sessionTokenAge, sessionTokenValid, SESSION_TIMEOUT } from './session-cookie.js';
import { renewSessionCookie } from './session-renewal.js';
import { ANONYMOUS, type UserCtx } from './user-ctx.js';
import { findUser } from './users.js';

const ADMIN_PARTY: UserCtx = { name: null, roles: ['_admin'] };
const CACHE_MS = 60_000;
const CACHE_MAX = 1000;

/** How a request was authenticated, as `/_session` reports it. */
export type AuthMethod = 'default' | 'cookie' | undefined;

/**
 * The user a request speaks for, trying CouchDB 3's handlers in their order: a valid `AuthSession` cookie, then
 * Basic credentials. Wrong Basic credentials are a 401 even on public endpoints, as in CouchDB.
 */
export async function authenticate(req: IncomingMessage, state: ServerState): Promise<{ user: UserCtx; method: AuthMethod }> {
  if (state.adminParty) return { user: ADMIN_PARTY, method: undefined };
  const token = authSessionFromCookie(req.headers.cookie);
  if (token !== undefined && token !== '') {
    const user = await cookieUser(req, token, state);
    if (user !== undefined) return { user, method: 'cookie' };
  }
  const credentials = basicCredentials(req.headers.authorization);
  if (credentials !== undefined) {
    return { user: await basicUser(credentials, state, req.socket.remoteAddress ?? ''), method: 'default' };
  }
  return { user: ANONYMOUS, method: undefined };
}

/**
 * Name and password of a `Basic` header. Anything else (another scheme, no colon, or the `_:_` that browsers send
 * to forget their credentials) is no credentials at all: the request goes on anonymously, as in CouchDB.
 */
function basicCredentials(header: string | undefined): { name: string; password: string; header: string } | undefined {
  if (header === undefined || !header.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const name = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  if (name === '_' && password === '_') return undefined;
  return { name, password, header };
}

async function basicUser(credentials: { name: string; password: string; header: string }, state: ServerState, address: string): Promise<UserCtx> {
  const { name, password } = credentials;
  state.lockout.check(name, address);
  const stored = await storedCredentials(state, name);
  // The cache keys on the stored revision too: a changed password, new roles or a deleted user take effect at once.
  const key = `${credentials.header}\u0000${stored?.version ?? ''}`;
  const cached = state.credentials.get(key);
  if (cached !== undefined && cached.expires > Date.now()) return cached.user;
  const user = await verified(state, name, password, address, stored);
  if (user === undefined) throw new UnauthorizedError('Name or password is incorrect.');
  if (state.credentials.size >= CACHE_MAX) state.credentials.clear();
  state.credentials.set(key, { user, expires: Date.now() + CACHE_MS });
  return user;
}

/** A user's password fields, roles, salt and a version that changes whenever they do. */
interface StoredCredentials {
  readonly user: UserCtx;
  readonly hash: Record<string, unknown>;
  readonly salt: string | undefined;
  readonly version: string;
}

/**
 * The server admin's credentials, or the user document's. The admin keeps the password given at start and gains
 * the roles of a user document of the same name (chttpd_auth_cache add_roles). A user document with conflicts
 * authenticates no one until they are resolved, since either branch could hold the password.
 */
async function storedCredentials(state: ServerState, name: string): Promise<StoredCredentials | undefined> {
  const { admin } = state;
  const doc = await findUser(state, name);
  if (admin !== undefined && name === admin.name) {
    const roles = ['_admin', ...(doc === undefined ? [] : rolesOf(doc))];
    return { user: { name, roles }, hash: { ...admin.hash }, salt: admin.hash.salt, version: `admin\u0000${String(doc?.['_rev'])}` };
  }
  if (doc === undefined) return undefined;
  if (Array.isArray(doc['_conflicts']) && doc['_conflicts'].length > 0) {
    throw new UnauthorizedError('User document conflicts must be resolved before the document is used for authentication purposes.');
  }
  const salt = doc['salt'];
  return { user: { name, roles: rolesOf(doc) }, hash: doc, salt: typeof salt === 'string' ? salt : undefined, version: String(doc['_rev']) };
}

/** The user for a name and password, or undefined when they do not match (counted by the lockout). */
export async function checkPassword(
  state: ServerState,
  name: string,
  password: string,
  address: string,
): Promise<UserCtx | undefined> {
  state.lockout.check(name, address);
  return verified(state, name, password, address, await storedCredentials(state, name));
}

/**
 * The stored user when `password` is theirs, else undefined. The lockout counts wrong passwords of existing users
 * only, as CouchDB's (couch_httpd_auth: an unknown name is a 401 before any lockout): names that are no user would
 * otherwise fill its table with whatever clients send.
 */
async function verified(state: ServerState, name: string, password: string, address: string, stored: StoredCredentials | undefined): Promise<UserCtx | undefined> {
  if (stored === undefined) return undefined;
  const user = (await verifyPassword(password, stored.hash)) ? stored.user : undefined;
  if (user === undefined) state.lockout.fail(name, address);
  else state.lockout.succeed(name, address);
  return user;
}

function rolesOf(doc: Record<string, unknown>): string[] {
  const roles = doc['roles'];
  return Array.isArray(roles) ? roles.filter((role): role is string => typeof role === 'string') : [];
}

/** The salt session cookies of this user are keyed with (undefined when the user does not exist or has none). */
export async function userSalt(state: ServerState, name: string): Promise<{ salt: string; user: UserCtx } | undefined> {
  const stored = await storedCredentials(state, name);
  return stored?.salt === undefined ? undefined : { salt: stored.salt, user: stored.user };
}

/**
 * The user of a valid session cookie, or undefined (expired, forged, unknown user: the next handler decides). A
 * malformed cookie is CouchDB's 400. Past a tenth of its life the cookie is renewed with the answer.
 */
async function cookieUser(req: IncomingMessage, token: string, state: ServerState): Promise<UserCtx | undefined> {
  const parsed = parseSessionToken(token);
  const found = await userSalt(state, parsed.name);
  if (found === undefined || !sessionTokenValid(parsed, found.salt, state.secret)) return undefined;
  if (sessionTokenAge(parsed) > SESSION_TIMEOUT * 0.1) {
    renewSessionCookie(req, sessionCookieHeader(makeSessionToken(parsed.name, found.salt, state.secret)));
  }
  return found.user;
}
