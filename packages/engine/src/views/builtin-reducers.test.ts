import { describe, expect, it } from 'vitest';
import { builtinReduce } from './builtin-reducers.js';

describe('built-in reducers', () => {
  it('_sum adds numbers, lists element-wise and objects member-wise', () => {
    expect(builtinReduce('_sum', [], [1, 2, 3.5])).toBe(6.5);
    expect(builtinReduce('_sum', [], [[1, 2], [3], [1, 1, 1]])).toEqual([5, 3, 1]);
    expect(builtinReduce('_sum', [], [{ a: 1, b: { c: 2 } }, { a: 2, b: { c: 1, d: [1] } }])).toEqual({ a: 3, b: { c: 3, d: [1] } });
  });

  it('_sum answers a builtin_reduce_error value naming the offending value', () => {
    expect(builtinReduce('_sum', [], [1, 'fr'])).toMatchObject({ error: 'builtin_reduce_error', caused_by: 'fr' });
    expect(builtinReduce('_sum', [], [{ a: 1 }, 2])).toMatchObject({ error: 'builtin_reduce_error', caused_by: 2 });
  });

  it('_stats works on numbers, lists of numbers and pre-aggregated stats', () => {
    expect(builtinReduce('_stats', [], [1, 5, 3])).toEqual({ sum: 9, count: 3, min: 1, max: 5, sumsqr: 35 });
    expect(builtinReduce('_stats', [], [[1, 2], [3, 4]])).toEqual([
      { sum: 4, count: 2, min: 1, max: 3, sumsqr: 10 },
      { sum: 6, count: 2, min: 2, max: 4, sumsqr: 20 },
    ]);
    expect(builtinReduce('_stats', [], [{ sum: 2, count: 1, min: 2, max: 2, sumsqr: 4 }, 3])).toEqual({ sum: 5, count: 2, min: 2, max: 3, sumsqr: 13 });
    expect(builtinReduce('_stats', [], ['x'])).toMatchObject({ error: 'builtin_reduce_error', caused_by: 'x' });
  });

  it('_count counts rows and _approx_count_distinct distinct keys', () => {
    expect(builtinReduce('_count', ['a', 'a', 'b'], [null, null, null])).toBe(3);
    expect(builtinReduce('_approx_count_distinct', ['a', 'a', ['b', 1], ['b', 1]], [1, 2, 3, 4])).toBe(2);
  });
});
