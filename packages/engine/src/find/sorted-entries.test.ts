import { describe, expect, it } from 'vitest';
import type { JsonValue } from '@settee/core';
import { collateKeyAndId } from '../collate/collate.js';
import { MAX_KEY } from './index-order.js';
import { SortedEntries, type IndexEntry } from './sorted-entries.js';
import { seededRandom as random } from '../test-support/seeded-random.js';


const VALUES: JsonValue[] = [null, false, true, -1, 0, 2.5, 30, 'a', 'A', 'aa', 'b', 'é', 'e\u0301', [], ['a'], [1, 2], {}, { a: 1 }];

function randomKey(next: () => number): JsonValue[] {
  const length = 1 + Math.floor(next() * 2);
  return Array.from({ length }, () => VALUES[Math.floor(next() * VALUES.length)]!);
}

/** The reference order: view collation of the key (as one array value), ties by raw id. */
function reference(rows: Map<string, JsonValue[]>): string[] {
  return [...rows.entries()].sort(([idA, a], [idB, b]) => collateKeyAndId(a, idA, b, idB)).map(([id]) => id);
}

function idsOf(entries: SortedEntries): string[] {
  return Array.from({ length: entries.size }, (_, i) => entries.at(i).id);
}

describe('SortedEntries', () => {
  it('sorts rows by key in view collation, then by raw id', () => {
    const rows: IndexEntry[] = [
      { key: ['b'], id: 'x' },
      { key: [30], id: 'z' },
      { key: ['a'], id: 'y' },
      { key: [30], id: 'a' },
      { key: [null], id: 'n' },
      { key: ['A'], id: 'c' },
      { key: [[1]], id: 'arr' },
    ];
    expect(idsOf(SortedEntries.from(rows))).toEqual(['n', 'a', 'z', 'y', 'c', 'x', 'arr']);
  });

  it('stays in reference order through small and large random batches of inserts, moves and removals', () => {
    const next = random(7);
    const state = new Map<string, JsonValue[]>();
    const entries = SortedEntries.from([]);
    for (let round = 0; round < 60; round++) {
      // Alternate small batches (inserted one by one) with large ones (re-sorted).
      const size = round % 5 === 4 ? 80 : 1 + Math.floor(next() * 6);
      const batch: Array<[string, JsonValue[] | undefined]> = [];
      for (let i = 0; i < size; i++) {
        const id = `d${Math.floor(next() * 120)}`;
        const key = next() < 0.25 ? undefined : randomKey(next);
        batch.push([id, key]);
      }
      // Within a batch the last change of an id wins, as in a write batch.
      for (const [id, key] of batch) {
        if (key === undefined) state.delete(id);
        else state.set(id, key);
      }
      entries.apply(batch);
      expect(idsOf(entries), `round ${round}`).toEqual(reference(state));
      for (const [id, key] of state) expect(entries.keyOf(id)).toEqual(key);
    }
  });

  it('finds range ends: a key bound sorts before the keys it prefixes, MAX after everything', () => {
    const entries = SortedEntries.from([
      { key: [10, 'a'], id: '1' },
      { key: [20], id: '2' },
      { key: [20, 'b'], id: '3' },
      { key: [20, 'c'], id: '4' },
      { key: [30], id: '5' },
    ]);
    expect(entries.position([20], undefined, false)).toBe(1);
    expect(entries.position([20, MAX_KEY], undefined, true)).toBe(4);
    expect(entries.position([20], undefined, true)).toBe(2);
    expect(entries.position([MAX_KEY], undefined, false)).toBe(5);
    expect(entries.position([], undefined, false)).toBe(0);
    // With an id: strictly after or at one row, for bookmarks.
    expect(entries.position([20, 'b'], '3', true)).toBe(3);
    expect(entries.position([20, 'b'], '3', false)).toBe(2);
    expect(entries.position([20, 'b'], '0', true)).toBe(2);
  });
});
