import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { compareUtf8, isWellFormed } from './compare-utf8.js';
import { OpenHandles } from './open-handles.js';
import { databaseFileName, databaseNameOfFile, spaceTableName } from './sqlite-names.js';
import type { KeyRange, Storage, StorageOp, StorageProvider } from './storage.js';
import { checkBounds, checkDatabaseName, checkLimit, checkOps, closedError, isValidDatabaseName } from './storage-checks.js';
import { WriteBehindLog } from './write-behind-log.js';

/**
 * How hard a commit pushes data to disk (SQLite's `synchronous` in WAL mode):
 * - `normal` (default): a commit is written to the WAL before `write` returns but not fsynced, so it survives the
 *   process being killed (`kill -9`, a crash) but the last commits may be lost if the machine loses power or the OS
 *   crashes. The database itself is never corrupted either way.
 * - `full`: every commit is fsynced (with F_FULLFSYNC on macOS), so it also survives power loss; commits are slower.
 */
export type SqliteSynchronous = 'normal' | 'full';

export interface SqliteStorageOptions {
  synchronous?: SqliteSynchronous;
  /** WAL pages (4 kB) between automatic checkpoints; 10000 by default. Smaller keeps the WAL file smaller. */
  walAutocheckpointPages?: number;
  /** Create the file when it does not exist (default false: opening a missing file throws). */
  create?: boolean;
  /**
   * With `synchronous: 'normal'`, bytes of batches held in the write-behind log before they are moved into SQLite
   * together; 16 MiB by default. Smaller bounds the log file and the memory it holds; larger, fewer SQLite commits.
   */
  writeBehindBytes?: number;
}

type Row = [key: string, value: string];

/** The cached statements of one space (one table). */
interface SpaceStatements {
  readonly table: string;
  readonly get: Database.Statement<[string], string>;
  /** Looks up a JSON array of keys in one statement. */
  readonly getMany: Database.Statement<[string], [string, string]>;
  /** 1 when the table holds a key in [first, last], else no row. */
  readonly anyBetween: Database.Statement<[string, string], number>;
  readonly put: Database.Statement<[string, string]>;
  /** Inserts PUT_ROWS rows in one statement: a statement step costs about as much as the row it writes. */
  readonly putMany: Database.Statement<string[]>;
  readonly del: Database.Statement<[string]>;
  readonly clear: Database.Statement<[]>;
  /** Range and count statements by shape (which bounds, reverse, limit), prepared on first use. */
  readonly ranges: Map<number, Database.Statement<Array<string | number>, Row>>;
  readonly counts: Map<number, Database.Statement<string[], number>>;
}

const WAL_AUTOCHECKPOINT_PAGES = 10_000;
/** Rows per multi-row INSERT (64 bound values, well under SQLite's limit). */
const PUT_ROWS = 32;
/** SQLite's own page cache per open database, in KiB (SQLite's default is 2 MB in recent builds; better-sqlite3 sets 16 MB). */
const PAGE_CACHE_KIB = 2048;
const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;
/** Batches of at least this many ops skip the write-behind log (see `write`). */
const DIRECT_COMMIT_OPS = 128;

// Shape bits of a range query; bound parameters are passed in this order.
const GT = 1;
const GTE = 2;
const LT = 4;
const LTE = 8;
const REVERSE = 16;
const LIMIT = 32;

/**
 * A `Storage` in one SQLite file, in WAL mode: one `WITHOUT ROWID` table of TEXT keys and values per space. TEXT
 * with SQLite's default BINARY collation compares UTF-8 bytes, which is exactly the order the interface asks for.
 */
export class SqliteStorage implements Storage {
  private db: Database.Database | undefined;
  /**
   * Tables that exist in the file, shared by every handle of the file in this process (so one sees the tables
   * another created); a space without one is empty and reads never create it.
   */
  private readonly tables: Set<string>;
  private readonly spaces = new Map<string, SpaceStatements>();
  private readonly pageCount: Database.Statement<[], number>;
  private readonly pageSize: number;
  private readonly applyBatch: (ops: readonly StorageOp[], targets: ReadonlyArray<SpaceStatements | undefined>) => void;
  /** With `synchronous: 'normal'`, batches go to the write-behind log first (see WriteBehindLog). */
  private readonly log: WriteBehindLog | undefined;

