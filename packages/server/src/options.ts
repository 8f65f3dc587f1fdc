import type { ServerAdapter } from '@settee/core';
import type { CorsOptions } from './http/cors.js';

/** Options of `createServer`. */
export interface ServerOptions {
  /** Directory of the engine's SQLite files (created if missing). Give this or `engine`. */
  readonly dir?: string;
  /** An engine (or another `ServerAdapter`) to serve instead of opening `dir`; it is not closed by `close()`. */
  readonly engine?: ServerAdapter;
  /** Port to listen on; 0 (default) picks a free one. */
  readonly port?: number;
  /** Interface to bind; default `127.0.0.1`. */
  readonly host?: string;
  /** The server admin. Required unless the host is loopback and `adminParty` is true. */
  readonly admin?: { readonly name: string; readonly password: string };
  /** Everyone is a server admin, as a bare CouchDB 1.x: only allowed on loopback, only when asked for. */
  readonly adminParty?: boolean;
  /** Largest request body accepted, in bytes (413 above it). Default 64 MiB. */
  readonly maxBodyBytes?: number;
  /**
   * CouchDB's `[couchdb] users_db_security_editable`: lets a server admin change `_users/_security`, which is how
   * `_users` is opened for self-signup. Off by default, as in CouchDB 3 (403 on `PUT /_users/_security`).
   */
  readonly usersDbSecurityEditable?: boolean;
  /** PBKDF2 iterations for passwords of new users (CouchDB's default, 600,000, unless set). */
  readonly pbkdf2Iterations?: number;
  /** Key of session cookies; random per process by default. */
  readonly secret?: string;
  /** Browser origins allowed to call the server (off by default, as in CouchDB). */
  readonly cors?: CorsOptions;
  /** Where unexpected failures are reported (one line each, never with credentials). Default: nowhere. */
  readonly log?: (line: string) => void;
}

/** A running server. */
export interface SetteeServer {
  /** `http://host:port`, without credentials. */
  readonly url: string;
  /** The port it listens on. */
  readonly port: number;
  /** The engine it serves. */
  readonly engine: ServerAdapter;
  /** Ends open feeds and connections, stops listening, and closes the engine if the server opened it. */
  close(): Promise<void>;
}

const LOOPBACK: ReadonlySet<string> = new Set(['127.0.0.1', '::1', 'localhost']);

/** True for the loopback interface, the only one where an admin party may run. */
export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || host.startsWith('127.');
}
