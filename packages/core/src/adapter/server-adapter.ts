import type { AllDbsOptions, CreateDbOptions, OkResponse, ServerInfo } from './info.js';
import type { DatabaseAdapter } from './database-adapter.js';

/**
 * A CouchDB server, as every Settee backend exposes it: the bundled engine (memory or SQLite) or a remote CouchDB
 * over HTTP. Repositories, streams and the replicator are written against this contract only.
 *
 * Rules every implementation keeps:
 * - Database names follow CouchDB's rule `^[a-z][a-z0-9_$()+/-]*$`; others reject with `BadRequestError`
 *   `illegal_database_name` (`database_name_too_long` above 238 characters). Creating an existing database rejects with
 *   `PreconditionFailedError` `file_exists`; using a missing one with `NotFoundError` "Database does not exist.".
 * - `db(name)` performs no I/O; errors surface on first use.
 * - `close()` ends live feeds and releases storage or connections; the adapter is unusable afterwards.
 */
export interface ServerAdapter {
  /** The server's welcome object (`couchdb: "Welcome"`, `version`, `vendor`). */
  info(): Promise<ServerInfo>;

  /** Names of all databases in byte order (CouchDB's `_all_dbs`). */
  allDbs(options?: AllDbsOptions): Promise<string[]>;

  /** Creates a database. */
  createDb(name: string, options?: CreateDbOptions): Promise<OkResponse>;

  /** Deletes a database and everything in it. */
  deleteDb(name: string): Promise<OkResponse>;

  /** A handle on one database. */
  db(name: string): DatabaseAdapter;

  /** `count` fresh UUIDs (32 lowercase hex characters each), CouchDB's `_uuids`. */
  uuids(count?: number): Promise<string[]>;

  /** Ends feeds and releases resources. */
  close(): Promise<void>;
}
