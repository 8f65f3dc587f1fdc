import type { JsonValue } from '@settee/core';
import { collate, collateKeyAndId, compareRaw } from '../collate/index.js';
import { compareUtf8 } from '../storage/compare-utf8.js';

/** One map row: emitted key and value, and the document that emitted it. */
export interface MapRow {
  readonly key: JsonValue;
  readonly id: string;
  readonly value: JsonValue;
}

/** Above this share of changed documents one batch re-sorts instead of inserting row by row. */
const RESORT_FRACTION = 8;

/** How a view compares keys: CouchDB's collation, or raw (Erlang term order) for `options.collation: "raw"`. */
export type KeyOrder = (a: JsonValue, b: JsonValue) => number;

/** The key order of a view's `collation` setting. */
export function keyOrder(collation: 'icu' | 'raw'): KeyOrder {
  return collation === 'raw' ? compareRaw : collate;
}

/**
 * Row order of a view: key by collation, then document id (CouchDB's tie-break), then value. The last step only
 * matters when one document emits one key several times: CouchDB stores those values as one entry sorted in Erlang
 * term order (couch_mrview_updater sorts the doc's emits before combining duplicates), so they read back that way.
 */
export function compareRows(a: MapRow, b: MapRow): number {
  const order = collateKeyAndId(a.key, a.id, b.key, b.id);
  return order !== 0 ? order : compareRaw(a.value, b.value);
}

/** Row order with raw keys, then document id, then value (as above). */
function compareRowsRaw(a: MapRow, b: MapRow): number {
  const order = compareRaw(a.key, b.key);
  if (order !== 0) return order;
  const idOrder = compareUtf8(a.id, b.id);
  if (idOrder !== 0) return idOrder < 0 ? -1 : 1;
  return compareRaw(a.value, b.value);
}

/**
 * The rows of one view in view order, in memory. ICU collation is not a byte order, so storage keeps rows by
 * document id and this array answers range scans by binary search.
 */
export class SortedRows {
  private rows: MapRow[];
  private readonly compareRows: (a: MapRow, b: MapRow) => number;
  /** The key order of this view (for range bounds and grouping). */
  readonly compareKeys: KeyOrder;

  /** Bumped by every `apply`, so that what is derived from the rows (partition groups) knows when to rebuild. */
  version = 0;

  constructor(rows: MapRow[], collation: 'icu' | 'raw' = 'icu') {
    this.compareRows = collation === 'raw' ? compareRowsRaw : compareRows;
    this.compareKeys = keyOrder(collation);
    rows.sort(this.compareRows);
    this.rows = rows;
  }

  get size(): number {
    return this.rows.length;
  }

  at(position: number): MapRow {
    return this.rows[position]!;
  }

  /** First position whose row is not before `probe` (`compare(row) >= 0`). */
  lowerBound(compare: (row: MapRow) => number): number {
    let lo = 0;
    let hi = this.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(this.rows[mid]!) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Replaces the rows of the changed documents: `removed` are their old rows, `added` their new ones. */
  apply(removed: readonly MapRow[], added: readonly MapRow[]): void {
    this.version++;
    if ((removed.length + added.length) * RESORT_FRACTION > this.rows.length + 64) {
      const gone = new Set(removed);
      const kept = gone.size === 0 ? this.rows : this.rows.filter((row) => !gone.has(row));
      kept.push(...added);
      kept.sort(this.compareRows);
      this.rows = kept;
      return;
    }
    for (const row of removed) {
      const at = this.lowerBound((r) => this.compareRows(r, row));
      // Rows are unique by (key, id) unless a document emitted the same key twice: find this very object.
      let i = at;
      while (i < this.rows.length && this.rows[i] !== row && this.compareRows(this.rows[i]!, row) === 0) i++;
      if (this.rows[i] === row) this.rows.splice(i, 1);
    }
    for (const row of added) {
      let at = this.lowerBound((r) => this.compareRows(r, row));
      while (at < this.rows.length && this.compareRows(this.rows[at]!, row) === 0) at++;
      this.rows.splice(at, 0, row);
    }
  }
}
