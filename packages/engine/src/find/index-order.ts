import type { JsonValue } from '@settee/core';
import { collate } from '../collate/collate.js';
import { compareUtf8 } from '../storage/compare-utf8.js';

/** Sorts after every JSON value: CouchDB's `?MAX_JSON_OBJ`, shown as `"<MAX>"` by `_explain`. */
export const MAX_KEY: unique symbol = Symbol('max_key');

/** One element of a key bound: a JSON value or {@link MAX_KEY}. */
export type KeyPart = JsonValue | typeof MAX_KEY;

/**
 * View order of two index keys (lists of column values): element by element in CouchDB's collation, a prefix
 * first, {@link MAX_KEY} after everything. A bound `[30]` therefore sorts before every key starting with 30.
 */
export function compareKeys(a: readonly KeyPart[], b: readonly KeyPart[]): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === MAX_KEY || y === MAX_KEY) {
      if (x === y) continue;
      return x === MAX_KEY ? 1 : -1;
    }
    // Numbers are the common case: skip the generic collation.
    const order = typeof x === 'number' && typeof y === 'number' ? (x < y ? -1 : x > y ? 1 : 0) : collate(x, y);
    if (order !== 0) return order;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** View row order: by key, then by document id in raw (UTF-8 byte) order, like CouchDB's `less_json_ids`. */
export function compareRows(keyA: readonly KeyPart[], idA: string, keyB: readonly KeyPart[], idB: string): number {
  const order = compareKeys(keyA, keyB);
  if (order !== 0) return order;
  return idA === idB ? 0 : compareUtf8(idA, idB) < 0 ? -1 : 1;
}
