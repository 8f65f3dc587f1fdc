import { OpenHandles } from './open-handles.js';
import { OrderedMap } from './ordered-map.js';
import type { KeyRange, Storage, StorageOp, StorageProvider } from './storage.js';
import { checkBounds, checkDatabaseName, checkLimit, checkOps, closedError } from './storage-checks.js';

/** One key space: its entries and the characters they hold (for `sizeInBytes`). */
export interface MemorySpace {
  entries: OrderedMap<string>;
  chars: number;
}

/** The data of one in-memory database; it outlives the `MemoryStorage` handles opened on it. */
export class MemoryDatabase {
  readonly spaces = new Map<string, MemorySpace>();
}

/**
 * A `Storage` kept in the process's memory: nothing survives the process, so of the durability rules only
 * atomicity holds (a batch is checked whole, then applied in a way that cannot fail half-way).
 */
export class MemoryStorage implements Storage {
  private db: MemoryDatabase | undefined;

  /** A fresh, empty storage. `MemoryStorageProvider` passes the database and a close hook of its own. */
  constructor(database: MemoryDatabase = new MemoryDatabase(), private readonly onClose?: (storage: MemoryStorage) => void) {
    this.db = database;
  }

  get(space: string, key: string): string | undefined {
    return this.open().spaces.get(space)?.entries.get(key);
  }

  getMany(space: string, keys: readonly string[]): Array<string | undefined> {
    const entries = this.open().spaces.get(space)?.entries;
    return keys.map((key) => entries?.get(key));
  }

  range(space: string, range?: KeyRange): Array<[key: string, value: string]> {
    const db = this.open();
    const limit = checkLimit(range?.limit);
    const bounds = checkBounds(range);
    const entries = db.spaces.get(space)?.entries;
    if (entries === undefined || limit === 0) return [];
    return entries.entries({ ...bounds, reverse: range?.reverse === true, limit });
  }

  count(space: string, range?: Omit<KeyRange, 'reverse' | 'limit'>): number {
    const db = this.open();
    const bounds = checkBounds(range);
    return db.spaces.get(space)?.entries.count(bounds) ?? 0;
  }

  write(ops: readonly StorageOp[]): void {
    const db = this.open();
    checkOps(ops);
    for (const op of ops) {
      if (op.type === 'put') {
        let space = db.spaces.get(op.space);
        if (space === undefined) {
          space = { entries: new OrderedMap<string>(), chars: 0 };
          db.spaces.set(op.space, space);
        }
        const old = space.entries.set(op.key, op.value);
        space.chars += old === undefined ? op.key.length + op.value.length : op.value.length - old.length;
      } else {
        const space = db.spaces.get(op.space);
        const old = space?.entries.delete(op.key);
        if (space !== undefined && old !== undefined) space.chars -= op.key.length + old.length;
      }
    }
  }

  clearSpace(space: string): void {
    this.open().spaces.delete(space);
  }

  sizeInBytes(): number {
    let chars = 0;
    for (const space of this.open().spaces.values()) chars += space.chars;
    return chars;
  }

  close(): void {
    if (this.db === undefined) return;
    this.db = undefined;
    this.onClose?.(this);
  }

  private open(): MemoryDatabase {
    if (this.db === undefined) throw closedError();
    return this.db;
  }
}

/** Databases kept in memory for the provider's lifetime; `destroy` is the only way to drop one. */
export class MemoryStorageProvider implements StorageProvider {
  readonly kind = 'memory';
  private readonly databases = new Map<string, MemoryDatabase>();
  private readonly handles = new OpenHandles<MemoryStorage>();
  /**
   * A storage of the provider's own, never handed out. V8 deoptimizes code built on a hidden class once no object
   * of that class is left, so destroying the last database would make the next one's first writes run unoptimized
   * while the write path is compiled again (measured: ~20 ms of compiling per 10,000 documents loaded, and slower
   * batches meanwhile). One live storage, with one space, keeps those classes.
   */
  private readonly shapes = storageWithOneSpace();

  list(): string[] {
    return [...this.databases.keys()];
  }

  exists(name: string): boolean {
    return this.databases.has(name);
  }

  create(name: string): Storage {
    checkDatabaseName(name);
    if (this.databases.has(name)) throw new Error(`database ${JSON.stringify(name)} already exists`);
    this.databases.set(name, new MemoryDatabase());
    return this.open(name);
  }

  open(name: string): Storage {
    const database = this.databases.get(name);
    if (database === undefined) throw new Error(`database ${JSON.stringify(name)} does not exist`);
    return this.handles.track(name, (onClose) => new MemoryStorage(database, onClose));
  }

  /** Closes the database's storages and drops its data; a missing database is left alone. */
  destroy(name: string): void {
    this.handles.closeAll(name);
    this.databases.delete(name);
  }

  close(): void {
    this.handles.closeEverything();
  }
}

function storageWithOneSpace(): MemoryStorage {
  const storage = new MemoryStorage();
  storage.write([{ type: 'put', space: 'shape', key: 'shape', value: '' }]);
  return storage;
}
