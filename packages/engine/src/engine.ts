import {
  BadRequestError,
  NotFoundError,
  PreconditionFailedError,
  type AllDbsOptions,
  type CreateDbOptions,
  type DatabaseAdapter,
  type DbUpdate,
  type DbUpdatesAdapter,
  type DbUpdatesOptions,
  type DbUpdatesResponse,
  type LiveDbUpdatesOptions,
  type OkResponse,
  type ServerAdapter,
  type ServerInfo,
} from '@settee/core';
import { availableParallelism } from 'node:os';
import type { Observable } from 'rxjs';
import { sharedRevHashPool, type RevHashPool } from './revs/rev-hash-pool.js';
import { compareUtf8 } from './storage/compare-utf8.js';
import { MemoryStorageProvider } from './storage/memory-storage.js';
import { SqliteStorageProvider } from './storage/sqlite-storage.js';
import type { StorageProvider } from './storage/storage.js';
import { CommitSignal } from './database/commit-signal.js';
import { loadMeta, metaOp, type DbContext } from './database/db-context.js';
import { EngineDatabase, type OpenDatabase } from './database/engine-database.js';
import { assertDatabaseName } from './database/names.js';
import { SPACE } from './database/records.js';
import { SequentialUuids } from './sequential-uuids.js';
import { DbUpdatesLog } from './server/db-updates-log.js';
import { dbUpdatesStoreFor } from './server/db-updates-store.js';
import { ENGINE_VERSION } from './version.js';

/** Settings that go with any storage choice. */
export interface EngineCommonOptions {
  /**
   * Lets big bulk writes (64 documents or more) compute revision hashes on a second thread as well. Default: on
   * when the machine has more than one core. Revision ids are the same either way.
   */
  hashThread?: boolean;
}

/** Where the engine keeps its databases, and {@link EngineCommonOptions}. */
export type EngineOptions = EngineCommonOptions &
  (
  | { storage: 'memory' }
  | {
      storage: 'sqlite';
      /** Directory holding one SQLite file per database; created if missing. */
      dir: string;
      /** `normal` (default) survives process crashes; `full` also survives power loss, at an fsync per batch. */
      synchronous?: 'normal' | 'full';
    }
  | { storage: StorageProvider }
  );

const MAX_UUIDS = 1000;
const DB_MISSING = 'Database does not exist.';

/**
 * The bundled CouchDB-compatible engine, behind the same `ServerAdapter` contract as a remote CouchDB.
 *
 * ```ts
 * const engine = createEngine({ storage: 'sqlite', dir: './data' });
 * await engine.createDb('playlist');
 * const { id, rev } = await engine.db('playlist').post({ mySongs: [] });
 * ```
 */
export function createEngine(options: EngineOptions): Engine {
  const hashThread = options.hashThread ?? availableParallelism() > 1;
  return new Engine(providerFor(options), hashThread ? sharedRevHashPool() : undefined);
}

function providerFor(options: EngineOptions): StorageProvider {
  if (typeof options.storage === 'object') return options.storage;
  if (options.storage === 'memory') return new MemoryStorageProvider();
  if (options.storage === 'sqlite') {
    return new SqliteStorageProvider({ dir: options.dir, synchronous: options.synchronous ?? 'normal' });
  }
  const given: unknown = (options as { storage: unknown }).storage;
  throw new BadRequestError(`Unknown engine storage ${JSON.stringify(given)}: use 'memory', 'sqlite' or a StorageProvider.`);
}

export class Engine implements ServerAdapter, DbUpdatesAdapter {
  private readonly opened = new Map<string, OpenDatabase>();
  private readonly uuids$ = new SequentialUuids();
  private readonly serverUuid = new SequentialUuids().next();
  private closed = false;
  /** Databases created, updated and deleted, for `_db_updates` (kept beside the files of a SQLite directory). */
  private readonly updates: DbUpdatesLog;

  /**
   * Usually made by {@link createEngine}.
   *
   * @param hashPool a second thread for revision hashes of big batches (shared by engines: not closed here).
   */
  constructor(
    private readonly provider: StorageProvider,
    private readonly hashPool?: RevHashPool,
  ) {
    this.updates = new DbUpdatesLog(dbUpdatesStoreFor(provider));
  }

  /**
   * Where the databases live, for `DatabaseAdapter.location`: the directory of a storage that has one (it outlives
   * the process), else this engine instance's uuid.
   */
  private get location(): string {
    return `settee-engine:${this.provider.kind}:${this.provider.location ?? this.serverUuid}`;
  }

  /** The storage kind (`memory`, `sqlite`), for messages and benchmarks. */
  get storageKind(): string {
    return this.provider.kind;
  }

  async info(): Promise<ServerInfo> {
    return {
      couchdb: 'Welcome',
      version: '3.4.3',
      vendor: { name: 'Settee', version: ENGINE_VERSION },
      features: ['settee-engine', `storage-${this.provider.kind}`],
      uuid: this.serverUuid,
    };
  }

