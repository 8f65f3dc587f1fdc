import type { JsonValue, NormalizedSelector } from '@settee/core';
import { collate } from '../collate/collate.js';
import { indexableFields, onlyMember } from './selector-fields.js';

/** Below every JSON value (mango_json:min). */
export const MIN_VALUE: unique symbol = Symbol('min_value');
/** Above every JSON value (mango_json:max). */
export const MAX_VALUE: unique symbol = Symbol('max_value');

export type RangeValue = JsonValue | typeof MIN_VALUE | typeof MAX_VALUE;

/** The values one field may take, as the selector's comparisons on it narrow them (both ends inclusive or not). */
export interface FieldRange {
  readonly lowOp: '$gt' | '$gte' | '$eq';
  readonly low: RangeValue;
  readonly highOp: '$lt' | '$lte' | '$eq';
  readonly high: RangeValue;
}

/** A field's range, or `empty` when no value can satisfy the selector. */
export type Range = FieldRange | 'empty';

const UNBOUNDED: FieldRange = { lowOp: '$gt', low: MIN_VALUE, highOp: '$lt', high: MAX_VALUE };

/**
 * mango_idx_view:field_ranges: the range of every indexable field, in field order. As in CouchDB, a field whose
 * range is empty makes the result that one field alone (`[[field, 'empty']]`): the query can match nothing.
 */
export function fieldRanges(selector: NormalizedSelector): Array<[field: string, range: Range]> {
  const ranges: Array<[string, Range]> = [];
  for (const field of indexableFields(selector)) {
    const range = rangeOf(selector, field, UNBOUNDED);
    if (range === 'empty') return [[field, 'empty']];
    ranges.push([field, range]);
  }
  return ranges;
}

/** Narrows `range` by every comparison on `field` reachable through `$and`. */
function rangeOf(selector: JsonValue, field: string, range: FieldRange): Range {
  const member = onlyMember(selector);
  if (member === undefined) return range;
  const [key, arg] = member;
  if (key === '$and' && Array.isArray(arg)) {
    let current: Range = range;
    for (const sub of arg) {
      if (current === 'empty') return 'empty';
      current = rangeOf(sub, field, current);
    }
    return current;
  }
  if (key !== field) return range;
  const condition = onlyMember(arg);
  return condition === undefined ? range : narrow(condition[0], condition[1], range);
}

type Position = 'min' | 'low' | 'mid' | 'high' | 'max';

/** Where `value` falls against a range's ends (mango_idx_view:range_pos). */
function positionOf(low: RangeValue, value: JsonValue, high: RangeValue): Position {
  const againstLow = compareRangeValues(value, low);
  if (againstLow < 0) return 'min';
  if (againstLow === 0) return 'low';
  const againstHigh = compareRangeValues(value, high);
  return againstHigh < 0 ? 'mid' : againstHigh === 0 ? 'high' : 'max';
}

/** mango_json:cmp: collation, with MIN below and MAX above every value. */
export function compareRangeValues(a: RangeValue, b: RangeValue): number {
  if (a === b) return 0;
  if (a === MIN_VALUE || b === MAX_VALUE) return -1;
  if (a === MAX_VALUE || b === MIN_VALUE) return 1;
  return collate(a, b);
}

/**
 * `$beginsWith: p` scans from `p` to `p` followed by U+FFFF, the character ICU sorts after all others (CouchDB
 * 3.4's fix #4828: U+10FFFF, the highest code point, sorts before U+FFFD).
 */
const LAST_CHARACTER = '\uffff';

/** mango_idx_view:range/5: one comparison narrows the range (other operators are filters only). */
function narrow(op: string, arg: JsonValue, range: FieldRange): Range {
  const { lowOp, low, highOp, high } = range;
  const equal: FieldRange = { lowOp: '$eq', low: arg, highOp: '$eq', high: arg };
  switch (op) {
    case '$lt':
      switch (positionOf(low, arg, high)) {
        case 'min':
        case 'low':
          return 'empty';
        case 'mid':
        case 'high':
          return { lowOp, low, highOp: '$lt', high: arg };
        default:
          return range;
      }
    case '$lte':
      switch (positionOf(low, arg, high)) {
        case 'min':
          return 'empty';
        case 'low':
          return lowOp === '$gte' || lowOp === '$eq' ? equal : 'empty';
        case 'mid':
          return { lowOp, low, highOp: '$lte', high: arg };
        default:
          return range;
      }
    case '$eq':
      switch (positionOf(low, arg, high)) {
        case 'low':
          return lowOp === '$gte' || lowOp === '$eq' ? equal : 'empty';
        case 'mid':
          return equal;
        case 'high':
          return highOp === '$lte' || highOp === '$eq' ? equal : 'empty';
        default:
          return 'empty';
      }
    case '$gte':
      switch (positionOf(low, arg, high)) {
        case 'min':
        case 'low':
          return range;
        case 'mid':
          return { lowOp: '$gte', low: arg, highOp, high };
        case 'high':
          return highOp === '$lte' || highOp === '$eq' ? equal : 'empty';
        default:
          return 'empty';
      }
    case '$gt':
      switch (positionOf(low, arg, high)) {
        case 'min':
          return range;
        case 'low':
        case 'mid':
          return { lowOp: '$gt', low: arg, highOp, high };
        default:
          return 'empty';
      }
    case '$beginsWith': {
      if (typeof arg !== 'string') return range;
      const from = narrow('$gte', arg, range);
      return from === 'empty' ? 'empty' : narrow('$lte', arg + LAST_CHARACTER, from);
    }
    default:
      return range;
  }
}
