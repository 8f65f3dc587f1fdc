import { BadRequestError, type JsonValue, type NormalizedSelector } from '@settee/core';
import { compareUtf8 } from '../storage/compare-utf8.js';
import { fieldRanges, MAX_VALUE, type FieldRange, type Range } from './field-ranges.js';
import type { FindOptions } from './find-request.js';
import { allDocsUnusable, isTextSearch, jsonIndexUnusable, type UnusableReason } from './index-usability.js';
import { columnNames, type JsonIndex } from './json-index.js';
import { onlyMember, selectorFields } from './selector-fields.js';

/** The special `_all_docs` index (a unique symbol, so that `index === ALL_DOCS` narrows the type). */
export const ALL_DOCS: unique symbol = Symbol('_all_docs');

/** An index a query may use: a JSON index or the special `_all_docs`. */
export type AnyIndex = JsonIndex | typeof ALL_DOCS;

/** What the planner saw, for `_explain`'s `index_candidates` (the sets of CouchDB's trace). */
export interface PlanTrace {
  /** Every index, `_all_docs` first. */
  readonly all: readonly AnyIndex[];
  /** Not partial, or named by `use_index`. */
  readonly global: ReadonlySet<AnyIndex>;
  /** Of those, the ones in the query's scope: partitioned ones for a partition query, global ones otherwise. */
  readonly inScope: ReadonlySet<AnyIndex>;
  /** Why each in-scope index cannot serve the query (absent: it can). */
  readonly reasons: ReadonlyMap<AnyIndex, UnusableReason>;
  readonly usable: ReadonlySet<AnyIndex>;
  /** The usable indexes `use_index` left (all usable ones when it names none of them). */
  readonly filtered: ReadonlySet<AnyIndex>;
  /** The filtered indexes of the type that serves the query (JSON before special). */
  readonly ofType: ReadonlySet<AnyIndex>;
  /** Those, best first, with how many selector ranges each leaves unused. */
  readonly ranked: ReadonlyArray<{ readonly index: AnyIndex; readonly distance: number }>;
}

/** How a `_find` runs (CouchDB's cursor): the index, the scanned range, the direction. */
export interface QueryPlan {
  readonly options: FindOptions;
  /** Undefined only for `_explain` of a query no index can serve. */
  readonly index: AnyIndex | undefined;
  /** Ranges of the index's leading columns (one `_id` range for `_all_docs`); `empty` matches nothing. */
  readonly ranges: readonly FieldRange[] | 'empty';
  readonly direction: 'fwd' | 'rev';
  /** True when the index holds every field the query reads: documents are not loaded. */
  readonly covering: boolean;
  readonly trace: PlanTrace;
}

/** The catch-all `_id` range of an `_all_docs` scan (`$gt null`, so every id). */
const ALL_IDS: FieldRange = { lowOp: '$gt', low: null, highOp: '$lt', high: MAX_VALUE };

/**
 * Chooses the index for a query as CouchDB's mango_cursor and mango_cursor_view do: the usable indexes (JSON
 * indexes serving the selector's fields and the sort, plus `_all_docs` for unsorted queries), narrowed by
 * `use_index` (falling back to all usable ones with a warning, or failing when `allow_fallback` is false); JSON
 * indexes win over `_all_docs`; among them the one whose leading columns use the most selector ranges, then the
 * one with fewer columns, then the first by design document id and name. Partial indexes are only used when
 * named by `use_index`.
 *
 * `_find` fails with 400 `no_usable_index` when nothing can serve a sort; `_explain` answers with no index.
 */
export function planQuery(jsonIndexes: readonly JsonIndex[], options: FindOptions, purpose: 'find' | 'explain'): QueryPlan {
  const { selector } = options;
  if (isTextSearch(selector)) {
    throw new BadRequestError('There is no index available for this selector.', { error: 'no_usable_index' });
  }
  const all: AnyIndex[] = [ALL_DOCS, ...jsonIndexes];
  const named = new Set(namedIndexes(all, options.useIndex));
  const global = new Set(all.filter((index) => index === ALL_DOCS || index.partialFilter === undefined || named.has(index)));
  const partitionQuery = options.partition !== '';
  const inScope = new Set([...global].filter((index) => index === ALL_DOCS || index.partitioned === partitionQuery));
  const sortFields = options.sort.map((s) => s.field);
  const reasons = new Map<AnyIndex, UnusableReason>();
  for (const index of inScope) {
    const reason = index === ALL_DOCS ? allDocsUnusable(selector, sortFields) : jsonIndexUnusable(columnNames(index), selector, sortFields);
    if (reason !== undefined) reasons.set(index, reason);
  }
  const usable = [...inScope].filter((index) => !reasons.has(index));
  const traceBase = { all, global, inScope, reasons, usable: new Set(usable) };
  if (usable.length === 0) {
    if (purpose === 'find') {
      throw new BadRequestError('No index exists for this sort, try indexing by the sort fields.', { error: 'no_usable_index' });
    }
    const trace = { ...traceBase, filtered: new Set<AnyIndex>(), ofType: new Set<AnyIndex>(), ranked: [] };
    return { options, index: undefined, ranges: [], direction: 'fwd', covering: false, trace };
  }

  let filtered = usable.filter((index) => named.has(index));
  if (filtered.length === 0) {
    if (!options.allowFallback && purpose === 'find' && (options.useIndex.length > 0 || usable.every((i) => i === ALL_DOCS))) {
      throw fallbackRefused(options.useIndex);
    }
    filtered = usable;
  }
  const json = filtered.filter((index): index is JsonIndex => index !== ALL_DOCS);
  const ofType: AnyIndex[] = json.length > 0 ? json : [ALL_DOCS];
  const selectorRanges = fieldRanges(selector);
  const ranked = rankIndexes(ofType, selectorRanges);
  const chosen = ranked[0]!;
  const ranges = noopQuery(selector) || chosen.prefix[0] === 'empty' ? 'empty' : (chosen.prefix as FieldRange[]);
  const trace = { ...traceBase, filtered: new Set(filtered), ofType: new Set(ofType), ranked };
  return {
    options,
    index: chosen.index,
    ranges,
    direction: options.sort[0]?.direction === 'desc' ? 'rev' : 'fwd',
    covering: covers(chosen.index, options.fields, selector),
    trace,
  };
}

