import { isJsonObject, type JsonObject, type JsonValue } from '../json.js';
import { badArg, badField, invalidOperator, invalidSelectorJson, missingFieldName, notSupported } from './mango-errors.js';
import { compileMangoRegex } from './pcre-regex.js';

declare const normalizedBrand: unique symbol;

/**
 * A selector in CouchDB's normal form (what `_explain` shows as "selector"): every object has exactly one member,
 * conditions sit under full dotted field paths (`{"address.city": {"$eq": "Paris"}}`), several conditions are an
 * explicit `$and`, and negations are pushed down to the operators (`$not: {$gt}` is `$lte`, `$nor` is gone).
 * Only {@link normalizeSelector} makes one.
 */
export type NormalizedSelector = JsonObject & { readonly [normalizedBrand]: true };

/**
 * Validates and normalises a Mango selector exactly like CouchDB's mango_selector:normalize/1, in its three
 * steps: operators (implicit `$eq` and `$and`, argument checks), field paths, negations. Throws CouchDB's errors
 * (400 bad_arg / invalid_operator / not_supported / bad_field / invalid_selector) with CouchDB's reasons.
 *
 * `{}` stays `{}` and matches every document.
 */
export function normalizeSelector(selector: JsonValue): NormalizedSelector {
  if (isNormalizedSelector(selector)) return selector;
  if (!isJsonObject(selector)) throw invalidSelectorJson(selector);
  const normalized = Object.keys(selector).length === 0 ? {} : normalizeNegations(normalizeFields(normalizeOperators(selector, ''), ''));
  if (!isJsonObject(normalized)) throw badField(normalized);
  if (Object.hasOwn(normalized, '')) throw missingFieldName();
  normalizedSelectors.add(normalized);
  return normalized as NormalizedSelector;
}

/** The objects {@link normalizeSelector} returned, so normalising twice costs nothing. */
const normalizedSelectors = new WeakSet<object>();

/** True when `value` is a selector object returned by {@link normalizeSelector}. */
export function isNormalizedSelector(value: JsonValue): value is NormalizedSelector {
  return typeof value === 'object' && value !== null && normalizedSelectors.has(value);
}

/** The one member of a single-member object, or undefined. */
function onlyMember(value: JsonValue): [string, JsonValue] | undefined {
  if (!isJsonObject(value)) return undefined;
  let found: [string, JsonValue] | undefined;
  for (const key in value) {
    if (found !== undefined) return undefined;
    found = [key, value[key]!];
  }
  return found;
}

function single(key: string, value: JsonValue): JsonObject {
  return { [key]: value };
}

const isInteger = (value: JsonValue): value is number => typeof value === 'number' && Number.isInteger(value);

/** MongoDB operators CouchDB recognises but refuses. */
const UNSUPPORTED = new Set(['$where', '$geoWithin', '$geoIntersects', '$near', '$nearSphere']);
/** Comparison operators, whose argument can be any value. */
const COMPARISONS = new Set(['$lt', '$lte', '$eq', '$ne', '$gte', '$gt']);

/** Where in the selector a member sits, for error messages: `$and[1].age.$in`. */
function locate(at: string, key: string | number): string {
  if (typeof key === 'number') return `${at}[${key}]`;
  return at === '' ? key : `${at}.${key}`;
}

/**
 * Step 1 (norm_ops): check each operator's argument, make implicit `$eq` and implicit `$and` explicit. `at` is the
 * location of `selector` in the original selector, only used in errors.
 */
function normalizeOperators(selector: JsonValue, at: string): JsonValue {
  if (isJsonObject(selector)) {
    const keys = Object.keys(selector);
    if (keys.length > 1) return single('$and', keys.map((key) => normalizeOperators(single(key, selector[key]!), at)));
    if (keys.length === 1) return normalizeOperator(keys[0]!, selector[keys[0]!]!, selector, locate(at, keys[0]!));
  }
  // A bare value (or `{}`) is an equality condition.
  return single('$eq', selector);
}