  constructor(
    readonly file: string,
    options: SqliteStorageOptions = {},
    private readonly onClose?: (storage: SqliteStorage) => void,
  ) {
    const synchronous = checkSynchronous(options.synchronous);
    const checkpointPages = checkCheckpointPages(options.walAutocheckpointPages);
    const db = new Database(file, { fileMustExist: options.create !== true });
    this.tables = acquireTables(file);
    try {
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal') throw new Error(`SQLite refused WAL journal mode for ${file} (got ${String(mode)})`);
      db.pragma(`synchronous = ${synchronous.toUpperCase()}`);
      if (synchronous === 'full') db.pragma('fullfsync = ON');
      // Checkpoints are where `normal` mode fsyncs; SQLite's default (every 1000 pages) makes them dominate small
      // commits (~2x slower single-document writes). So up to ~40 MB of WAL between checkpoints; the size limit only
      // trims a WAL that grew past that (trimming on every checkpoint would cost re-growing the file each time).
      db.pragma(`wal_autocheckpoint = ${checkpointPages}`);
      db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
      // The OS page cache holds the file anyway; a small private cache keeps each open database's memory small.
      db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
      const names = db.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
      // What the file holds now (a database destroyed and created again under the same path starts empty).
      this.tables.clear();
      for (const name of names) this.tables.add(name);
      this.pageCount = db.prepare<[], number>('PRAGMA page_count').pluck();
      this.pageSize = Number(db.pragma('page_size', { simple: true }));
    } catch (error) {
      db.close();
      releaseTables(file);
      throw error;
    }
    this.db = db;
    this.applyBatch = db.transaction((ops: readonly StorageOp[], targets: ReadonlyArray<SpaceStatements | undefined>) => {
      // Tables are independent, so each space's ops run in their own order, one space after another; within a
      // space a run of puts goes PUT_ROWS rows per statement (SQLite applies a statement's rows in order).
      for (const [target, spaceOps] of bySpace(ops, targets)) applySpaceOps(target, spaceOps);
    });
    // `full` commits straight to SQLite, which fsyncs each one; the log is for `normal`'s kill -9 guarantee.
    try {
      this.log = synchronous === 'normal' ? WriteBehindLog.acquire(`${file}-log`, checkWriteBehindBytes(options.writeBehindBytes), (ops) => this.commit(ops)) : undefined;
    } catch (error) {
      this.db = undefined;
      db.close();
      releaseTables(file);
      throw error;
    }
  }

  get(space: string, key: string): string | undefined {
    this.open();
    const pending = this.log?.lookup(space, key);
    if (pending !== undefined) return pending ?? undefined;
    const statements = this.space(space, false);
    // A key with a lone surrogate cannot have been stored, and SQLite would look up a mangled form of it.
    if (statements === undefined || !isWellFormed(key)) return undefined;
    return statements.get.get(key);
  }

  getMany(space: string, keys: readonly string[]): Array<string | undefined> {
    this.open();
    const log = this.log;
    // Keys the write-behind log has an answer for (a value or a pending deletion) skip SQLite.
    const pending = log === undefined || log.isEmpty ? undefined : keys.map((key) => log.lookup(space, key));
    const fromSqlite = pending === undefined ? keys : keys.filter((_, i) => pending[i] === undefined);
    const found = this.lookUpMany(space, fromSqlite);
    return keys.map((key, i) => {
      const answer = pending?.[i];
      return answer === undefined ? found.get(key) : (answer ?? undefined);
    });
  }

  private lookUpMany(space: string, keys: readonly string[]): Map<string, string> {
    const found = new Map<string, string>();
    const statements = this.space(space, false);
    if (statements === undefined || keys.length === 0) return found;
    // Point lookups beat json_each below a handful of keys (measured: 5 µs against 14 µs for one key).
    if (keys.length <= 4) {
      for (const key of keys) {
        const value = isWellFormed(key) ? statements.get.get(key) : undefined;
        if (value !== undefined) found.set(key, value);
      }
      return found;
    }
    const sought = keys.filter(isWellFormed);
    // One probe answers for keys that all lie outside what the table holds, such as a batch of new time-ordered ids
    // (CouchDB's and the engine's own generated ids): none of them can be there when nothing lies between the least
    // and the greatest.
    if (sought.length === 0 || statements.anyBetween.get(...bounds(sought)) === undefined) return found;
    for (const [key, value] of statements.getMany.all(JSON.stringify(sought))) found.set(key, value);
    return found;
  }

