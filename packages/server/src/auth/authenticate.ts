import type { IncomingMessage } from 'node:http';
import { UnauthorizedError } from '@settee/core';
import type { ServerState } from '../server-state.js';
import { verifyPassword } from './pbkdf2.js';
import { authSessionFromCookie, parseSessionToken, sessionTokenValid } from './session-cookie.js';
import { ANONYMOUS, type UserCtx } from './user-ctx.js';
import { findUser } from './users.js';

const ADMIN_PARTY: UserCtx = { name: null, roles: ['_admin'] };
const CACHE_MS = 60_000;
const CACHE_MAX = 1000;

/** How a request was authenticated, as `/_session` reports it. */
export type AuthMethod = 'default' | 'cookie' | undefined;

/** The user a request speaks for. Wrong Basic credentials are a 401 even on public endpoints, as in CouchDB. */
export async function authenticate(req: IncomingMessage, state: ServerState): Promise<{ user: UserCtx; method: AuthMethod }> {
  if (state.adminParty) return { user: ADMIN_PARTY, method: undefined };
  const authorization = req.headers.authorization;
  if (authorization !== undefined && authorization.startsWith('Basic ')) {
    return { user: await basicUser(authorization, state, req.socket.remoteAddress ?? ''), method: 'default' };
  }
  const token = authSessionFromCookie(req.headers.cookie);
  if (token !== undefined && token !== '') {
    const user = await cookieUser(token, state);
    if (user !== undefined) return { user, method: 'cookie' };
  }
  return { user: ANONYMOUS, method: undefined };
}

async function basicUser(header: string, state: ServerState, address: string): Promise<UserCtx> {
  const cached = state.credentials.get(header);
  if (cached !== undefined && cached.expires > Date.now()) return cached.user;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const name = colon < 0 ? decoded : decoded.slice(0, colon);
  const password = colon < 0 ? '' : decoded.slice(colon + 1);
  const user = await checkPassword(state, name, password, address);
  if (user === undefined) throw new UnauthorizedError('Name or password is incorrect.');
  if (state.credentials.size >= CACHE_MAX) state.credentials.clear();
  state.credentials.set(header, { user, expires: Date.now() + CACHE_MS });
  return user;
}

/** The user for a name and password, or undefined when they do not match. */
export async function checkPassword(
  state: ServerState,
  name: string,
  password: string,
  address: string,
): Promise<UserCtx | undefined> {
  state.lockout.check(name, address);
  const user = await verifiedUser(state, name, password);
  if (user === undefined) state.lockout.fail(name, address);
  else state.lockout.succeed(name, address);
  return user;
}

async function verifiedUser(state: ServerState, name: string, password: string): Promise<UserCtx | undefined> {
  const { admin } = state;
  if (admin !== undefined && name === admin.name) {
    return (await verifyPassword(password, { ...admin.hash })) ? { name, roles: ['_admin'] } : undefined;
  }
  const doc = await findUser(state, name);
  if (doc === undefined || !(await verifyPassword(password, doc))) return undefined;
  return { name, roles: rolesOf(doc) };
}

function rolesOf(doc: Record<string, unknown>): string[] {
  const roles = doc['roles'];
  return Array.isArray(roles) ? roles.filter((role): role is string => typeof role === 'string') : [];
}

/** The salt session cookies of this user are keyed with ('' when the user does not exist). */
export async function userSalt(state: ServerState, name: string): Promise<{ salt: string; user: UserCtx } | undefined> {
  const { admin } = state;
  if (admin !== undefined && name === admin.name) return { salt: admin.hash.salt, user: { name, roles: ['_admin'] } };
  const doc = await findUser(state, name);
  const salt = doc?.['salt'];
  if (doc === undefined || typeof salt !== 'string') return undefined;
  return { salt, user: { name, roles: rolesOf(doc) } };
}

async function cookieUser(token: string, state: ServerState): Promise<UserCtx | undefined> {
  const parsed = parseSessionToken(token);
  const found = await userSalt(state, parsed.name);
  if (found === undefined) return undefined;
  return sessionTokenValid(parsed, found.salt, state.secret) ? found.user : undefined;
}
