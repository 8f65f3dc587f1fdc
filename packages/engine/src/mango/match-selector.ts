import { BadRequestError, isJsonObject, type JsonObject, type JsonValue } from '@settee/core';
import { collate, collationRank } from '../collate/collate.js';
import { compareRaw } from '../collate/compare-raw.js';
import { compareStrings } from '../collate/compare-strings.js';
import { BAD_PATH, compilePath, getField, NOT_FOUND } from './get-field.js';
import { badArg, badArith, invalidOperator } from './mango-errors.js';
import { compileMangoRegex, normalizeSelector, type NormalizedSelector } from '@settee/core';
import { parseField } from './parse-field.js';
import { termEquals } from './term-equals.js';

/** A compiled selector: true when the document (its JSON body, with `_id` and `_rev`) matches. */
export type SelectorPredicate = (doc: JsonValue) => boolean;

type Compare = (a: JsonValue, b: JsonValue) => number;

const compiledCache = new WeakMap<NormalizedSelector, SelectorPredicate>();
const alwaysTrue: SelectorPredicate = () => true;
const alwaysFalse: SelectorPredicate = () => false;

/**
 * Turns a selector into a predicate once, so a query can test thousands of documents without re-reading the
 * selector: field paths are parsed, regexes compiled and comparisons specialised up front. A selector that is not
 * yet normalised goes through {@link normalizeSelector} first (and so may throw CouchDB's selector errors);
 * predicates are cached per normalised selector object.
 *
 * Semantics are CouchDB's mango_selector:match/2: conditions on `_id` compare in raw order, every other
 * comparison in view collation (so `{"$gt": 30}` matches the string "31"); equality is whole-value (`"a"` does not
 * equal `["a"]`); a missing field matches only `$exists: false`.
 *
 * Throws 400 no_usable_index for `$text` (there are no text indexes), 500 for an invalid field name
 * ("a..b", as CouchDB does), and the returned predicate throws 500 badarith for `$mod` by 0 on an integer.
 */
export function compileSelector(selector: NormalizedSelector | JsonValue): SelectorPredicate {
  const normalized = normalizeSelector(selector);
  let predicate = compiledCache.get(normalized);
  if (predicate === undefined) {
    predicate = Object.keys(normalized).length === 0 ? alwaysTrue : compileCondition(normalized, collate);
    compiledCache.set(normalized, predicate);
  }
  return predicate;
}

/**
 * True when `doc` matches `selector`. Pass the result of {@link normalizeSelector} (or keep the predicate from
 * {@link compileSelector}) when testing many documents: a raw selector object is normalised on every call.
 */
export function matchesSelector(doc: JsonValue, selector: NormalizedSelector | JsonValue): boolean {
  return compileSelector(selector)(doc);
}

function compileCondition(condition: JsonValue, compare: Compare): SelectorPredicate {
  const keys = isJsonObject(condition) ? Object.keys(condition) : [];
  if (keys.length !== 1) throw new Error(`Mango: not a normalized selector: ${JSON.stringify(condition)}`);
  const key = keys[0]!;
  const arg = (condition as JsonObject)[key]!;
  switch (key) {
    case '$and':
      return every((arg as JsonValue[]).map((sub) => compileCondition(sub, compare)));
    case '$or':
      return some((arg as JsonValue[]).map((sub) => compileCondition(sub, compare)));
    case '$nor': {
      // Normalisation removes $nor except inside $elemMatch/$allMatch/$keyMapMatch arguments.
      const anyOf = some((arg as JsonValue[]).map((sub) => compileCondition(sub, compare)));
      return (arg as JsonValue[]).length === 0 ? alwaysTrue : (value) => !anyOf(value);
    }
    case '$not': {
      const inner = compileCondition(arg, compare);
      return (value) => !inner(value);
    }
    case '':
      // The element itself, inside $elemMatch / $allMatch / $keyMapMatch.
      return compileCondition(arg, compare);
    case '$elemMatch': {
      const inner = compileCondition(arg, compare);
      return (value) => Array.isArray(value) && value.some(inner);
    }
    case '$allMatch': {
      const inner = compileCondition(arg, compare);
      return (value) => Array.isArray(value) && value.length > 0 && value.every(inner);
    }
    case '$keyMapMatch': {
      const inner = compileCondition(arg, compare);
      return (value) => isJsonObject(value) && Object.keys(value).some(inner);
    }
    case '$eq': {
      const order = comparatorFor(arg, compare);
      return (value) => order(value) === 0;
    }
    case '$ne': {
      const order = comparatorFor(arg, compare);
      return (value) => order(value) !== 0;
    }
    case '$lt': {
      const order = comparatorFor(arg, compare);
      return (value) => order(value) < 0;
    }
    case '$lte': {
      const order = comparatorFor(arg, compare);
      return (value) => order(value) <= 0;
    }
    case '$gt': {
      const order = comparatorFor(arg, compare);
      return (value) => order(value) > 0;
    }
    case '$gte': {
      const order = comparatorFor(arg, compare);
      return (value) => order(value) >= 0;
    }
    case '$in':
      return compileIn(arg as JsonValue[], compare);
    case '$nin': {
      // Every argument differs from the value (from every element of an array value).
      const isIn = compileIn(arg as JsonValue[], compare);
      return (value) => !isIn(value);
    }
    case '$all':
      return compileAll(arg as JsonValue[]);
    case '$exists':
      // Reached only when the field exists (a missing field is handled by the field lookup).
      return arg === true ? alwaysTrue : alwaysFalse;
    case '$type':
      return (value) => typeName(value) === arg;
    case '$size':
      return (value) => Array.isArray(value) && value.length === arg;
    case '$mod': {
      const [divisor, remainder] = arg as [number, number];
      return (value) => {
        // Only integers: CouchDB skips 50.5 (and, unlike here, a float written as 30.0).
        if (typeof value !== 'number' || !Number.isInteger(value)) return false;
        if (divisor === 0) throw badArith();
        // `%` truncates like Erlang's `rem`: the remainder keeps the dividend's sign.
        return value % divisor === remainder;
      };
    }
    case '$regex': {
      const regex = compileMangoRegex(arg as string);
      if (regex === undefined) throw badArg(key, arg);
      return (value) => typeof value === 'string' && regex.test(value);
    }
    case '$beginsWith': {
      const prefix = arg as string;
      return (value) => typeof value === 'string' && value.startsWith(prefix);
    }
    case '$default':
      // CouchDB trusts its text index for $text; the engine has none.
      throw new BadRequestError('There is no index available for this selector.', { error: 'no_usable_index' });
    default:
      if (key.startsWith('$')) throw invalidOperator(key);
      return compileField(key, arg, compare);
  }
}

