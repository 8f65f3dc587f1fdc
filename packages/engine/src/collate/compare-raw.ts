import type { JsonValue } from '@settee/core';
import { compareUtf8 } from '../storage/compare-utf8.js';
import { compareLists, compareMembers } from './compare-containers.js';

/**
 * Raw collation: Erlang's term order over CouchDB's JSON terms, as used by `_all_docs` ids, views with
 * `"options": {"collation": "raw"}` and Mango conditions on `_id`: -1, 0 or 1.
 *
 * Numbers < false < null < true (atoms, alphabetically) < objects (tuples) < arrays (lists, [] first) < strings
 * (binaries, by UTF-8 bytes = code points). Objects compare member by member (key bytes, then value); arrays
 * element by element; a prefix sorts first.
 */
export function compareRaw(a: JsonValue, b: JsonValue): number {
  if (typeof a === 'string' && typeof b === 'string') return compareRawStrings(a, b);
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  const rankA = rawRank(a);
  const rankB = rawRank(b);
  if (rankA !== rankB) return rankA < rankB ? -1 : 1;
  if (rankA === RAW_ARRAY) return compareLists(a as JsonValue[], b as JsonValue[], compareRaw);
  // An object is the 1-tuple `{[{Key, Value}, ...]}`: its members compare as a list of 2-tuples.
  if (rankA === RAW_OBJECT) return compareMembers(a as Record<string, JsonValue>, b as Record<string, JsonValue>, compareRawStrings, compareRaw);
  return 0;
}

/** Strings in raw order: by UTF-8 bytes, i.e. by code point (not by UTF-16 code unit). */
export function compareRawStrings(a: string, b: string): number {
  const order = compareUtf8(a, b);
  return order < 0 ? -1 : order > 0 ? 1 : 0;
}

const RAW_NUMBER = 1;
const RAW_FALSE = 2;
const RAW_NULL = 3;
const RAW_TRUE = 4;
const RAW_OBJECT = 5;
const RAW_ARRAY = 6;
const RAW_STRING = 7;

function rawRank(value: JsonValue): number {
  switch (typeof value) {
    case 'number':
      return RAW_NUMBER;
    case 'string':
      return RAW_STRING;
    case 'boolean':
      return value ? RAW_TRUE : RAW_FALSE;
    default:
      return value === null ? RAW_NULL : Array.isArray(value) ? RAW_ARRAY : RAW_OBJECT;
  }
}


