import { isJsonObject, type JsonValue, type NormalizedSelector } from '@settee/core';
import { indexableFields, onlyMember } from './selector-fields.js';

/** Why an index cannot serve a query, as `_explain` names it. */
export type UnusableReason = 'field_mismatch' | 'needs_text_search' | 'sort_order_mismatch';

/**
 * mango_idx_view:is_usable: a JSON index can serve a query when the selector requires every indexed column to
 * exist (a document without one is not in the index, so it must not be able to match) — sort fields, `_id` and
 * `_rev` excepted — when it is not a text search, and when its column order serves the sort.
 */
export function jsonIndexUnusable(columns: readonly string[], selector: NormalizedSelector, sortFields: readonly string[]): UnusableReason | undefined {
  const required = [...new Set(columns)].filter((c) => !sortFields.includes(c) && c !== '_id' && c !== '_rev');
  if (!hasRequiredFields(selector, required)) return 'field_mismatch';
  if (isTextSearch(selector)) return 'needs_text_search';
  if (!canUseSort(columns, sortFields, selector)) return 'sort_order_mismatch';
  return undefined;
}

/**
 * mango_idx_special:is_usable: `_all_docs` serves any unsorted query, and a sort on `_id` alone when the selector
 * narrows `_id`.
 */
export function allDocsUnusable(selector: NormalizedSelector, sortFields: readonly string[]): UnusableReason | undefined {
  if (sortFields.length === 0) return undefined;
  if (!indexableFields(selector).includes('_id')) return 'field_mismatch';
  if (!(sortFields.length === 1 && sortFields[0] === '_id')) return 'sort_order_mismatch';
  return undefined;
}

/** mango_selector:has_required_fields: does every matching document have all of `required`? */
export function hasRequiredFields(selector: JsonValue, required: readonly string[]): boolean {
  return remainingFields(selector, required).length === 0;
}

/**
 * The required fields the selector does not guarantee. `$and` guarantees what any branch does, `$or` what every
 * branch does; a field condition guarantees its field unless it is `$exists: false`. Other operators guarantee
 * nothing. (`{}` guarantees nothing, so it cannot use an index with columns.)
 */
function remainingFields(selector: JsonValue, required: readonly string[]): string[] {
  if (required.length === 0) return [];
  if (isJsonObject(selector) && Object.keys(selector).length === 0) return [...required];
  return remainingInList([selector], required);
}

function remainingInList(list: readonly JsonValue[], required: readonly string[]): string[] {
  let remaining = [...required];
  for (const item of list) {
    if (remaining.length === 0) break;
    const member = onlyMember(item);
    if (member === undefined) continue;
    const [key, arg] = member;
    if (key === '$and' && Array.isArray(arg)) {
      remaining = remainingInList(arg, remaining);
    } else if (key === '$or' && Array.isArray(arg)) {
      const missed = new Set<string>();
      for (const branch of arg) for (const field of remainingFields(branch, remaining)) missed.add(field);
      remaining = remaining.filter((field) => missed.has(field));
    } else {
      const condition = onlyMember(arg);
      const existsFalse = condition !== undefined && condition[0] === '$exists' && condition[1] === false;
      if (!existsFalse) remaining = remaining.filter((field) => field !== key);
    }
  }
  return remaining;
}

/** mango_selector:is_constant_field: is `field` fixed by an `$eq` (directly or under a top-level `$and`)? */
export function isConstantField(selector: JsonValue, field: string): boolean {
  const member = onlyMember(selector);
  if (member === undefined) return false;
  const [key, arg] = member;
  if (key === '$and' && Array.isArray(arg)) return arg.some((sub) => isConstantField(sub, field));
  if (key !== field) return false;
  return onlyMember(arg)?.[0] === '$eq';
}

/**
 * mango_idx_view:can_use_sort: the sort fields must be a prefix of the columns, after leading columns the selector
 * fixes to one value.
 */
export function canUseSort(columns: readonly string[], sortFields: readonly string[], selector: JsonValue): boolean {
  if (sortFields.length === 0) return true;
  for (let i = 0; i < columns.length; i++) {
    if (columns[i] === sortFields[0]) return sortFields.every((field, j) => columns[i + j] === field);
    if (!isConstantField(selector, columns[i]!)) return false;
  }
  return false;
}

/** A `$text` search (normalised to `$default`) needs a text index. */
export function isTextSearch(selector: JsonValue): boolean {
  if (Array.isArray(selector)) return selector.some(isTextSearch);
  if (!isJsonObject(selector)) return false;
  for (const key in selector) {
    if (key === '$default' || isTextSearch(selector[key]!)) return true;
  }
  return false;
}