function compileField(field: string, condition: JsonValue, compare: Compare): SelectorPredicate {
  const path = compilePath(parseField(field));
  // Conditions on the document id compare in raw (code point) order, like _all_docs.
  const inner = compileCondition(condition, field === '_id' ? compareRaw : compare);
  const existsFalse = isJsonObject(condition) && condition['$exists'] === false && Object.keys(condition).length === 1;
  return (doc) => {
    const found = getField(doc, path);
    if (found === NOT_FOUND) return existsFalse;
    if (found === BAD_PATH) return false;
    return inner(found);
  };
}

/**
 * A function giving the order of a value against the fixed `arg`, specialised for the common argument types so
 * that a number or string argument does not go through the generic collation for every document.
 */
function comparatorFor(arg: JsonValue, compare: Compare): (value: JsonValue) => number {
  if (compare !== collate) return (value) => compare(value, arg);
  if (typeof arg === 'number') {
    const rank = collationRank(arg);
    return (value) => (typeof value === 'number' ? (value < arg ? -1 : value > arg ? 1 : 0) : collationRank(value) < rank ? -1 : 1);
  }
  if (typeof arg === 'string') {
    const rank = collationRank(arg);
    return (value) => (typeof value === 'string' ? compareStrings(value, arg) : collationRank(value) < rank ? -1 : 1);
  }
  return (value) => collate(value, arg);
}

/** `$in`: the value (or, for an array value, any element) equals one of the arguments, in collation. */
function compileIn(args: readonly JsonValue[], compare: Compare): SelectorPredicate {
  if (args.length === 0) return alwaysFalse;
  const equals = args.map((arg) => {
    const order = comparatorFor(arg, compare);
    return (value: JsonValue) => order(value) === 0;
  });
  const matchesOne = (value: JsonValue) => equals.some((isEqual) => isEqual(value));
  return (value) => (Array.isArray(value) ? value.some(matchesOne) : matchesOne(value));
}

/**
 * `$all` on an array value: every argument is an element (exact equality, not collation); or the single argument
 * is an array equal to the whole value. A non-array value never matches, and neither does `$all: []`.
 */
function compileAll(args: readonly JsonValue[]): SelectorPredicate {
  if (args.length === 0) return alwaysFalse;
  const only = args.length === 1 && Array.isArray(args[0]) ? args[0] : undefined;
  return (value) => {
    if (!Array.isArray(value)) return false;
    if (args.every((arg) => value.some((element) => termEquals(element, arg)))) return true;
    return only !== undefined && termEquals(only, value);
  };
}

function every(predicates: readonly SelectorPredicate[]): SelectorPredicate {
  if (predicates.length === 0) return alwaysTrue;
  if (predicates.length === 1) return predicates[0]!;
  if (predicates.length === 2) {
    const [first, second] = predicates as [SelectorPredicate, SelectorPredicate];
    return (value) => first(value) && second(value);
  }
  return (value) => {
    for (const predicate of predicates) if (!predicate(value)) return false;
    return true;
  };
}

function some(predicates: readonly SelectorPredicate[]): SelectorPredicate {
  // CouchDB's matcher treats an empty $or as true. (Its _find answers `$or: []` with no rows before matching
  // anything, because the empty $or gives an empty index range; that belongs to the query planner.)
  if (predicates.length === 0) return alwaysTrue;
  if (predicates.length === 1) return predicates[0]!;
  return (value) => {
    for (const predicate of predicates) if (predicate(value)) return true;
    return false;
  };
}

/** Mango's `$type` names. */
function typeName(value: JsonValue): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return 'boolean';
    case 'number':
      return 'number';
    case 'string':
      return 'string';
    default:
      return Array.isArray(value) ? 'array' : 'object';
  }
}