  range(space: string, range?: KeyRange): Array<[key: string, value: string]> {
    this.open();
    const limit = checkLimit(range?.limit);
    const bounds = checkBounds(range);
    this.flush();
    const statements = this.space(space, false);
    if (statements === undefined || limit === 0) return [];
    const params: Array<string | number> = [];
    let shape = this.boundsShape(bounds, params);
    if (range?.reverse === true) shape |= REVERSE;
    if (limit !== undefined) {
      shape |= LIMIT;
      params.push(limit);
    }
    let statement = statements.ranges.get(shape);
    if (statement === undefined) {
      statement = this.prepareRange(statements.table, shape);
      statements.ranges.set(shape, statement);
    }
    return statement.all(...params);
  }

  count(space: string, range?: Omit<KeyRange, 'reverse' | 'limit'>): number {
    this.open();
    const bounds = checkBounds(range);
    this.flush();
    const statements = this.space(space, false);
    if (statements === undefined) return 0;
    const params: string[] = [];
    const shape = this.boundsShape(bounds, params);
    let statement = statements.counts.get(shape);
    if (statement === undefined) {
      statement = this.open().prepare<string[], number>(`SELECT count(*) FROM "${statements.table}"${whereClause(shape)}`).pluck();
      statements.counts.set(shape, statement);
    }
    return statement.get(...params) ?? 0;
  }

  write(ops: readonly StorageOp[]): void {
    this.open();
    checkOps(ops);
    if (ops.length === 0) return;
    if (this.log === undefined) {
      this.commit(ops);
      return;
    }
    if (ops.length >= DIRECT_COMMIT_OPS) {
      // A big batch amortises its own commit: logging it first would only write it twice.
      this.flush();
      this.commit(ops);
      return;
    }
    this.log.append(ops);
    if (this.log.isFull) this.flush();
  }

  /** Moves the write-behind log's pending batches into SQLite (one transaction), then empties the log. */
  flush(): void {
    const log = this.log;
    if (log === undefined || log.isEmpty) return;
    this.commit(log.pendingOps);
    log.clear();
  }

  /** Applies `ops` to SQLite in one transaction. */
  private commit(ops: readonly StorageOp[]): void {
    // Tables are created before the transaction (an empty table left by a failed batch is harmless), so that the
    // statement cache never refers to a table whose creation was rolled back.
    const targets = new Array<SpaceStatements | undefined>(ops.length);
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i]!;
      targets[i] = this.space(op.space, op.type === 'put');
    }
    this.applyBatch(ops, targets);
  }

  clearSpace(space: string): void {
    this.open();
    this.flush();
    this.space(space, false)?.clear.run();
  }

  sizeInBytes(): number {
    this.open();
    this.flush();
    return (this.pageCount.get() ?? 0) * this.pageSize;
  }

  close(): void {
    const db = this.db;
    if (db === undefined) return;
    try {
      this.flush();
    } finally {
      this.db = undefined;
      this.spaces.clear();
      this.log?.release();
      db.close();
      releaseTables(this.file);
      this.onClose?.(this);
    }
  }

  private open(): Database.Database {
    if (this.db === undefined) throw closedError();
    return this.db;
  }

  /** The statements of `space`; creates its table when `create`, else `undefined` when it has none. */
  private space(space: string, create: boolean): SpaceStatements | undefined {
    const cached = this.spaces.get(space);
    if (cached !== undefined) return cached;
    const table = spaceTableName(space);
    const db = this.open();
    if (!this.tables.has(table)) {
      if (!create) return undefined;
      db.exec(`CREATE TABLE IF NOT EXISTS "${table}" (k TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID`);
      this.tables.add(table);
    }
    const statements: SpaceStatements = {
      table,
      get: db.prepare<[string], string>(`SELECT v FROM "${table}" WHERE k = ?`).pluck(),
      getMany: db.prepare<[string], [string, string]>(`SELECT k, v FROM "${table}" WHERE k IN (SELECT value FROM json_each(?))`).raw(true),
      anyBetween: db.prepare<[string, string], number>(`SELECT 1 FROM "${table}" WHERE k >= ? AND k <= ? LIMIT 1`).pluck(),
      put: db.prepare<[string, string]>(`INSERT OR REPLACE INTO "${table}" (k, v) VALUES (?, ?)`),
      putMany: db.prepare<string[]>(`INSERT OR REPLACE INTO "${table}" (k, v) VALUES ${Array(PUT_ROWS).fill('(?, ?)').join(', ')}`),
      del: db.prepare<[string]>(`DELETE FROM "${table}" WHERE k = ?`),
      clear: db.prepare<[]>(`DELETE FROM "${table}"`),
      ranges: new Map(),
      counts: new Map(),
    };
    this.spaces.set(space, statements);
    return statements;
  }

  /** Shape bits of the given bounds; pushes their values onto `params` in shape-bit order. */
  private boundsShape(bounds: Omit<KeyRange, 'reverse' | 'limit'> | undefined, params: Array<string | number>): number {
    if (bounds === undefined) return 0;
    let shape = 0;
    if (bounds.gt !== undefined) {
      shape |= GT;
      params.push(bounds.gt);
    }
    if (bounds.gte !== undefined) {
      shape |= GTE;
      params.push(bounds.gte);
    }
    if (bounds.lt !== undefined) {
      shape |= LT;
      params.push(bounds.lt);
    }
    if (bounds.lte !== undefined) {
      shape |= LTE;
      params.push(bounds.lte);
    }
    return shape;
  }

  private prepareRange(table: string, shape: number): Database.Statement<Array<string | number>, Row> {
    const order = shape & REVERSE ? 'DESC' : 'ASC';
    const limit = shape & LIMIT ? ' LIMIT ?' : '';
    const sql = `SELECT k, v FROM "${table}"${whereClause(shape)} ORDER BY k ${order}${limit}`;
    return this.open().prepare<Array<string | number>, Row>(sql).raw(true);
  }
}

