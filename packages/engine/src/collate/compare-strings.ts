import { compareAsciiStrings, NOT_ASCII } from './ascii-collation.js';
import { icuCompare } from './icu-collator.js';

/**
 * CouchDB's string collation (ICU root, tertiary strength): -1, 0 or 1. Pure-ASCII pairs, and pairs whose order
 * is decided within their ASCII prefix, take a table-driven fast path with the same result. Like CouchDB, there is
 * no tie-break: strings that ICU considers equal ("é" precomposed and "e\u0301" decomposed, or "a" and
 * "a\u0001") compare 0.
 */
export function compareStrings(a: string, b: string): number {
  const fast = compareAsciiStrings(a, b);
  if (fast !== NOT_ASCII) return fast;
  if (a === b) return 0;
  const order = icuCompare(a, b);
  return order < 0 ? -1 : order > 0 ? 1 : 0;
}
