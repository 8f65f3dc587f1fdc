import type { SecurityObject, ServerAdapter } from '@settee/core';
import type { Lockout } from './auth/lockout.js';
import type { CorsOptions } from './http/cors.js';
import type { PasswordHash } from './auth/pbkdf2.js';
import type { UserCtx } from './auth/user-ctx.js';
import type { ReplicationScheduler } from './replication/index.js';

/** Everything the routes share: the engine, the settings and the server's caches. */
export interface ServerState {
  readonly engine: ServerAdapter;
  readonly maxBodyBytes: number;
  /** Everyone is a server admin (only on loopback, only when asked for). */
  readonly adminParty: boolean;
  /** The configured server admin, its password hashed once at start. */
  readonly admin: { readonly name: string; readonly hash: PasswordHash } | undefined;
  /** Keys session cookies; random per process unless configured, so a restart logs everybody out. */
  readonly secret: string;
  /** A server admin may change `_users/_security` (CouchDB's `users_db_security_editable`). */
  readonly usersDbSecurityEditable: boolean;
  /** PBKDF2 iterations for new user passwords. */
  readonly iterations: number;
  /** One line per unexpected failure; never given credentials. */
  readonly log: (line: string) => void;
  /** Verified `Authorization` headers, so PBKDF2 runs once per credential and not once per request. */
  readonly credentials: Map<string, { readonly user: UserCtx; readonly expires: number }>;
  /** `_security` objects by engine database name, dropped when they change or the database goes. */
  readonly security: Map<string, SecurityObject>;
  /** Allowed browser origins, when CORS is on. */
  readonly cors: CorsOptions | undefined;
  /** Failed logins per user and address (CouchDB's lockout). */
  readonly lockout: Lockout;
  /** Stops open feeds when the server closes. */
  readonly feeds: Set<() => void>;
  /** When this server started (CouchDB's `instance_start_time` of `_ensure_full_commit`). */
  readonly startTime: string;
  /** The `Server` header of every answer: CouchDB's product token first, for clients that sniff it. */
  readonly serverHeader: string;
  /** Server-side replications: `_replicate`, `_replicator` documents, `_scheduler`. */
  readonly replication: ReplicationScheduler;
}

/** The engine database that holds `_users` (the engine refuses names starting with `_`). */
/** This server's one node, as `/_membership`, `/_node/{node}` and replication states name it. */
export const NODE_NAME = 'settee@localhost';

export const USERS_DB = 'settee$users';

/** CouchDB's system databases and the engine databases behind them. */
export const SYSTEM_DBS: ReadonlyMap<string, string> = new Map([
  ['_replicator', 'settee$replicator'],
  ['_users', USERS_DB],
  ['_global_changes', 'settee$global_changes'],
]);

/**
 * The system databases that exist from the first start and cannot be deleted. The others (`_global_changes`, which
 * CouchDB 3 no longer needs but older setups still list) are created and deleted like any database.
 */
export const PERMANENT_SYSTEM_DBS: ReadonlySet<string> = new Set(['_replicator', '_users']);

const HIDDEN: ReadonlySet<string> = new Set(SYSTEM_DBS.values());

/** The engine's name for a database named in a URL, or undefined when that name is hidden. */
export function engineDbName(name: string): string | undefined {
  const system = SYSTEM_DBS.get(name);
  if (system !== undefined) return system;
  return HIDDEN.has(name) ? undefined : name;
}

/** The name clients see for an engine database, or undefined for none. */
export function visibleDbName(engineName: string): string {
  for (const [visible, internal] of SYSTEM_DBS) if (internal === engineName) return visible;
  return engineName;
}