function checkSynchronous(mode: SqliteSynchronous | undefined): SqliteSynchronous {
  if (mode === undefined) return 'normal';
  if (mode !== 'normal' && mode !== 'full') throw new TypeError(`unknown synchronous mode ${String(mode)}`);
  return mode;
}

const WRITE_BEHIND_BYTES = 16 * 1024 * 1024;

function checkWriteBehindBytes(bytes: number | undefined): number {
  if (bytes === undefined) return WRITE_BEHIND_BYTES;
  if (!Number.isSafeInteger(bytes) || bytes < 0) throw new TypeError(`writeBehindBytes must be a whole number >= 0, got ${bytes}`);
  return bytes;
}

function checkCheckpointPages(pages: number | undefined): number {
  if (pages === undefined) return WAL_AUTOCHECKPOINT_PAGES;
  if (!Number.isSafeInteger(pages) || pages < 1) throw new TypeError(`walAutocheckpointPages must be a whole number >= 1, got ${pages}`);
  return pages;
}

/** The least and the greatest of `keys` (not empty) in the table's order. */
function bounds(keys: readonly string[]): [least: string, greatest: string] {
  let least = keys[0]!;
  let greatest = least;
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    if (compareUtf8(key, least) < 0) least = key;
    else if (compareUtf8(key, greatest) > 0) greatest = key;
  }
  return [least, greatest];
}

function whereClause(shape: number): string {
  const terms: string[] = [];
  if (shape & GT) terms.push('k > ?');
  if (shape & GTE) terms.push('k >= ?');
  if (shape & LT) terms.push('k < ?');
  if (shape & LTE) terms.push('k <= ?');
  return terms.length === 0 ? '' : ` WHERE ${terms.join(' AND ')}`;
}

export interface SqliteStorageProviderOptions {
  /** The directory holding one `<encoded name>.sqlite` file per database; created when missing. */
  dir: string;
  /** See `SqliteSynchronous`; `normal` by default. */
  synchronous?: SqliteSynchronous;
  /** See `SqliteStorageOptions.walAutocheckpointPages`. */
  walAutocheckpointPages?: number;
  /** See `SqliteStorageOptions.writeBehindBytes`. */
  writeBehindBytes?: number;
}

/** Databases as SQLite files in one directory (names encoded by `databaseFileName`). */
export class SqliteStorageProvider implements StorageProvider {
  readonly kind = 'sqlite';
  readonly dir: string;
  readonly location: string;
  private readonly synchronous: SqliteSynchronous;
  private readonly walAutocheckpointPages: number;
  private readonly writeBehindBytes: number | undefined;
  private readonly handles = new OpenHandles<SqliteStorage>();

