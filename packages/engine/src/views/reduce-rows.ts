import { SetteeError, type JsonValue, type ViewRow } from '@settee/core';
import { collate } from '../collate/index.js';
import { designLog } from '../design/design-log.js';
import type { LoadedDesignDoc } from '../design/design-docs.js';
import { describeThrown, SandboxTimeoutError } from '../design/sandbox.js';
import { builtinReduce, builtinReducerOf } from './builtin-reducers.js';
import type { MapRow } from './sorted-rows.js';
import type { RowRange } from './run-view-query.js';
import type { ParsedViewQuery } from './view-query-options.js';

/** Rows per JS reduce call; bigger groups are reduced in chunks and the results re-reduced, as a B-tree would. */
const REDUCE_CHUNK = 1000;

/** The group key of a row at `level` (Infinity: the whole key; arrays are cut, other keys kept whole). */
function groupKey(key: JsonValue, level: number): JsonValue {
  if (level === Infinity || !Array.isArray(key)) return key;
  return key.slice(0, level);
}

/**
 * Reduced rows of a query: one per group (`group`/`group_level`) or one for everything (key null), in query order,
 * then `skip` and `limit` over the groups.
 */
export function reduceRows(
  ddoc: LoadedDesignDoc,
  reduce: string,
  ranges: readonly RowRange[],
  query: ParsedViewQuery,
  compareKeys: (a: JsonValue, b: JsonValue) => number = collate,
): ViewRow[] {
  const reducer = makeReducer(ddoc, reduce);
  const out: ViewRow[] = [];
  let skip = query.skip;
  const emit = (key: JsonValue, rows: MapRow[]): boolean => {
    if (skip > 0) {
      skip -= 1;
      return true;
    }
    if (out.length >= query.limit) return false;
    const value = reducer(rows);
    out.push(value instanceof ReduceOverflow ? overflowRow(value) : { key, value });
    return true;
  };
  if (query.groupLevel === 0) {
    const all: MapRow[] = [];
    for (const range of ranges) for (const row of range.rows()) all.push(row);
    if (all.length > 0) emit(null, all);
    return out;
  }
  for (const range of ranges) {
    let current: MapRow[] = [];
    let currentKey: JsonValue = null;
    for (const row of range.rows()) {
      const key = groupKey(row.key, query.groupLevel);
      if (current.length > 0 && compareKeys(key, currentKey) !== 0) {
        if (!emit(currentKey, current)) return out;
        current = [];
      }
      if (current.length === 0) currentKey = key;
      current.push(row);
    }
    if (current.length > 0 && !emit(currentKey, current)) return out;
  }
  return out;
}

/** A JS reduce whose output outgrew its input (CouchDB's `reduce_limit`); the whole group reduces to it. */
class ReduceOverflow {
  constructor(readonly reason: string) {}
}

/**
 * The row CouchDB answers for an overflowed reduction (fabric_view:transform_row): HTTP 200, key null, an `error`
 * and a `reason` and no `value`, so the query goes on and only that group is lost.
 */
function overflowRow(overflow: ReduceOverflow): ViewRow {
  // ViewRow declares a value; CouchDB's error row has none, and clients read its `error` and `reason` instead.
  return { key: null, error: 'reduce_overflow_error', reason: overflow.reason } as unknown as ViewRow;
}

type Reducer = (rows: readonly MapRow[]) => JsonValue | ReduceOverflow;

function makeReducer(ddoc: LoadedDesignDoc, source: string): Reducer {
  const builtin = builtinReducerOf(source);
  if (builtin !== undefined) return (rows) => builtinReduce(builtin, rows.map((row) => row.key), rows.map((row) => row.value));
  if (source.startsWith('_')) throw new SetteeError(400, 'invalid_design_doc', `\`${source}\` is not a supported reduce function.`);
  const fn = ddoc.compiled(source);
  const call = (args: JsonValue[]): JsonValue => {
    let outcome;
    try {
      outcome = ddoc.sandbox.call(fn, args);
    } catch (error) {
      if (error instanceof SandboxTimeoutError) throw new SetteeError(500, 'os_process_error', `The reduce function timed out: ${error.message}`);
      throw error;
    }
    if ('fail' in outcome) {
      // CouchDB logs the error and answers null for that reduction.
      designLog(ddoc.id, `reduce function raised exception ${describeThrown(outcome.fail)}`);
      return null;
    }
    return 'ok' in outcome ? outcome.ok : null;
  };
  const reduceChunk = (rows: readonly MapRow[]): JsonValue | ReduceOverflow => {
    const keys = rows.map((row) => [row.key, row.id] as JsonValue);
    const values = rows.map((row) => row.value);
    const result = call([keys, values, false]);
    // The query server measures the line CouchDB sent it: the command, the sources and the [[key, id], value] pairs.
    const lineLength = () => JSON.stringify(['reduce', [source], rows.map((row) => [[row.key, row.id], row.value])]).length;
    return overflowOf(lineLength, result) ?? result;
  };
  return (rows) => {
    if (rows.length <= REDUCE_CHUNK) return reduceChunk(rows);
    const partials: JsonValue[] = [];
    for (let i = 0; i < rows.length; i += REDUCE_CHUNK) {
      const partial = reduceChunk(rows.slice(i, i + REDUCE_CHUNK));
      // An overflowed partial is the answer of the whole group, as couch_query_servers' rereduce passes it on.
      if (partial instanceof ReduceOverflow) return partial;
      partials.push(partial);
    }
    const result = call([null, partials, true]);
    return overflowOf(() => JSON.stringify(['rereduce', [source], partials]).length, result) ?? result;
  };
}

/**
 * CouchDB's `reduce_limit` (share/server/views.js): a JS reduction whose JSON is over 200 bytes and more than half
 * the length of the line that fed it is not reducing.
 */
function overflowOf(inputLength: () => number, result: JsonValue): ReduceOverflow | undefined {
  const output = JSON.stringify([result]);
  // Only a long output needs the (costlier) input length.
  if (output.length <= 200 || output.length * 2 <= inputLength()) return undefined;
  return new ReduceOverflow(`Reduce output must shrink more rapidly: Current output: '${output.slice(0, 100)}'... (first 100 of ${output.length} bytes)`);
}
