import { join } from 'node:path';
import { SqliteStorage, SqliteStorageProvider } from '../storage/sqlite-storage.js';
import type { StorageProvider } from '../storage/storage.js';

/** One remembered event: `key` is `<type>:<database>`, which the feed lists once, at its latest seq. */
export interface StoredDbEvent {
  readonly key: string;
  readonly seq: number;
}

/** Where the server-wide event record lives between runs. */
export interface DbUpdatesStore {
  /** Every event kept by an earlier run, in any order. */
  load(): StoredDbEvent[];
  /** Remembers that `key` now stands at `seq` (replacing its earlier seq). May be written a moment later. */
  save(event: StoredDbEvent): void;
  /** Writes what is pending and releases the file. */
  close(): void;
}

/** A store that forgets everything with the process (memory storage, or a storage of unknown kind). */
export class MemoryDbUpdatesStore implements DbUpdatesStore {
  load(): StoredDbEvent[] {
    return [];
  }
  save(): void {}
  close(): void {}
}

/**
 * The file beside the databases; its leading dot keeps it out of the provider's database listing (database files
 * are named by `databaseFileName`, which never starts with a dot).
 */
export const DB_UPDATES_FILE = '.settee-db-updates.sqlite';

const SPACE = 'events';
/** Events are written together this long after the first of them, so a burst of commits costs one write. */
const FLUSH_DELAY_MS = 20;

/**
 * The record kept in a small SQLite file of its own. Writes are batched over a few milliseconds (a commit must not
 * pay for a second durable write); each batch is atomic, so a `kill -9` loses at most the events of that moment and
 * leaves the file whole.
 */
export class SqliteDbUpdatesStore implements DbUpdatesStore {
  private readonly storage: SqliteStorage;
  private readonly pending = new Map<string, number>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** When the oldest pending event was saved (ms). */
  private pendingSince = 0;

  constructor(dir: string) {
    this.storage = new SqliteStorage(join(dir, DB_UPDATES_FILE), { create: true });
  }

  load(): StoredDbEvent[] {
    return this.storage.range(SPACE).map(([key, value]) => ({ key, seq: Number(value) }));
  }

  save(event: StoredDbEvent): void {
    this.pending.set(event.key, event.seq);
    if (this.timer === undefined) {
      this.pendingSince = Date.now();
      this.timer = setTimeout(() => this.flushLater(), FLUSH_DELAY_MS);
      // A pending write never keeps the process alive; `close()` writes it.
      this.timer.unref();
    } else if (Date.now() - this.pendingSince >= FLUSH_DELAY_MS) {
      // Writes that never yield to the event loop would starve the timer: the delay bounds the loss anyway.
      this.flushLater();
    }
  }

  close(): void {
    try {
      this.flush();
    } finally {
      this.storage.close();
    }
  }

  /** Writes the pending events in one batch; after a failure they stay pending for the next attempt. */
  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return;
    const batch = [...this.pending];
    this.storage.write(batch.map(([key, seq]) => ({ type: 'put' as const, space: SPACE, key, value: String(seq) })));
    for (const [key, seq] of batch) if (this.pending.get(key) === seq) this.pending.delete(key);
  }

  private flushLater(): void {
    try {
      this.flush();
    } catch {
      // A failed write (disk full) must not take the server down; the events stay pending for the next batch.
    }
  }
}

/**
 * The durable store for a SQLite directory, else one that lives in memory. When the file cannot be opened (the
 * directory is open in another process, which its databases refuse on their own), the record lives in memory rather
 * than the engine failing to start.
 */
export function dbUpdatesStoreFor(provider: StorageProvider): DbUpdatesStore {
  if (!(provider instanceof SqliteStorageProvider)) return new MemoryDbUpdatesStore();
  try {
    return new SqliteDbUpdatesStore(provider.dir);
  } catch {
    return new MemoryDbUpdatesStore();
  }
}
