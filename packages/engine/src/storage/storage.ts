/**
 * The engine's storage seam: named key spaces of string keys mapped to string values, read by key or by ordered
 * range, written in atomic batches. Deliberately small so that a backend is a few hundred lines.
 *
 * Rules every backend keeps (`storage.test.ts` runs the same checks on each):
 * - Keys within a space are ordered by their UTF-8 bytes (SQLite's BINARY collation), not by UTF-16 code units.
 * - `write` is atomic: after a crash either every op of a batch is visible or none is. When `write` returns, the
 *   batch survives the process being killed (`kill -9`).
 * - Reads see every batch written before them. Calls are synchronous and never interleave.
 * - Returned arrays belong to the caller.
 */
export interface Storage {
  /** The value stored under `key`, or `undefined`. */
  get(space: string, key: string): string | undefined;

  /** The values of several keys at once (one round trip on SQLite), in the order of `keys`. */
  getMany(space: string, keys: readonly string[]): Array<string | undefined>;

  /** Entries of `space` inside `range`, in key order (reversed with `range.reverse`), at most `range.limit`. */
  range(space: string, range?: KeyRange): Array<[key: string, value: string]>;

  /** How many entries `space` holds inside `range` (whole space without one). */
  count(space: string, range?: Omit<KeyRange, 'reverse' | 'limit'>): number;

  /** Applies every op in order, atomically and durably. */
  write(ops: readonly StorageOp[]): void;

  /** Drops every entry of `space`. Atomic on its own. */
  clearSpace(space: string): void;

  /** Bytes the stored data occupies, roughly (for `sizes.file`). */
  sizeInBytes(): number;

  /** Releases the backend's resources; further calls throw. */
  close(): void;
}

/** Bounds of a key range; each bound is optional. */
export interface KeyRange {
  gt?: string;
  gte?: string;
  lt?: string;
  lte?: string;
  reverse?: boolean;
  limit?: number;
}

/** One write in a batch. */
export type StorageOp =
  | { type: 'put'; space: string; key: string; value: string }
  | { type: 'del'; space: string; key: string };

/** Opens, lists and destroys the storages of a set of databases (one storage per database). */
export interface StorageProvider {
  /** A short name for messages and benchmarks: `memory` or `sqlite`. */
  readonly kind: string;
  /** Where the data lives when it outlives the process (an absolute directory), for replication ids. */
  readonly location?: string;
  /** Names of the databases that exist, in any order. */
  list(): string[];
  /** True when database `name` exists. */
  exists(name: string): boolean;
  /** Creates database `name` (which must not exist) and opens it. */
  create(name: string): Storage;
  /** Opens existing database `name`. */
  open(name: string): Storage;
  /** Closes (if open) and removes database `name` and all its data. */
  destroy(name: string): void;
  /** Closes every open storage. */
  close(): void;
}
