import type { JsonValue } from '@settee/core';
import { compareUtf8 } from '../storage/compare-utf8.js';
import { compareLists, compareMembers } from './compare-containers.js';
import { compareStrings } from './compare-strings.js';

/**
 * Type ranks of CouchDB's view collation: null < false < true < numbers < strings < arrays < objects.
 * (CouchDB's NIF ranks the atoms null=1, false=2, true=3 and places them before everything else.)
 */
const RANK_NULL = 1;
const RANK_FALSE = 2;
const RANK_TRUE = 3;
const RANK_NUMBER = 4;
const RANK_STRING = 5;
const RANK_ARRAY = 6;
const RANK_OBJECT = 7;

/** The collation rank of a JSON value's type (see the constants above). */
export function collationRank(value: JsonValue): number {
  switch (typeof value) {
    case 'number':
      return RANK_NUMBER;
    case 'string':
      return RANK_STRING;
    case 'boolean':
      return value ? RANK_TRUE : RANK_FALSE;
    default:
      return value === null ? RANK_NULL : Array.isArray(value) ? RANK_ARRAY : RANK_OBJECT;
  }
}

/**
 * Compares two JSON values in CouchDB's view collation (couch_ejson_compare): -1, 0 or 1.
 *
 * - null < false < true < numbers < strings < arrays < objects;
 * - numbers by value (3 and 3.0 are equal);
 * - strings by ICU root collation, so "a" < "A" < "aa" < "b", and canonically equivalent strings are equal;
 * - arrays element by element, a prefix first;
 * - objects member by member in their stored order, each member by key (ICU) and then value, a prefix first;
 *   so `{"b":2,"a":1}` is not equal to `{"a":1,"b":2}`.
 *
 * There is deliberately no tie-break: values that compare 0 are "equal" for Mango `$eq`. Views order equal keys by
 * doc id, see {@link collateKeyAndId}.
 */
export function collate(a: JsonValue, b: JsonValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  const rankA = collationRank(a);
  const rankB = collationRank(b);
  if (rankA !== rankB) return rankA < rankB ? -1 : 1;
  if (rankA === RANK_ARRAY) return compareLists(a as JsonValue[], b as JsonValue[], collate);
  if (rankA === RANK_OBJECT) return compareMembers(a as Record<string, JsonValue>, b as Record<string, JsonValue>, compareStrings, collate);
  // Same atom (null, false or true).
  return 0;
}



/**
 * The order of view rows: by key in {@link collate} order, then (for equal keys) by doc id in raw order, the way
 * CouchDB's `less_json_ids` breaks ties. This is why "é" and "e\u0301" keys come out in doc id order.
 */
export function collateKeyAndId(keyA: JsonValue, idA: string, keyB: JsonValue, idB: string): number {
  const order = collate(keyA, keyB);
  if (order !== 0) return order;
  const idOrder = compareUtf8(idA, idB);
  return idOrder < 0 ? -1 : idOrder > 0 ? 1 : 0;
}
