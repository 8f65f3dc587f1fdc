import type { JsonObject, JsonValue } from '@settee/core';
import { compilePath, getField, NOT_FOUND, BAD_PATH } from '../mango/get-field.js';
import { compileSelector } from '../mango/match-selector.js';
import { parseField } from '../mango/parse-field.js';
import type { JsonIndex } from './json-index.js';

/** Computes a document's key in one index: the values of its columns, or undefined when it is not indexed. */
export type IndexKeyOf = (doc: JsonObject) => JsonValue[] | undefined;

const keyFunctions = new WeakMap<JsonIndex, IndexKeyOf>();

/**
 * The key function of `index`, as CouchDB's mango_native_proc computes index entries: a document is indexed when
 * it matches the partial filter and has every column (a missing field or a path through a scalar leaves it out);
 * its key is the list of the column values. Callers never pass design documents (views do not index them).
 * `doc` is the winning revision with `_id` and `_rev`.
 */
export function indexKeyFunction(index: JsonIndex): IndexKeyOf {
  let keyOf = keyFunctions.get(index);
  if (keyOf === undefined) {
    keyOf = compileKeyFunction(index);
    keyFunctions.set(index, keyOf);
  }
  return keyOf;
}

function compileKeyFunction(index: JsonIndex): IndexKeyOf {
  let paths: ReturnType<typeof compilePath>[];
  try {
    paths = index.columns.map((column) => compilePath(parseField(column.field)));
  } catch {
    // A column CouchDB cannot parse ("a..b") makes its map function fail on every document: nothing is indexed.
    return () => undefined;
  }
  const filter = index.partialFilter === undefined ? undefined : compileSelector(index.partialFilter);
  return (doc) => {
    if (filter !== undefined && !matchesQuietly(filter, doc)) return undefined;
    const key: JsonValue[] = new Array<JsonValue>(paths.length);
    for (let i = 0; i < paths.length; i++) {
      const value = getField(doc, paths[i]!);
      if (value === NOT_FOUND || value === BAD_PATH) return undefined;
      key[i] = value;
    }
    return key;
  };
}

/** A partial filter that fails on a document ($mod by 0) leaves it out of the index instead of failing the write. */
function matchesQuietly(filter: (doc: JsonValue) => boolean, doc: JsonObject): boolean {
  try {
    return filter(doc);
  } catch {
    return false;
  }
}