/** The indexes `use_index` names: every index of the design document, or the one with that name. */
export function namedIndexes(indexes: readonly AnyIndex[], useIndex: readonly string[]): AnyIndex[] {
  if (useIndex.length === 0) return [];
  const ddoc = designId(useIndex[0]!);
  return indexes.filter((index) => index !== ALL_DOCS && index.ddoc === ddoc && (useIndex.length === 1 || index.name === useIndex[1]));
}

/** `_design/<name>`, whether or not `name` already has the prefix. */
export function designId(name: string): string {
  return name.startsWith('_design/') ? name : `_design/${name}`;
}

/** 400 invalid_index when `allow_fallback: false` forbids using another index than the one asked for. */
function fallbackRefused(useIndex: readonly string[]): BadRequestError {
  if (useIndex.length === 0) {
    return new BadRequestError('You must specify an index with the `use_index` parameter.', { error: 'invalid_index' });
  }
  const name = useIndex.length === 2 ? `_design/${ddocName(useIndex[0]!)}, ${useIndex[1]}` : `_design/${ddocName(useIndex[0]!)}`;
  return new BadRequestError(`${name} specified by \`use_index\` could not be found or it is not suitable.`, { error: 'invalid_index' });
}

/** A design document name without `_design/`. */
export function ddocName(name: string): string {
  return name.startsWith('_design/') ? name.slice('_design/'.length) : name;
}

interface Ranked {
  readonly index: AnyIndex;
  /** The ranges of the index's leading columns that the selector narrows. */
  readonly prefix: readonly Range[];
  /** How many selector ranges the index leaves unused. */
  readonly distance: number;
}

/** mango_cursor_view:composite_indexes + choose_best_index: best index first. */
function rankIndexes(indexes: readonly AnyIndex[], selectorRanges: Array<[string, Range]>): Ranked[] {
  // `_all_docs` falls back to the catch-all `_id` range when the selector has none.
  const candidates = indexes.map((index): Ranked => {
    const ranges: Array<[string, Range]> = index === ALL_DOCS ? [...selectorRanges, ['_id', ALL_IDS]] : selectorRanges;
    const prefix: Range[] = [];
    for (const column of index === ALL_DOCS ? ['_id'] : columnNames(index)) {
      const found = ranges.find(([field]) => field === column);
      if (found === undefined) break;
      prefix.push(found[1]);
    }
    return { index, prefix, distance: ranges.length - prefix.length };
  });
  return candidates.sort((a, b) => a.distance - b.distance || columnCount(a.index) - columnCount(b.index) || compareIndexIds(a.index, b.index));
}

function columnCount(index: AnyIndex): number {
  return index === ALL_DOCS ? 1 : index.columns.length;
}

/** Erlang's order of index records: `_all_docs` (no ddoc) first, then by ddoc id and name as raw bytes. */
export function compareIndexIds(a: AnyIndex, b: AnyIndex): number {
  if (a === b) return 0;
  if (a === ALL_DOCS) return -1;
  if (b === ALL_DOCS) return 1;
  return compareUtf8(a.ddoc, b.ddoc) || compareUtf8(a.name, b.name);
}

/** mango_cursor:maybe_noop_range: `{"$or": []}` (or `$and`, `$in`, `$all`) as the whole selector matches nothing. */
function noopQuery(selector: NormalizedSelector): boolean {
  const member = onlyMember(selector);
  if (member === undefined) return false;
  const [op, arg] = member;
  return ['$all', '$and', '$or', '$in'].includes(op) && Array.isArray(arg) && arg.length === 0;
}

/**
 * mango_idx_view:covers, applied to the fields a query reads (its `fields` and the selector's): a JSON index
 * covers them when each is `_id` or a column. Whole-document queries are never covered.
 */
export function covers(index: AnyIndex, fields: readonly string[] | undefined, selector: JsonValue | undefined): boolean {
  if (index === ALL_DOCS || fields === undefined) return false;
  const available = new Set(['_id', ...columnNames(index)]);
  const needed = selector === undefined ? fields : [...fields, ...selectorFields(selector)];
  return needed.every((field) => available.has(field));
}
