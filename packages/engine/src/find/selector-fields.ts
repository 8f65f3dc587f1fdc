import { isJsonObject, type JsonValue, type NormalizedSelector } from '@settee/core';
import { compareUtf8 } from '../storage/compare-utf8.js';

/** The one member of a normalised selector node, or undefined for `{}`. */
export function onlyMember(selector: JsonValue): [string, JsonValue] | undefined {
  if (!isJsonObject(selector)) return undefined;
  for (const key in selector) return [key, selector[key]!];
  return undefined;
}

/** Operators a JSON index range can be built from (mango_idx_view:indexable/1, with 3.4's `$beginsWith`). */
const INDEXABLE = new Set(['$lt', '$lte', '$eq', '$gt', '$gte', '$beginsWith']);

/**
 * The fields an index scan can narrow on (mango_idx_view:indexable_fields): fields under `$and` (only) whose
 * condition is a comparison; sorted by raw bytes, without repeats.
 */
export function indexableFields(selector: NormalizedSelector | JsonValue): string[] {
  const found = new Set<string>();
  collectIndexable(selector, found);
  return [...found].sort(compareUtf8);
}

function collectIndexable(selector: JsonValue, found: Set<string>): void {
  const member = onlyMember(selector);
  if (member === undefined) return;
  const [key, arg] = member;
  if (key === '$and' && Array.isArray(arg)) {
    for (const sub of arg) collectIndexable(sub, found);
    return;
  }
  if (key.startsWith('$')) return;
  const condition = onlyMember(arg);
  if (condition !== undefined && INDEXABLE.has(condition[0])) found.add(key);
}

/**
 * Every field a selector tests (mango_selector:fields): the field names under `$and`/`$or`/`$nor`/`$not`, not
 * looking inside `$elemMatch` and the like (their fields are relative to array elements). In order, with repeats.
 */
export function selectorFields(selector: NormalizedSelector | JsonValue): string[] {
  const fields: string[] = [];
  collectFields(selector, fields);
  return fields;
}

function collectFields(selector: JsonValue, fields: string[]): void {
  const member = onlyMember(selector);
  if (member === undefined) return;
  const [key, arg] = member;
  if (key.startsWith('$')) {
    if (Array.isArray(arg)) for (const sub of arg) collectFields(sub, fields);
    else if (isJsonObject(arg)) collectFields(arg, fields);
    return;
  }
  fields.push(key);
}