  async allDbs(options: AllDbsOptions = {}): Promise<string[]> {
    this.assertOpen();
    let names = this.provider.list().sort(compareUtf8);
    const { startkey, endkey, descending } = options;
    if (descending) names.reverse();
    const before = (a: string, b: string) => (descending ? compareUtf8(a, b) > 0 : compareUtf8(a, b) < 0);
    if (startkey !== undefined) names = names.filter((n) => !before(n, startkey));
    if (endkey !== undefined) names = names.filter((n) => before(n, endkey) || (options.inclusive_end !== false && n === endkey));
    const skip = options.skip ?? 0;
    return names.slice(skip, options.limit === undefined ? undefined : skip + options.limit);
  }

  async createDb(name: string, options: CreateDbOptions = {}): Promise<OkResponse> {
    this.assertOpen();
    assertPartitionedOption(name, options.partitioned);
    assertDatabaseName(name);
    const q = options.q ?? 2;
    if (!Number.isInteger(q) || q < 1) throw new BadRequestError('The `q` value should be a positive integer.');
    if (options.n !== undefined && (!Number.isInteger(options.n) || options.n < 1)) {
      throw new BadRequestError('The `n` value should be a positive integer.');
    }
    if (this.provider.exists(name)) {
      throw new PreconditionFailedError('The database could not be created, the file already exists.', { error: 'file_exists' });
    }
    const storage = this.provider.create(name);
    const meta = loadMeta(storage);
    const props = { q, ...(options.partitioned ? { partitioned: true } : {}) };
    storage.write([metaOp(meta), { type: 'put', space: SPACE.meta, key: 'props', value: JSON.stringify(props) }]);
    storage.close();
    this.updates.record(name, 'created');
    return { ok: true };
  }

  async deleteDb(name: string): Promise<OkResponse> {
    this.assertOpen();
    if (typeof name !== 'string' || !this.provider.exists(name)) throw new NotFoundError(DB_MISSING);
    this.opened.get(name)?.signal.close();
    this.opened.delete(name);
    this.provider.destroy(name);
    this.updates.record(name, 'deleted');
    return { ok: true };
  }

  db(name: string): DatabaseAdapter {
    return new EngineDatabase(name, (dbName) => this.openDatabase(dbName), `${this.location}/${name}`, this.hashPool);
  }

  async uuids(count = 1): Promise<string[]> {
    if (!Number.isInteger(count) || count < 0) throw new BadRequestError('count must be a positive integer');
    if (count > MAX_UUIDS) throw new BadRequestError('count parameter too large');
    return Array.from({ length: count }, () => this.uuids$.next());
  }

  /**
   * CouchDB's `_db_updates`: the databases created, updated (a write committed) and deleted after `since`, each
   * database once per event type at its latest seq. A `longpoll` waits for the next event or `timeout`.
   */
  async dbUpdates(options: DbUpdatesOptions = {}): Promise<DbUpdatesResponse> {
    this.assertOpen();
    return this.updates.read(options);
  }

  /**
   * `_db_updates` as a live Observable: the events after `since` (default `0`; `'now'` skips the past), then each
   * new one, once each and in seq order. Unsubscribing stops it; closing the engine completes it.
   */
  liveDbUpdates(options: LiveDbUpdatesOptions = {}): Observable<DbUpdate> {
    return this.updates.live(options);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const open of this.opened.values()) open.signal.close();
    this.opened.clear();
    this.updates.close();
    this.provider.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new BadRequestError('This engine was closed; create a new one.', { error: 'engine_closed' });
  }

  private openDatabase(name: string): OpenDatabase {
    this.assertOpen();
    const cached = this.opened.get(name);
    if (cached) return cached;
    if (typeof name !== 'string' || !this.provider.exists(name)) throw new NotFoundError(DB_MISSING);
    const storage = this.provider.open(name);
    const signal = new CommitSignal();
    const propsText = storage.get(SPACE.meta, 'props');
    const props = propsText ? (JSON.parse(propsText) as OpenDatabase['props']) : { q: 2 };
    const ctx: DbContext = {
      name,
      storage,
      meta: loadMeta(storage),
      notifyCommit: () => {
        signal.emit();
        this.updates.record(name, 'updated');
      },
      newId: () => this.uuids$.next(),
      partitioned: props.partitioned === true,
    };
    const open: OpenDatabase = { ctx, signal, props };
    this.opened.set(name, open);
    return open;
  }
}

/**
 * chttpd_db:parse_partitioned_opt, which CouchDB runs before it looks at the name: only `true` or `false`, and no
 * partitioned system database (`_users`, `_replicator`, `<prefix>/_replicator`...).
 */
export function assertPartitionedOption(name: string, partitioned: unknown): void {
  if (partitioned !== undefined && typeof partitioned !== 'boolean') throw new BadRequestError('Invalid `partitioned` parameter');
  if (partitioned === true && typeof name === 'string' && (name.split('/').at(-1) ?? '').startsWith('_')) {
    throw new BadRequestError('Cannot partition a system database');
  }
}
