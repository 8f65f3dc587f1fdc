import type { JsonValue } from '@settee/core';

type Compare<T> = (a: T, b: T) => number;

/** Element by element with `compare`, then the shorter list first: how both collations order arrays. */
export function compareLists(a: readonly JsonValue[], b: readonly JsonValue[], compare: Compare<JsonValue>): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const order = compare(a[i]!, b[i]!);
    if (order !== 0) return order;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** Member by member in stored order, key then value, then the object with fewer members first. */
export function compareMembers(
  a: Record<string, JsonValue>,
  b: Record<string, JsonValue>,
  compareKeys: Compare<string>,
  compareValues: Compare<JsonValue>,
): number {
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  const n = keysA.length < keysB.length ? keysA.length : keysB.length;
  for (let i = 0; i < n; i++) {
    const keyA = keysA[i]!;
    const keyB = keysB[i]!;
    const keyOrder = compareKeys(keyA, keyB);
    if (keyOrder !== 0) return keyOrder;
    const valueOrder = compareValues(a[keyA]!, b[keyB]!);
    if (valueOrder !== 0) return valueOrder;
  }
  return keysA.length === keysB.length ? 0 : keysA.length < keysB.length ? -1 : 1;
}
