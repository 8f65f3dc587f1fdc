import { describe, expect, it } from 'vitest';
import { normalizeSelector, type JsonValue } from '@settee/core';
import { allDocsUnusable, canUseSort, hasRequiredFields, isConstantField, jsonIndexUnusable } from './index-usability.js';

const n = (selector: JsonValue) => normalizeSelector(selector);

describe('hasRequiredFields (mango_selector:has_required_fields)', () => {
  it('needs every field required by some condition; $exists: false requires nothing', () => {
    expect(hasRequiredFields(n({ a: 1, b: { $gt: 2 } }), ['a', 'b'])).toBe(true);
    expect(hasRequiredFields(n({ a: 1 }), ['a', 'b'])).toBe(false);
    expect(hasRequiredFields(n({ a: { $exists: false } }), ['a'])).toBe(false);
    expect(hasRequiredFields(n({ a: { $regex: 'x' } }), ['a'])).toBe(true);
  });

  it('sees through $or only for fields every branch requires, and {} requires nothing', () => {
    expect(hasRequiredFields(n({ $or: [{ a: 1 }, { a: 2, b: 1 }] }), ['a'])).toBe(true);
    expect(hasRequiredFields(n({ $or: [{ a: 1 }, { b: 2 }] }), ['a'])).toBe(false);
    expect(hasRequiredFields(n({ c: 1, $or: [{ a: 1 }, { a: 2 }] }), ['a', 'c'])).toBe(true);
    expect(hasRequiredFields(n({}), ['a'])).toBe(false);
    expect(hasRequiredFields(n({}), [])).toBe(true);
  });
});

describe('sorts (mango_idx_view:can_use_sort)', () => {
  it('serves a sort that is a prefix of the columns, after columns fixed by $eq', () => {
    expect(canUseSort(['a', 'b'], ['a'], n({}))).toBe(true);
    expect(canUseSort(['a', 'b'], ['b'], n({ a: 1 }))).toBe(true);
    expect(canUseSort(['a', 'b'], ['b'], n({ a: { $gt: 1 } }))).toBe(false);
    expect(canUseSort(['a'], ['a', 'b'], n({}))).toBe(false);
    expect(canUseSort([], ['a'], n({}))).toBe(false);
    expect(isConstantField(n({ $and: [{ x: 1 }, { a: { $eq: 2 } }] }), 'a')).toBe(true);
  });
});

describe('usability of an index', () => {
  it('a JSON index needs its columns required by the selector (sort fields, _id and _rev excepted)', () => {
    expect(jsonIndexUnusable(['age'], n({ age: { $gt: 1 } }), [])).toBeUndefined();
    expect(jsonIndexUnusable(['age'], n({ name: 'x' }), [])).toBe('field_mismatch');
    expect(jsonIndexUnusable(['name'], n({ age: { $gt: 0 } }), ['name'])).toBeUndefined();
    expect(jsonIndexUnusable(['_id'], n({ a: 1 }), [])).toBeUndefined();
    expect(jsonIndexUnusable(['age', 'name'], n({ age: 1, name: 'x' }), ['name'])).toBeUndefined();
    expect(jsonIndexUnusable(['age', 'name'], n({ age: { $gt: 1 }, name: 'x' }), ['name'])).toBe('sort_order_mismatch');
  });

  it('_all_docs serves unsorted queries, and a sort on _id when the selector narrows _id', () => {
    expect(allDocsUnusable(n({ age: 1 }), [])).toBeUndefined();
    expect(allDocsUnusable(n({ age: 1 }), ['_id'])).toBe('field_mismatch');
    expect(allDocsUnusable(n({ _id: { $gt: 'a' } }), ['_id'])).toBeUndefined();
    expect(allDocsUnusable(n({ _id: { $gt: 'a' } }), ['age'])).toBe('sort_order_mismatch');
  });
});
