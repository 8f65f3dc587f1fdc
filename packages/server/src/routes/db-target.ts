import type { DatabaseAdapter } from '@settee/core';
import type { DbRole } from '../auth/security.js';
import type { RequestContext } from '../http/context.js';
import { baseUrl } from '../http/method.js';
import { USERS_DB } from '../server-state.js';

/** The database a request addresses and what its user may do there. */
export interface DbTarget {
  /** The name as clients use it (`_users` for the users database). */
  readonly name: string;
  /** The engine's name for it. */
  readonly engineName: string;
  readonly db: DatabaseAdapter;
  readonly role: DbRole;
}

/** True for the database holding user documents (writes hash passwords there). */
export function isUsersDb(target: DbTarget): boolean {
  return target.engineName === USERS_DB;
}

/** encodeURIComponent plus the characters CouchDB also escapes in `Location` (`(`, `)`...). */
function encodeStrict(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** A document id (or attachment name) as one path segment, as CouchDB writes it in `Location`: `/` escaped, `:` kept. */
export function encodeDocPath(id: string): string {
  return encodeStrict(id).replaceAll('%3A', ':');
}

/** The `Location` of a database, one of its documents, or an attachment. */
export function locationOf(ctx: RequestContext, db: string, id?: string, attachment?: string): string {
  const dbPath = `${baseUrl(ctx)}/${encodeStrict(db)}`;
  if (id === undefined) return dbPath;
  const docPath = `${dbPath}/${encodeDocPath(id)}`;
  return attachment === undefined ? docPath : `${docPath}/${encodeDocPath(attachment)}`;
}