function normalizeOperator(key: string, arg: JsonValue, condition: JsonObject, at: string): JsonValue {
  switch (key) {
    case '$and':
    case '$or':
    case '$nor':
      if (!Array.isArray(arg)) throw badArg(key, arg, at);
      return single(key, arg.map((sub, i) => normalizeOperators(sub, locate(at, i))));
    case '$not':
    case '$elemMatch':
    case '$allMatch':
    case '$keyMapMatch':
      if (!isJsonObject(arg)) throw badArg(key, arg, at);
      return single(key, normalizeOperators(arg, at));
    case '$in':
    case '$nin':
    case '$all':
      if (!Array.isArray(arg)) throw badArg(key, arg, at);
      return condition;
    case '$exists':
      if (typeof arg !== 'boolean') throw badArg(key, arg, at);
      return condition;
    case '$type':
      if (typeof arg !== 'string') throw badArg(key, arg, at);
      return condition;
    case '$mod':
      if (!Array.isArray(arg) || arg.length !== 2 || !isInteger(arg[0]!) || !isInteger(arg[1]!)) throw badArg(key, arg, at);
      return condition;
    case '$regex':
      // A non-string pattern falls through to "invalid operator" in CouchDB, like $beginsWith.
      if (typeof arg !== 'string') throw invalidOperator(key, at);
      if (compileMangoRegex(arg) === undefined) throw badArg(key, arg, at);
      return condition;
    case '$size':
      if (!isInteger(arg) || arg < 0) throw badArg(key, arg, at);
      return condition;
    case '$text':
      if (typeof arg !== 'string' && typeof arg !== 'number' && typeof arg !== 'boolean') throw badArg(key, arg, at);
      return single('$default', single('$text', arg));
    case '$beginsWith':
      if (typeof arg !== 'string') throw invalidOperator(key, at);
      return condition;
    case '$default':
      return condition;
    default:
      if (COMPARISONS.has(key)) return condition;
      if (UNSUPPORTED.has(key)) throw notSupported(key, at);
      if (key.startsWith('$')) throw invalidOperator(key, at);
      return single(key, normalizeOperators(arg, at));
  }
}

/**
 * Step 2 (norm_fields): move field names down to the operators as full dotted paths, through `$and`/`$or`/
 * `$nor`/`$not`. The argument of `$elemMatch`/`$allMatch`/`$keyMapMatch` is normalised on its own (its fields are
 * relative to the element; a bare operator there gets the empty field name "", meaning "the element itself").
 */
function normalizeFields(selector: JsonValue, path: string): JsonValue {
  const member = onlyMember(selector);
  if (member === undefined) throw badField(selector);
  const [key, arg] = member;
  switch (key) {
    case '$and':
    case '$or':
    case '$nor':
      return single(key, (arg as JsonValue[]).map((sub) => normalizeFields(sub, path)));
    case '$not':
      return single(key, normalizeFields(arg, path));
    case '$elemMatch':
    case '$allMatch':
    case '$keyMapMatch':
      return single(path, single(key, normalizeFieldsTop(arg)));
    case '$default':
      if (path === '' && onlyMember(arg)?.[0] === '$text') return selector;
      throw badField(selector);
    default:
      if (key.startsWith('$')) return single(path, selector);
      return normalizeFields(arg, path === '' ? key : `${path}.${key}`);
  }
}

function normalizeFieldsTop(selector: JsonValue): JsonValue {
  return isJsonObject(selector) && Object.keys(selector).length === 0 ? selector : normalizeFields(selector, '');
}

/** Step 3 (norm_negations): push `$not` and `$nor` down to the operators (De Morgan). */
function normalizeNegations(selector: JsonValue): JsonValue {
  const member = onlyMember(selector);
  if (member === undefined) return selector;
  const [key, arg] = member;
  switch (key) {
    case '$not':
      return negate(arg);
    case '$nor':
      return single('$and', (arg as JsonValue[]).map(negate));
    case '$and':
    case '$or':
      return single(key, (arg as JsonValue[]).map(normalizeNegations));
    case '$elemMatch':
    case '$allMatch':
    case '$keyMapMatch':
      return single(key, normalizeNegations(arg));
    default:
      return selector;
  }
}

const NEGATED: Record<string, string> = {
  $lt: '$gte',
  $lte: '$gt',
  $eq: '$ne',
  $ne: '$eq',
  $gte: '$lt',
  $gt: '$lte',
  $in: '$nin',
  $nin: '$in',
};

function negate(selector: JsonValue): JsonValue {
  const member = onlyMember(selector);
  if (member === undefined) return single('$not', selector);
  const [key, arg] = member;
  switch (key) {
    case '$not':
      return normalizeNegations(arg);
    case '$nor':
      return single('$or', (arg as JsonValue[]).map(normalizeNegations));
    case '$and':
      return single('$or', (arg as JsonValue[]).map(negate));
    case '$or':
      return single('$and', (arg as JsonValue[]).map(negate));
    case '$default':
      throw badArg('$not', selector);
    case '$exists':
      return single('$exists', !arg);
    default: {
      const opposite = NEGATED[key];
      if (opposite !== undefined) return single(opposite, arg);
      if (key.startsWith('$')) return single('$not', selector);
      return single(key, negate(arg));
    }
  }
}
