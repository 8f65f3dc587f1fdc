import type { JsonValue } from '@settee/core';

/**
 * Exact equality of two JSON terms, as Erlang's `=:=` sees CouchDB's JSON (used by `$all`, which CouchDB checks
 * with `lists:member`): strings must be identical (no ICU equivalence), objects must have the same members in the
 * same order. Numbers compare by value: JavaScript cannot tell 1 from 1.0 (Erlang's `=:=` can).
 */
export function termEquals(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!termEquals(a[i]!, b[i]!)) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  for (let i = 0; i < keysA.length; i++) {
    const key = keysA[i]!;
    if (key !== keysB[i] || !termEquals(a[key]!, b[key]!)) return false;
  }
  return true;
}
