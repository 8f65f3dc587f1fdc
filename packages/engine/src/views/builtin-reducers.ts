import { isJsonObject, type JsonObject, type JsonValue } from '@settee/core';

/** The built-in reduce functions CouchDB runs natively. */
export const BUILTIN_REDUCERS = ['_sum', '_count', '_stats', '_approx_count_distinct'] as const;

export type BuiltinReducer = (typeof BUILTIN_REDUCERS)[number];

/**
 * The built-in a reduce source names, or undefined for a JS function. CouchDB matches the name as a prefix
 * (`<<"_sum", _/binary>>`), so `_sum\n` or `_statsorama` still run `_sum` / `_stats`; a leading space makes it JS.
 */
export function builtinReducerOf(source: string): BuiltinReducer | undefined {
  return BUILTIN_REDUCERS.find((name) => source.startsWith(name));
}

const SUM_ERROR =
  'The _sum function requires that map values be numbers, arrays of numbers, or objects. Objects cannot be mixed with other data structures. Objects can be arbitrarily nested, provided that the values for all fields are themselves numbers, arrays of numbers, or objects.';

/** A bad value for `_sum` / `_stats`: CouchDB answers the row with an error object as its value (HTTP 200). */
class ReduceValueError extends Error {
  constructor(
    readonly reason: string,
    readonly causedBy: JsonValue,
  ) {
    super(reason);
  }
}

/**
 * Reduces the map rows of one group (`keys` as `[key, id]`, `values`) with a built-in. Bad input gives CouchDB's
 * `{error: "builtin_reduce_error", reason, caused_by}` value instead of failing the query.
 */
export function builtinReduce(name: BuiltinReducer, keys: readonly JsonValue[], values: readonly JsonValue[]): JsonValue {
  try {
    switch (name) {
      case '_count':
        return values.length;
      case '_sum':
        return values.reduce<JsonValue>((acc, value) => addSum(acc, value), 0);
      case '_stats':
        return statsOf(values);
      case '_approx_count_distinct':
        return new Set(keys.map((key) => JSON.stringify(key))).size;
    }
  } catch (error) {
    if (error instanceof ReduceValueError) return { error: 'builtin_reduce_error', reason: error.reason, caused_by: error.causedBy };
    throw error;
  }
}

function addSum(acc: JsonValue, value: JsonValue): JsonValue {
  if (typeof value === 'number') {
    if (typeof acc === 'number') return acc + value;
    if (Array.isArray(acc)) return addArrays(acc, [value]);
    throw new ReduceValueError(SUM_ERROR, value);
  }
  if (Array.isArray(value)) {
    if (!value.every((v) => typeof v === 'number')) throw new ReduceValueError(SUM_ERROR, value);
    if (typeof acc === 'number') return addArrays([acc], value);
    if (Array.isArray(acc)) return addArrays(acc, value);
    throw new ReduceValueError(SUM_ERROR, value);
  }
  if (isJsonObject(value)) {
    if (acc === 0) return sumObject({}, value);
    if (isJsonObject(acc)) return sumObject(acc, value);
    throw new ReduceValueError(SUM_ERROR, value);
  }
  throw new ReduceValueError(SUM_ERROR, value);
}

/** Element-wise sum; the shorter list is padded with its missing elements taken from the longer one. */
function addArrays(a: readonly JsonValue[], b: readonly JsonValue[]): JsonValue[] {
  const out: JsonValue[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined) out.push(y!);
    else if (y === undefined) out.push(x);
    else if (typeof x === 'number' && typeof y === 'number') out.push(x + y);
    else throw new ReduceValueError(SUM_ERROR, typeof y === 'number' ? x : y);
  }
  return out;
}

function sumObject(acc: JsonObject, value: JsonObject): JsonObject {
  const out: JsonObject = { ...acc };
  for (const [field, v] of Object.entries(value)) {
    const current = out[field];
    out[field] = current === undefined ? addSum(isJsonObject(v) ? {} : Array.isArray(v) ? [] : 0, v) : addSum(current, v);
  }
  return out;
}

interface Stats {
  sum: number;
  count: number;
  min: number;
  max: number;
  sumsqr: number;
}

const STATS_FIELDS = ['sum', 'count', 'min', 'max', 'sumsqr'] as const;

function statsError(value: JsonValue): ReduceValueError {
  return new ReduceValueError(`The _stats function requires that map values be numbers or arrays of numbers, not '${JSON.stringify(value)}'`, value);
}

/** One value as stats: a number, a list of numbers (stats per position) or a pre-aggregated stats object. */
function statsOfValue(value: JsonValue): Stats | Stats[] {
  if (typeof value === 'number') return { sum: value, count: 1, min: value, max: value, sumsqr: value * value };
  if (Array.isArray(value)) return value.map((v) => {
    const s = statsOfValue(v);
    if (Array.isArray(s)) throw statsError(value);
    return s;
  });
  if (isJsonObject(value) && STATS_FIELDS.every((f) => typeof value[f] === 'number')) {
    return { sum: value['sum'] as number, count: value['count'] as number, min: value['min'] as number, max: value['max'] as number, sumsqr: value['sumsqr'] as number };
  }
  throw statsError(value);
}

function mergeStats(a: Stats, b: Stats): Stats {
  return { sum: a.sum + b.sum, count: a.count + b.count, min: Math.min(a.min, b.min), max: Math.max(a.max, b.max), sumsqr: a.sumsqr + b.sumsqr };
}

function statsOf(values: readonly JsonValue[]): JsonValue {
  let acc: Stats | Stats[] | undefined;
  for (const value of values) {
    const next = statsOfValue(value);
    if (acc === undefined) acc = next;
    else if (Array.isArray(acc) && Array.isArray(next)) acc = acc.map((s, i) => (next[i] ? mergeStats(s, next[i]) : s)).concat(next.slice(acc.length));
    else if (!Array.isArray(acc) && !Array.isArray(next)) acc = mergeStats(acc, next);
    else throw statsError(value);
  }
  if (acc === undefined) return { sum: 0, count: 0, min: 0, max: 0, sumsqr: 0 };
  return (Array.isArray(acc) ? acc.map((s) => ({ ...s })) : { ...acc }) as JsonValue;
}
