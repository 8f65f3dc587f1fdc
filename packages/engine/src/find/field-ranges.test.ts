import { describe, expect, it } from 'vitest';
import { normalizeSelector, type JsonValue } from '@settee/core';
import { collate } from '../collate/collate.js';
import { fieldRanges, MAX_VALUE, MIN_VALUE } from './field-ranges.js';
import { MAX_KEY } from './index-order.js';
import { idBounds, jsonBounds } from './scan-bounds.js';

const ranges = (selector: JsonValue) => fieldRanges(normalizeSelector(selector));

describe('fieldRanges (mango_idx_view:field_ranges)', () => {
  it('narrows each indexable field by its comparisons, fields in byte order', () => {
    expect(ranges({ b: { $gt: 1, $lte: 9 }, a: 'x' })).toEqual([
      ['a', { lowOp: '$eq', low: 'x', highOp: '$eq', high: 'x' }],
      ['b', { lowOp: '$gt', low: 1, highOp: '$lte', high: 9 }],
    ]);
    expect(ranges({ age: { $lt: 30 } })).toEqual([['age', { lowOp: '$gt', low: MIN_VALUE, highOp: '$lt', high: 30 }]]);
  });

  it('keeps the tighter of two bounds, in view collation (a string is above any number)', () => {
    expect(ranges({ $and: [{ n: { $gt: 5 } }, { n: { $gte: 7 } }, { n: { $lt: 'a' } }, { n: { $lte: 100 } }] })).toEqual([
      ['n', { lowOp: '$gte', low: 7, highOp: '$lte', high: 100 }],
    ]);
  });

  it('collapses an $lte/$gte meeting the other end into equality, and answers empty when nothing fits', () => {
    expect(ranges({ n: { $gte: 3, $lte: 3 } })).toEqual([['n', { lowOp: '$eq', low: 3, highOp: '$eq', high: 3 }]]);
    expect(ranges({ n: { $gt: 3, $lt: 3 } })).toEqual([['n', 'empty']]);
    expect(ranges({ n: { $gt: 5, $eq: 1 } })).toEqual([['n', 'empty']]);
    // One empty field is the whole answer, whatever the other fields say.
    expect(ranges({ a: 1, n: { $gt: 5, $lt: 1 } })).toEqual([['n', 'empty']]);
  });

  it('only sees through $and: $or, $not, $in, $regex and $ne leave a field unnarrowed', () => {
    expect(ranges({ $or: [{ a: 1 }, { a: 2 }] })).toEqual([]);
    expect(ranges({ a: { $in: [1, 2] } })).toEqual([]);
    expect(ranges({ a: { $ne: 1 } })).toEqual([]);
    expect(ranges({ a: { $gt: 1, $regex: 'x' } })).toEqual([['a', { lowOp: '$gt', low: 1, highOp: '$lt', high: MAX_VALUE }]]);
  });

  it('turns $beginsWith into the range from the prefix to the prefix followed by U+FFFF (sorts after everything)', () => {
    expect(ranges({ name: { $beginsWith: 'al' } })).toEqual([['name', { lowOp: '$gte', low: 'al', highOp: '$lte', high: 'al\uffff' }]]);
    for (const name of ['al', 'alz', 'alZZZ', 'al\ufffd', 'al\u{10ffff}', 'al\u{1f600}', 'al\u4e00']) {
      expect(collate(name, 'al\uffff'), JSON.stringify(name)).toBe(-1);
    }
  });
});

describe('scan bounds', () => {
  it('start key: lower ends until an open one; end key: upper ends then MAX (CouchDB start_key/end_key)', () => {
    const [[, a], [, b]] = ranges({ a: 1, b: { $gt: 2 } }) as [[string, never], [string, never]];
    expect(jsonBounds([a, b])).toEqual({ start: [1, 2], end: [1, MAX_KEY] });
    const [[, lt]] = ranges({ a: { $lt: 9 } }) as [[string, never]];
    expect(jsonBounds([lt])).toEqual({ start: [], end: [9, MAX_KEY] });
    expect(jsonBounds([])).toEqual({ start: [], end: [MAX_KEY] });
  });

  it('id bounds of the _all_docs scan: null and "" start at the first id, MAX ends at the last', () => {
    expect(idBounds({ lowOp: '$gt', low: null, highOp: '$lt', high: MAX_VALUE })).toEqual({ start: null, end: MAX_KEY });
    expect(idBounds({ lowOp: '$gt', low: MIN_VALUE, highOp: '$lte', high: 'd5' })).toEqual({ start: '', end: 'd5' });
  });
});
