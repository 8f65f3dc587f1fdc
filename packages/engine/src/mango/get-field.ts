import type { JsonValue } from '@settee/core';

/** The field does not exist (a member is missing): `$exists: false` matches. */
export const NOT_FOUND: unique symbol = Symbol('not_found');
/** The path runs through a scalar or a bad array index: nothing matches, not even `$exists: false`. */
export const BAD_PATH: unique symbol = Symbol('bad_path');

export type FieldLookup = JsonValue | typeof NOT_FOUND | typeof BAD_PATH;

/** One segment of a parsed path, with its array index worked out once. */
interface Segment {
  readonly name: string;
  /** The index this segment names in an array, or -1 when it is not an integer (CouchDB: bad_path). */
  readonly index: number;
}

/** Like Erlang's list_to_integer: optional sign, then decimal digits. */
const INTEGER = /^[+-]?\d+$/;

/** Prepares a parsed path (see `parseField`) for repeated lookups. */
export function compilePath(path: readonly string[]): readonly Segment[] {
  return path.map((name) => {
    if (!INTEGER.test(name)) return { name, index: -1 };
    const index = Number(name);
    return { name, index: Number.isSafeInteger(index) && index >= 0 ? index : -1 };
  });
}

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Walks `value` along `path` like CouchDB's mango_doc:get_field: object members by name, array elements by a
 * 0-based index ("songs.0.artist"). A missing member is {@link NOT_FOUND}; stepping into a scalar, a non-integer
 * or out-of-range index of an array is {@link BAD_PATH}.
 */
export function getField(value: JsonValue, path: readonly Segment[]): FieldLookup {
  let current = value;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return BAD_PATH;
    if (Array.isArray(current)) {
      if (segment.index < 0 || segment.index >= current.length) return BAD_PATH;
      current = current[segment.index]!;
    } else {
      if (!hasOwn.call(current, segment.name)) return NOT_FOUND;
      current = current[segment.name]!;
    }
  }
  return current;
}
