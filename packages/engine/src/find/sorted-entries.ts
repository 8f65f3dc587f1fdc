import type { JsonValue } from '@settee/core';
import { compareKeys, compareRows, type KeyPart } from './index-order.js';

/** One row of a JSON index: the document's key (its column values) and its id. */
export interface IndexEntry {
  readonly key: readonly JsonValue[];
  readonly id: string;
}

/** Above this many changes in one batch, re-sorting everything is cheaper than inserting one by one. */
const RESORT_FRACTION = 8;

/**
 * The rows of one JSON index in view order (key, then id), in memory: ICU collation cannot be expressed as a byte
 * order, so storage keeps the rows by document id and this sorted array answers range scans by binary search.
 * Built once from storage on first use, then kept up to date by every committed write.
 */
export class SortedEntries {
  private readonly rows: IndexEntry[];
  private readonly byId: Map<string, IndexEntry>;

  private constructor(rows: IndexEntry[]) {
    this.rows = rows;
    this.byId = new Map(rows.map((row) => [row.id, row]));
  }

  /** Sorts `rows` (taken over, not copied) into an index. */
  static from(rows: IndexEntry[]): SortedEntries {
    rows.sort(byRow);
    return new SortedEntries(rows);
  }

  get size(): number {
    return this.rows.length;
  }

  /** The row at `position` (0 ≤ position < size). */
  at(position: number): IndexEntry {
    return this.rows[position]!;
  }

  /** The key document `id` has in this index, or undefined. */
  keyOf(id: string): readonly JsonValue[] | undefined {
    return this.byId.get(id)?.key;
  }

  /** Applies one batch: each id gets its new key, or leaves the index (undefined). */
  apply(changes: ReadonlyArray<readonly [id: string, key: JsonValue[] | undefined]>): void {
    if (changes.length * RESORT_FRACTION > this.rows.length + 64) {
      this.resort(changes);
      return;
    }
    for (const [id, key] of changes) {
      const old = this.byId.get(id);
      if (old !== undefined) {
        this.rows.splice(this.position(old.key, old.id, false), 1);
        this.byId.delete(id);
      }
      if (key !== undefined) {
        const row = { key, id };
        this.rows.splice(this.position(key, id, false), 0, row);
        this.byId.set(id, row);
      }
    }
  }

  /**
   * The first position whose row is at or after (`key`, `id`), or with `after` strictly after it. Without an id
   * the bound is the key alone: every row with an equal key is at or after it, and `after` passes them all.
   * (A longer key is after its prefix, so `[30]` starts before `[30, "x"]`; end bounds end with MAX_KEY.)
   */
  position(key: readonly KeyPart[], id: string | undefined, after: boolean): number {
    let low = 0;
    let high = this.rows.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const row = this.rows[mid]!;
      const order = id === undefined ? compareKeys(row.key, key) : compareRows(row.key, row.id, key, id);
      if (order < 0 || (order === 0 && after)) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private resort(changes: ReadonlyArray<readonly [string, JsonValue[] | undefined]>): void {
    for (const [id, key] of changes) {
      if (key === undefined) this.byId.delete(id);
      else this.byId.set(id, { key, id });
    }
    this.rows.length = 0;
    for (const row of this.byId.values()) this.rows.push(row);
    this.rows.sort(byRow);
  }
}

function byRow(a: IndexEntry, b: IndexEntry): number {
  return compareRows(a.key, a.id, b.key, b.id);
}