  constructor(options: SqliteStorageProviderOptions) {
    this.dir = options.dir;
    // Absolute, so that the same directory reached from another working directory is the same location.
    this.location = resolve(options.dir);
    this.synchronous = checkSynchronous(options.synchronous);
    this.walAutocheckpointPages = checkCheckpointPages(options.walAutocheckpointPages);
    this.writeBehindBytes = options.writeBehindBytes === undefined ? undefined : checkWriteBehindBytes(options.writeBehindBytes);
    mkdirSync(this.dir, { recursive: true });
  }

  list(): string[] {
    const names: string[] = [];
    for (const file of readdirSync(this.dir)) {
      const name = databaseNameOfFile(file);
      if (name !== undefined) names.push(name);
    }
    return names;
  }

  exists(name: string): boolean {
    return isValidDatabaseName(name) && existsSync(this.fileOf(name));
  }

  create(name: string): Storage {
    checkDatabaseName(name);
    if (this.exists(name)) throw new Error(`database ${JSON.stringify(name)} already exists`);
    // Companions without a main file are left over from a crash: SQLite would replay a stale WAL into the new file.
    removeCompanions(this.fileOf(name));
    return this.track(name, true);
  }

  open(name: string): Storage {
    if (!this.exists(name)) throw new Error(`database ${JSON.stringify(name)} does not exist`);
    return this.track(name, false);
  }

  /** Closes the database's storages and deletes its file with the WAL companions; a missing database is left alone. */
  destroy(name: string): void {
    if (!isValidDatabaseName(name)) return;
    this.handles.closeAll(name);
    const file = this.fileOf(name);
    // Companions first: a WAL left beside a later database of the same name would be replayed into it.
    removeCompanions(file);
    rmSync(file, { force: true });
  }

  close(): void {
    this.handles.closeEverything();
  }

  private fileOf(name: string): string {
    return join(this.dir, databaseFileName(name));
  }

  private track(name: string, create: boolean): SqliteStorage {
    const options = { synchronous: this.synchronous, walAutocheckpointPages: this.walAutocheckpointPages, writeBehindBytes: this.writeBehindBytes, create };
    return this.handles.track(name, (onClose) => new SqliteStorage(this.fileOf(name), options, onClose));
  }
}

/** The table names of each open file, shared by its handles, with how many handles use them. */
const tablesByFile = new Map<string, { users: number; tables: Set<string> }>();

function acquireTables(file: string): Set<string> {
  const path = resolve(file);
  let entry = tablesByFile.get(path);
  if (entry === undefined) tablesByFile.set(path, (entry = { users: 0, tables: new Set() }));
  entry.users += 1;
  return entry.tables;
}

function releaseTables(file: string): void {
  const path = resolve(file);
  const entry = tablesByFile.get(path);
  if (entry !== undefined && --entry.users === 0) tablesByFile.delete(path);
}

function removeCompanions(file: string): void {
  for (const suffix of ['-wal', '-shm', '-journal', '-log', '-log.pid']) rmSync(file + suffix, { force: true });
}

/** The ops of each space in their original order; ops on a space without a table (deletes only) are dropped. */
function bySpace(ops: readonly StorageOp[], targets: ReadonlyArray<SpaceStatements | undefined>): Map<SpaceStatements, StorageOp[]> {
  const groups = new Map<SpaceStatements, StorageOp[]>();
  for (let i = 0; i < ops.length; i++) {
    const target = targets[i];
    if (target === undefined) continue;
    let group = groups.get(target);
    if (group === undefined) groups.set(target, (group = []));
    group.push(ops[i]!);
  }
  return groups;
}

function applySpaceOps(target: SpaceStatements, ops: readonly StorageOp[]): void {
  const rows: string[] = [];
  const flush = (): void => {
    let i = 0;
    for (; i + 2 * PUT_ROWS <= rows.length; i += 2 * PUT_ROWS) target.putMany.run(...rows.slice(i, i + 2 * PUT_ROWS));
    for (; i < rows.length; i += 2) target.put.run(rows[i]!, rows[i + 1]!);
    rows.length = 0;
  };
  for (const op of ops) {
    if (op.type === 'put') {
      rows.push(op.key, op.value);
    } else {
      flush();
      target.del.run(op.key);
    }
  }
  flush();
}
