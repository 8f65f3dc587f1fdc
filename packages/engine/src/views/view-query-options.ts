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
  /** With `include_docs`: attachment bodies inline (base64) instead of stubs. */
  readonly attachments: boolean;
  /** With `include_docs`: compressed attachments carry `encoding` and `encoded_length`. */
  readonly attEncodingInfo: boolean;
  /** Whether the answer is reduced (the view has a reduce and `reduce` is not false). */
  readonly reduce: boolean;
  /** Group key length: 0 for no grouping, Infinity for `group=true`. */
  readonly groupLevel: number;
  readonly update: 'true' | 'false' | 'lazy';
  readonly updateSeq: boolean;
}

/**
 * Start and end keys as CouchDB derives them: it applies the parameters in the order given, `key` setting both
 * ends and `startkey`/`endkey` one each, so `key=1&startkey=0` scans 0..1 while `startkey=0&key=1` scans 1..1.
 * The object's own key order is that order (the server builds it from the query string in order).
 */
function keyRangeInOrder(options: ViewQueryOptions): { startkey: unknown; endkey: unknown } {
  let startkey: unknown;
  let endkey: unknown;
  for (const name of Object.keys(options)) {
    if (name === 'key' && options.key !== undefined) startkey = endkey = options.key;
    else if (name === 'startkey' && options.startkey !== undefined) startkey = options.startkey;
    else if (name === 'endkey' && options.endkey !== undefined) endkey = options.endkey;
  }
  return { startkey, endkey };
}

function parseError(reason: string): BadRequestError {
  return new BadRequestError(reason, { error: 'query_parse_error' });
}

type BooleanOption = 'inclusive_end' | 'descending' | 'include_docs' | 'conflicts' | 'reduce' | 'group' | 'update_seq' | 'sorted' | 'attachments' | 'att_encoding_info';

function bool(options: ViewQueryOptions, name: BooleanOption): boolean | undefined {
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
  // Values CouchDB refuses while parsing the request come first, then couch_mrview_util:validate_args in its order.
  if (options.keys !== undefined && !Array.isArray(options.keys)) throw new BadRequestError('`keys` member must be an array.');
  const update = parseUpdate(options.update);
  parseStable(options.stable);
  const reduceOption = bool(options, 'reduce');
  const group = bool(options, 'group');
  const groupLevelOption = options.group_level === undefined ? undefined : nonNegative(options.group_level, 0);
  const includeDocs = bool(options, 'include_docs') === true;
  const conflicts = bool(options, 'conflicts');
  const descending = bool(options, 'descending') === true;
  // Accepted and checked, without effect on one node: rows are always sorted.
  bool(options, 'sorted');
  const attEncodingInfo = bool(options, 'att_encoding_info') === true;

  if (group === false && groupLevelOption !== undefined && groupLevelOption > 0) {
    throw parseError("Can't specify group=false and group_level>0 at the same time");
  }
  // An explicit group_level wins over group=true (determine_group_level).
  const groupLevel = groupLevelOption ?? (group === true ? Infinity : 0);
  if (reduceOption === true && !hasReduce) throw parseError('Reduce is invalid for map-only views.');
  const reduce = hasReduce && reduceOption !== false;
  const keys = options.keys;
  if (keys !== undefined) {
    // Only exact grouping (group=true without a group_level) may fetch several keys of a reduce view.
    if (reduce && groupLevel !== Infinity) throw parseError('Multi-key fetches for reduce views must use `group=true`');
    if (keys.length > 0 && (options.key !== undefined || options.startkey !== undefined || options.endkey !== undefined)) {
      throw parseError('`keys` is incompatible with `key`, `start_key` and `end_key`');
    }
  }
  for (const name of ['startkey_docid', 'endkey_docid'] as const) {
    const value: unknown = options[name];
    if (value !== undefined && typeof value !== 'string') throw parseError(`\`${name}\` must be a string`);
  }
  if (!reduce && groupLevel !== 0) throw parseError('Invalid use of grouping on a map view.');
  if (reduce && includeDocs) throw parseError('`include_docs` is invalid for reduce');
  // Even `conflicts=false` is refused on a reduced query: CouchDB only accepts it unset there.
  if (reduce && conflicts !== undefined) throw parseError('`conflicts` is invalid for reduce views.');

  // The key range is checked last, once the view is open (couch_mrview_util:check_range).
  const { startkey, endkey } = keyRangeInOrder(options);
  if (keys === undefined && startkey !== undefined && endkey !== undefined) {
    const order = compareKeys(startkey as JsonValue, endkey as JsonValue);
    if (!descending && order > 0) throw parseError('No rows can match your key range, reverse your start_key and end_key or set descending=true');
    if (descending && order < 0) throw parseError('No rows can match your key range, reverse your start_key and end_key or set descending=false');
  }
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
    conflicts: conflicts === true,
    attachments: bool(options, 'attachments') === true,
    attEncodingInfo,
    reduce,
    groupLevel,
    update,
    updateSeq: bool(options, 'update_seq') === true,
  };
}

/** `stable` only selects shard copies in a cluster; one node accepts `true`/`false` and ignores it. */
function parseStable(value: unknown): void {
  if (value === undefined || value === true || value === false || value === 'true' || value === 'false') return;
  throw parseError('Invalid value for `stable`.');
}

function parseUpdate(value: unknown): 'true' | 'false' | 'lazy' {
  if (value === undefined || value === true || value === 'true') return 'true';
  if (value === false || value === 'false') return 'false';
  if (value === 'lazy') return 'lazy';
  throw parseError('Invalid value for `update`.');
}
