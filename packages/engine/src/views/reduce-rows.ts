import { SetteeError, type JsonValue, type ViewRow } from '@settee/core';
import { collate } from '../collate/index.js';
import { designLog } from '../design/design-log.js';
import type { LoadedDesignDoc } from '../design/design-docs.js';
import { describeThrown, SandboxTimeoutError } from '../design/sandbox.js';
import { builtinReduce, isBuiltinReducer } from './builtin-reducers.js';
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
    out.push({ key, value: reducer(rows) });
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

type Reducer = (rows: readonly MapRow[]) => JsonValue;

function makeReducer(ddoc: LoadedDesignDoc, source: string): Reducer {
  const trimmed = source.trim();
  if (trimmed.startsWith('_')) {
    if (!isBuiltinReducer(trimmed)) throw new SetteeError(400, 'invalid_design_doc', `\`${trimmed}\` is not a supported reduce function.`);
    return (rows) => builtinReduce(trimmed, rows.map((row) => row.key), rows.map((row) => row.value));
  }
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
  const reduceChunk = (rows: readonly MapRow[]): JsonValue => {
    const keys = rows.map((row) => [row.key, row.id] as JsonValue);
    const values = rows.map((row) => row.value);
    const result = call([keys, values, false]);
    if (rows.length > 1) checkReduceLimit(keys, values, result);
    return result;
  };
  return (rows) => {
    if (rows.length <= REDUCE_CHUNK) return reduceChunk(rows);
    const partials: JsonValue[] = [];
    for (let i = 0; i < rows.length; i += REDUCE_CHUNK) partials.push(reduceChunk(rows.slice(i, i + REDUCE_CHUNK)));
    return call([null, partials, true]);
  };
}

/**
 * CouchDB's `reduce_limit`: a JS reduce whose output is over 200 bytes and more than half its input is not
 * reducing, and the query fails with `reduce_overflow_error`.
 */
function checkReduceLimit(keys: readonly JsonValue[], values: readonly JsonValue[], result: JsonValue): void {
  const output = JSON.stringify([result]);
  const input = JSON.stringify(['reduce', [], [keys, values]]).length;
  if (output.length > 200 && output.length * 2 > input) {
    throw new SetteeError(
      500,
      'reduce_overflow_error',
      `Reduce output must shrink more rapidly: Current output: '${output.slice(0, 100)}'... (first 100 of ${output.length} bytes)`,
    );
  }
}
