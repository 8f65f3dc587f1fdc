import { describe, expect, it } from 'vitest';
import { SetteeError } from '@settee/core';
import { checkPartitionScope, PARTITION_QUERY_LIMIT, partitionQueryLimit, partitionRows } from './partition-scope.js';
import { SortedRows } from './sorted-rows.js';

function reason(check: () => unknown): string | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    if (!(error instanceof SetteeError)) throw error;
    return `${error.status} ${error.error} ${error.reason}`;
  }
}

describe('partition scope of views', () => {
  it("keeps one partition's rows in view order and counts the other partitions' rows on each side", () => {
    const all = new SortedRows([
      { key: 2, id: 'b:1', value: null },
      { key: 1, id: 'a:1', value: null },
      { key: 3, id: 'c:1', value: null },
      { key: 1, id: 'b:2', value: null },
      { key: 5, id: '_design/x', value: null },
    ]);
    const scoped = partitionRows(all, 'b', 'icu');
    expect([...Array(scoped.rows.size).keys()].map((i) => scoped.rows.at(i).id)).toStrictEqual(['b:2', 'b:1']);
    expect([scoped.before, scoped.after]).toStrictEqual([1, 1]);
  });

  it('groups the rows once per version and sees rows applied since', () => {
    const rows = Array.from({ length: 60 }, (_, i) => ({ key: i % 7, id: `p${i % 5}:${String(i).padStart(2, '0')}`, value: null }));
    const all = new SortedRows(rows.slice());
    const ids = (scoped: { rows: SortedRows }) => [...Array(scoped.rows.size).keys()].map((i) => scoped.rows.at(i).id);
    const first = partitionRows(all, 'p2', 'icu');
    // The same answer object until the rows change: the grouping was not redone.
    expect(partitionRows(all, 'p2', 'icu')).toBe(first);
    expect(ids(first)).toHaveLength(12);
    expect([first.before, first.after]).toStrictEqual([24, 24]);
    all.apply([], [{ key: -1, id: 'p2:new', value: null }, { key: 0, id: 'p0:new', value: null }]);
    const after = partitionRows(all, 'p2', 'icu');
    expect(ids(after)[0]).toBe('p2:new');
    expect([after.before, after.after]).toStrictEqual([25, 24]);
    // A partition without rows: everything is before or after it.
    const none = partitionRows(all, 'p3a', 'icu');
    expect([none.rows.size, none.before, none.after]).toStrictEqual([0, 50, 12]);
  });

  it('refuses a limit above the partition query limit and leaves other values to the option checks', () => {
    expect(partitionQueryLimit(undefined)).toBeUndefined();
    expect(partitionQueryLimit(5)).toBe(5);
    expect(partitionQueryLimit('abc')).toBe('abc');
    expect(reason(() => partitionQueryLimit(PARTITION_QUERY_LIMIT + 1))).toBe(`400 query_parse_error Limit is too large, must not exceed ${PARTITION_QUERY_LIMIT}`);
  });

  it('a partitioned view needs a partition, a global one refuses it', () => {
    expect(reason(() => checkPartitionScope(true, undefined))).toBe('400 query_parse_error `partition` parameter is mandatory for queries to this view.');
    expect(reason(() => checkPartitionScope(false, 'p'))).toBe('400 query_parse_error `partition` parameter is not supported in this design doc');
    expect(reason(() => checkPartitionScope(true, 'p'))).toBeUndefined();
    expect(reason(() => checkPartitionScope(false, undefined))).toBeUndefined();
  });
});
