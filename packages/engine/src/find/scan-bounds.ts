import type { JsonValue } from '@settee/core';
import { MAX_VALUE, MIN_VALUE, type FieldRange, type RangeValue } from './field-ranges.js';
import { MAX_KEY, type KeyPart } from './index-order.js';

/** The first and last key a scan of a JSON index reads (both inclusive), per mango_idx_view:start_key/end_key. */
export interface JsonBounds {
  readonly start: readonly KeyPart[];
  readonly end: readonly KeyPart[];
}

const isSpecial = (value: RangeValue): value is typeof MIN_VALUE | typeof MAX_VALUE => value === MIN_VALUE || value === MAX_VALUE;

/**
 * Key bounds from the ranges of the index's leading columns. The start key lists the lower ends until one is open
 * (`$gt` nothing), so it sorts before every key with that prefix; the end key lists the upper ends and closes with
 * MAX, so it sorts after every key with that prefix. Open or exclusive ends are scanned inclusively and the
 * selector filters the extra rows out, as in CouchDB.
 */
export function jsonBounds(ranges: readonly FieldRange[]): JsonBounds {
  const start: KeyPart[] = [];
  for (const range of ranges) {
    if (isSpecial(range.low)) break;
    start.push(range.low);
  }
  const end: KeyPart[] = [];
  for (const range of ranges) {
    if (isSpecial(range.high)) {
      end.push(MAX_KEY);
      return { start, end };
    }
    end.push(range.high);
  }
  end.push(MAX_KEY);
  return { start, end };
}

/** Bounds of an `_all_docs` scan, on document ids (mango_idx_special:start_key/end_key). */
export interface IdBounds {
  /** Null (the catch-all range) or "" (an open lower end) scan from the first id. */
  readonly start: JsonValue;
  /** MAX_KEY scans to the last id. */
  readonly end: JsonValue | typeof MAX_KEY;
}

/** The id bounds from the `_id` range (the catch-all `$gt null` range when the selector has none). */
export function idBounds(range: FieldRange): IdBounds {
  const start = range.low === MIN_VALUE ? '' : (range.low as JsonValue);
  const end = range.high === MAX_VALUE ? MAX_KEY : (range.high as JsonValue);
  return { start, end };
}

/** How `_explain` shows a bound: MAX as "<MAX>". */
export function explainKey(key: KeyPart | readonly KeyPart[]): JsonValue {
  if (key === MAX_KEY) return '<MAX>';
  if (Array.isArray(key)) return key.map((part: KeyPart) => (part === MAX_KEY ? '<MAX>' : part));
  return key as JsonValue;
}
