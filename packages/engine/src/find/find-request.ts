import {
  BadRequestError,
  formatErlangTerm,
  InternalServerError,
  isJsonObject,
  normalizeSelector,
  type JsonValue,
  type NormalizedSelector,
} from '@settee/core';
import { assertPartitionName } from '../database/partition-ids.js';
import { parseFields } from '../mango/find-fields.js';
import { parseSort, type SortField } from '../mango/find-sort.js';

/** A `_find` request after CouchDB's checks (mango_opts:validate_find), defaults filled in. */
export interface FindOptions {
  readonly selector: NormalizedSelector;
  /** `[]`, `[ddoc]` or `[ddoc, name]`; the ddoc without `_design/`. */
  readonly useIndex: readonly string[];
  /** The bookmark to continue after; undefined for CouchDB's `nil` (no bookmark). */
  readonly bookmark: string | undefined;
  readonly limit: number;
  readonly skip: number;
  readonly sort: readonly SortField[];
  /** Undefined for whole documents. */
  readonly fields: readonly string[] | undefined;
  readonly partition: string;
  readonly r: number;
  readonly conflicts: boolean;
  readonly stale: 'ok' | false;
  readonly update: boolean;
  readonly stable: boolean;
  readonly executionStats: boolean;
  readonly allowFallback: boolean;
}

/** CouchDB's default `limit` (mango `default_limit`). */
export const DEFAULT_LIMIT = 25;

/** The request members CouchDB knows, in the order it checks them: the first bad one is reported. */
const KNOWN = [
  'selector', 'use_index', 'bookmark', 'limit', 'skip', 'sort', 'fields', 'partition',
  'r', 'conflicts', 'stale', 'update', 'stable', 'execution_stats', 'allow_fallback',
] as const;

/**
 * Checks a `_find` (or `_explain`) request the way CouchDB does, member by member in its order, with its errors:
 * `missing_required_key`, the selector's errors, `invalid_non_neg_integer`, `invalid_fields`, `invalid_sort_json`,
 * `invalid_boolean`, `invalid_index_name`, `invalid_bookmark`, and `invalid_key` for an unknown member.
 */
export function parseFindRequest(request: unknown): FindOptions {
  if (!isJsonObject(request)) throw new BadRequestError('Request body must be a JSON object');
  const get = (name: string): JsonValue | undefined => request[name];
  if (get('selector') === undefined) throw missingKey('selector');
  const options: FindOptions = {
    selector: normalizeSelector(get('selector')!),
    useIndex: parseUseIndex(get('use_index')),
    bookmark: parseBookmarkOption(get('bookmark')),
    limit: nonNegativeInteger(get('limit'), DEFAULT_LIMIT),
    skip: nonNegativeInteger(get('skip'), 0),
    sort: parseSort(get('sort')),
    fields: parseFields(get('fields')),
    partition: parsePartition(get('partition')),
    r: positiveInteger(get('r'), 1),
    conflicts: boolean(get('conflicts'), false),
    stale: parseStale(get('stale')),
    update: boolean(get('update'), true),
    stable: boolean(get('stable'), false),
    executionStats: boolean(get('execution_stats'), false),
    allowFallback: boolean(get('allow_fallback'), true),
  };
  const unknown = Object.keys(request).find((key) => !(KNOWN as readonly string[]).includes(key) && request[key] !== undefined);
  if (unknown !== undefined) throw new BadRequestError(`Invalid key ${unknown} for this request.`, { error: 'invalid_key' });
  return options;
}

export function missingKey(name: string): BadRequestError {
  return new BadRequestError(`Missing required key: ${name}`, { error: 'missing_required_key' });
}

function nonNegativeInteger(value: JsonValue | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  throw new BadRequestError(`${formatErlangTerm(value)} is not an integer greater than or equal to zero`, { error: 'invalid_non_neg_integer' });
}

function positiveInteger(value: JsonValue | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
  throw new BadRequestError(`${formatErlangTerm(value)} is not an integer greater than zero`, { error: 'invalid_pos_integer' });
}

function boolean(value: JsonValue | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  throw new BadRequestError(`Invalid boolean value: ${formatErlangTerm(value)}`, { error: 'invalid_boolean' });
}

/**
 * mango_opts:validate_use_index: a string cut at its first "/" only (Erlang's `binary:split/2`), where a `_design`
 * first part is dropped: so `"ddoc/name"` names an index but `"_design/ddoc/name"` names the design document
 * `ddoc/name`, and `"a/b/c"` the index `b/c` of `a`. Or a list of one or two names.
 */
function parseUseIndex(value: JsonValue | undefined): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') {
    const slash = value.indexOf('/');
    if (slash < 0) return [value];
    const [first, rest] = [value.slice(0, slash), value.slice(slash + 1)];
    return first === '_design' ? [rest] : [first, rest];
  } else if (Array.isArray(value) && value.length <= 2 && value.every((part) => typeof part === 'string')) {
    return value as string[];
  }
  throw new BadRequestError(`Invalid index name: ${formatErlangTerm(value)}`, { error: 'invalid_index_name' });
}

/** `null` and `""` mean no bookmark; anything else must be a string (decoded when the query runs). */
function parseBookmarkOption(value: JsonValue | undefined): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return value;
  throw invalidBookmark(value);
}

/** 400 invalid_bookmark, with the value as JSON (mango_json_bookmark). */
export function invalidBookmark(value: JsonValue): BadRequestError {
  return new BadRequestError(`Invalid bookmark value: ${JSON.stringify(value)}`, { error: 'invalid_bookmark' });
}

/** mango_opts:validate_partition: `""` (the default) is no partition; anything else is checked as a partition name. */
function parsePartition(value: JsonValue | undefined): string {
  if (value === undefined || value === '') return '';
  assertPartitionName(value);
  return value;
}

/** `stale`: "ok" or false ("false" too); anything else is an error CouchDB has no message for (500). */
function parseStale(value: JsonValue | undefined): 'ok' | false {
  if (value === undefined || value === false || value === 'false') return false;
  if (value === 'ok') return 'ok';
  throw new InternalServerError(`Unknown Error: mango_opts :: {invalid_ok_or_false_value,${formatErlangTerm(value)}}`);
}
