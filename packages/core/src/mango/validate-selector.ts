import { isJsonObject, type JsonValue } from '../json.js';
import { badArg, MangoSelectorError } from './mango-errors.js';
import { normalizeSelector, type NormalizedSelector } from './normalize-selector.js';
import { parseField } from './parse-field.js';
import type { MangoSelector } from './selector-types.js';

/**
 * Checks a selector before it is sent anywhere, and throws the error CouchDB would answer with: a
 * {@link MangoSelectorError} (a BadRequestError) with CouchDB's error name and reason ("bad_arg", "Bad argument
 * for operator $in: <<97>>") plus the place in the selector (`selectorPath`, `operator`).
 *
 * Beyond CouchDB's own checks (done by {@link normalizeSelector}, the same code the engine runs) it also refuses,
 * up front, what CouchDB accepts but then fails on while running the query:
 * - a value that is not JSON (undefined inside an array, a function, NaN, a bigint, a class instance);
 * - a field name with an empty segment ("a..b"), which CouchDB answers with a 500;
 * - `$mod` by 0, which CouchDB answers with 500 "badarith" as soon as a document has an integer there.
 *
 * Returns the normalised selector (what `_explain` shows).
 */
export function validateSelector(selector: unknown): NormalizedSelector {
  assertJson(selector, '');
  // What is sent is the JSON text: undefined members disappear.
  const normalized = normalizeSelector(JSON.parse(JSON.stringify(selector)) as JsonValue);
  checkFields(normalized, '');
  return normalized;
}

/** Type guard form of {@link validateSelector}. */
export function assertValidSelector(selector: unknown): asserts selector is MangoSelector {
  validateSelector(selector);
}

function notJson(at: string, what: string): MangoSelectorError {
  return new MangoSelectorError(`Selector values must be JSON, not ${what}`, 'invalid_selector_json', at);
}

function assertJson(value: unknown, at: string): void {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) throw notJson(at, String(value));
      return;
    case 'object':
      if (value === null) return;
      if (Array.isArray(value)) {
        value.forEach((element, i) => assertJson(element, `${at}[${i}]`));
        return;
      }
      if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) {
        throw notJson(at, `an instance of ${(value as object).constructor?.name ?? 'a class'}`);
      }
      for (const [key, member] of Object.entries(value)) {
        // An undefined member is dropped by JSON.stringify, as if absent.
        if (member !== undefined) assertJson(member, at === '' ? key : `${at}.${key}`);
      }
      return;
    default:
      throw notJson(at, typeof value);
  }
}

/** Walks a normalised selector: every field path must parse, and `$mod` must not divide by 0. */
function checkFields(selector: JsonValue, prefix: string): void {
  if (!isJsonObject(selector)) return;
  for (const [key, arg] of Object.entries(selector)) {
    if (key === '$and' || key === '$or' || key === '$nor') {
      if (Array.isArray(arg)) arg.forEach((sub) => checkFields(sub, prefix));
    } else if (key === '$not') {
      checkFields(arg, prefix);
    } else if (!key.startsWith('$')) {
      const field = prefix === '' ? key : key === '' ? prefix : `${prefix}.${key}`;
      if (key !== '') parseField(key);
      checkCondition(arg, field);
    }
  }
}

function checkCondition(condition: JsonValue, field: string): void {
  if (!isJsonObject(condition)) return;
  for (const [operator, arg] of Object.entries(condition)) {
    if (operator === '$mod' && Array.isArray(arg) && arg[0] === 0) throw badArg('$mod', arg, `${field}.$mod`);
    if (operator === '$not') checkCondition(arg, field);
    if (operator === '$elemMatch' || operator === '$allMatch' || operator === '$keyMapMatch') checkFields(arg, `${field}.${operator}`);
  }
}
