/** Who sends a request, as CouchDB's `userCtx`: `name` null for anonymous. */
export interface UserCtx {
  readonly name: string | null;
  readonly roles: readonly string[];
}

/** The anonymous user. */
export const ANONYMOUS: UserCtx = { name: null, roles: [] };

/** True for a server admin (role `_admin`). */
export function isServerAdmin(user: UserCtx): boolean {
  return user.roles.includes('_admin');
}
