import { describe, expect, it } from 'vitest';
import { SortedRows, type MapRow } from './sorted-rows.js';

const row = (key: MapRow['key'], id: string, value: MapRow['value']): MapRow => ({ key, id, value });

describe('SortedRows', () => {
  it('orders rows of one key and doc by value in Erlang term order, when built and when applied', () => {
    const emitted = [row('k', 'd', 'b'), row('k', 'd', null), row('k', 'd', 2), row('k', 'd', [1]), row('k', 'd', { z: 1 })];
    const expected = [2, null, { z: 1 }, [1], 'b'];
    for (const collation of ['icu', 'raw'] as const) {
      const built = new SortedRows([...emitted], collation);
      expect(Array.from({ length: built.size }, (_, i) => built.at(i).value)).toStrictEqual(expected);
      // Enough other rows that `apply` inserts one by one rather than re-sorting.
      const applied = new SortedRows(Array.from({ length: 200 }, (_, i) => row(i, `x${i}`, null)), collation);
      applied.apply([], emitted);
      const values = Array.from({ length: applied.size }, (_, i) => applied.at(i)).filter((r) => r.key === 'k').map((r) => r.value);
      expect(values).toStrictEqual(expected);
    }
  });
});
