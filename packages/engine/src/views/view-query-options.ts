import { BadRequestError, type JsonValue, type ViewQueryOptions } from '@settee/core';
import { collate } from '../collate/index.js';

/** View query options after CouchDB's checks, with defaults applied. */
export interface ParsedViewQuery {
  readonly key?: JsonValue;
  readonly keys?: readonly JsonValue[];
  readonly startkey?: JsonValue;
  readonly endkey?: JsonValue;
  readonly startkeyDocid?: string;
  readonly endkeyDocid?: string;
  readonly inclusiveEnd: boolean;
  readonly descending: boolean;
  readonly limit: number;
  readonly skip: number;
  readonly includeDocs: boolean;
  readonly conflicts: boolean;
  /** Whether the answer is reduced (the view has a reduce and `reduce` is not false). */
  readonly reduce: boolean;
  /** Group key length: 0 for no grouping, Infinity for `group=true`. */
  readonly groupLevel: number;
  readonly update: 'true' | 'false' | 'lazy';
  readonly updateSeq: boolean;
}

function parseError(reason: string): BadRequestError {
  return new BadRequestError(reason, { error: 'query_parse_error' });
}

function bool(options: ViewQueryOptions, name: 'inclusive_end' | 'descending' | 'include_docs' | 'conflicts' | 'reduce' | 'group' | 'update_seq' | 'stable'): boolean | undefined {
  const value: unknown = options[name];
  if (value === undefined) return undefined;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw parseError(`Invalid boolean parameter: "${String(value)}"`);
}

function nonNegative(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw parseError(`Invalid value for integer: "${String(value)}"`);
  if (n < 0) throw parseError(`Invalid value for positive integer: "${String(value)}"`);
  return n;
}

/** Checks `options` against the view (does it reduce?) with CouchDB's messages (couch_mrview_util's rules). */
export function parseViewQuery(options: ViewQueryOptions, hasReduce: boolean, compareKeys: (a: JsonValue, b: JsonValue) => number = collate): ParsedViewQuery {
  const reduceOption = bool(options, 'reduce');
  const group = bool(options, 'group');
  const groupLevelOption = options.group_level === undefined ? undefined : nonNegative(options.group_level, 0);
  if (reduceOption === true && !hasReduce) throw parseError('Reduce is invalid for map-only views.');
  const reduce = hasReduce && reduceOption !== false;
  if (!reduce && (group === true || groupLevelOption !== undefined)) throw parseError('Invalid use of grouping on a map view.');
  if (group === false && groupLevelOption !== undefined && groupLevelOption > 0) {
    throw parseError("Can't specify group=false and group_level>0 at the same time");
  }
  const groupLevel = group === true ? Infinity : (groupLevelOption ?? 0);
  const includeDocs = bool(options, 'include_docs') === true;
  if (reduce && includeDocs) throw parseError('`include_docs` is invalid for reduce');

  const keys = options.keys;
  if (keys !== undefined) {
    if (!Array.isArray(keys)) throw new BadRequestError('`keys` member must be an array.');
    if (options.key !== undefined || options.startkey !== undefined || options.endkey !== undefined) {
      throw parseError('`keys` is incompatible with `key`, `start_key` and `end_key`');
    }
    if (reduce && groupLevel === 0) throw parseError('Multi-key fetches for reduce views must use `group=true`');
  }
  const descending = bool(options, 'descending') === true;
  const startkey = options.key !== undefined ? options.key : options.startkey;
  const endkey = options.key !== undefined ? options.key : options.endkey;
  if (keys === undefined && startkey !== undefined && endkey !== undefined) {
    const order = compareKeys(startkey as JsonValue, endkey as JsonValue);
    if (!descending && order > 0) throw parseError('No rows can match your key range, reverse your start_key and end_key or set descending=true');
    if (descending && order < 0) throw parseError('No rows can match your key range, reverse your start_key and end_key or set descending=false');
  }
  const update = parseUpdate(options.update);
  for (const name of ['startkey_docid', 'endkey_docid'] as const) {
    const value: unknown = options[name];
    if (value !== undefined && typeof value !== 'string') throw parseError(`\`${name}\` must be a string`);
  }
  bool(options, 'stable');
  return {
    ...(options.key !== undefined ? { key: options.key as JsonValue } : {}),
    ...(keys !== undefined ? { keys: keys as readonly JsonValue[] } : {}),
    ...(startkey !== undefined ? { startkey: startkey as JsonValue } : {}),
    ...(endkey !== undefined ? { endkey: endkey as JsonValue } : {}),
    ...(options.startkey_docid !== undefined ? { startkeyDocid: options.startkey_docid } : {}),
    ...(options.endkey_docid !== undefined ? { endkeyDocid: options.endkey_docid } : {}),
    inclusiveEnd: bool(options, 'inclusive_end') !== false,
    descending,
    limit: nonNegative(options.limit, Infinity),
    skip: nonNegative(options.skip, 0),
    includeDocs,
    conflicts: bool(options, 'conflicts') === true,
    reduce,
    groupLevel,
    update,
    updateSeq: bool(options, 'update_seq') === true,
  };
}

function parseUpdate(value: unknown): 'true' | 'false' | 'lazy' {
  if (value === undefined || value === true || value === 'true') return 'true';
  if (value === false || value === 'false') return 'false';
  if (value === 'lazy') return 'lazy';
  throw parseError('Invalid value for `update`.');
}
