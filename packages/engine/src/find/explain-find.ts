import type { ExplainMrArgs, ExplainOptions, ExplainResponse, IndexAnalysis, IndexInfo } from '@settee/core';
import type { FieldRange } from './field-ranges.js';
import { ALL_DOCS_INDEX_INFO, indexInfo } from './json-index.js';
import { ALL_DOCS, compareIndexIds, covers, type AnyIndex, type PlanTrace, type QueryPlan } from './query-plan.js';
import { explainKey, idBounds, jsonBounds } from './scan-bounds.js';
import { indexableFields, selectorFields } from './selector-fields.js';
import { compareUtf8 } from '../storage/compare-utf8.js';

/**
 * CouchDB's `_explain` (mango_cursor:explain): the chosen index, the parsed request, the view query it runs
 * (`mrargs`), whether the index covers the query, every other index with why it was not chosen, and which
 * selector fields an index could use.
 */
export function explainFind(dbName: string, partitioned: boolean, plan: QueryPlan): ExplainResponse {
  const { options } = plan;
  const fields = options.fields === undefined ? [] : [...options.fields];
  const response: ExplainResponse = {
    dbname: dbName,
    index: plan.index === undefined ? null : infoOf(plan.index),
    // mango_idx:partitioned of the chosen index; `_all_docs` follows the database.
    partitioned: plan.index === undefined || plan.index === ALL_DOCS ? partitioned : plan.index.partitioned,
    selector: options.selector,
    opts: explainOptions(plan),
    limit: options.limit,
    skip: options.skip,
    fields,
    index_candidates: candidates(plan),
    selector_hints: [selectorHints(plan)],
  };
  if (plan.index !== undefined) {
    response.mrargs = mrargs(plan);
    response.covering = plan.covering;
  }
  return response;
}

function infoOf(index: AnyIndex): IndexInfo {
  return index === ALL_DOCS ? structuredClone(ALL_DOCS_INDEX_INFO) : indexInfo(index);
}

function explainOptions({ options }: QueryPlan): ExplainOptions {
  return {
    use_index: [...options.useIndex],
    bookmark: options.bookmark ?? 'nil',
    limit: options.limit,
    skip: options.skip,
    sort: Object.fromEntries(options.sort.map((s) => [s.field, s.direction])),
    fields: options.fields === undefined ? [] : [...options.fields],
    partition: options.partition,
    r: options.r,
    conflicts: options.conflicts,
    stale: options.stale,
    update: options.update,
    stable: options.stable,
    execution_stats: options.executionStats,
    allow_fallback: options.allowFallback,
  };
}

/** The view query of the plan, as mango_cursor_view:explain shows it. */
function mrargs(plan: QueryPlan): ExplainMrArgs {
  const { options } = plan;
  let start: unknown = null;
  let end: unknown = null;
  if (plan.ranges !== 'empty') {
    const bounds = plan.index === ALL_DOCS ? idBounds(plan.ranges[0] as FieldRange) : jsonBounds(plan.ranges);
    start = explainKey(bounds.start);
    end = explainKey(bounds.end);
  }
  const reverse = plan.direction === 'rev';
  return {
    include_docs: !plan.covering && options.r <= 1,
    view_type: 'map',
    reduce: false,
    partition: options.partition === '' ? null : options.partition,
    // A descending scan starts at the upper end.
    start_key: reverse ? end : start,
    end_key: reverse ? start : end,
    direction: plan.direction,
    stable: options.stable || options.stale === 'ok',
    update: options.update && options.stale !== 'ok',
    conflicts: options.conflicts ? true : 'undefined',
  };
}

/**
 * mango_cursor:extract_candidate_indexes. Rankings group the indexes by how far they are from being chosen:
 * same-type usable ones by their place in the planner's order, then usable ones of the other type, then those
 * `use_index` excluded, then unusable ones, out-of-scope ones, and partial ones (each group only counts when it
 * has members). Listed in reverse index order, as CouchDB's map fold leaves them.
 */
function candidates(plan: QueryPlan): ExplainResponse['index_candidates'] {
  const trace: PlanTrace = plan.trace;
  const has = (set: ReadonlySet<AnyIndex>, index: AnyIndex) => set.has(index);
  const groups = {
    unfavored: trace.all.filter((i) => has(trace.filtered, i) && !has(trace.ofType, i)),
    excluded: trace.all.filter((i) => has(trace.usable, i) && !has(trace.filtered, i)),
    unusable: trace.all.filter((i) => has(trace.inScope, i) && !has(trace.usable, i)),
    outOfScope: trace.all.filter((i) => has(trace.global, i) && !has(trace.inScope, i)),
  };
  const unfavoredRank = Math.max(1, trace.ranked.length);
  const excludedRank = unfavoredRank + (groups.unfavored.length > 0 ? 1 : 0);
  const unusableRank = excludedRank + (groups.excluded.length > 0 ? 1 : 0);
  const outOfScopeRank = unusableRank + (groups.unusable.length > 0 ? 1 : 0);
  const partialRank = outOfScopeRank + (groups.outOfScope.length > 0 ? 1 : 0);

  const analysis = new Map<AnyIndex, Omit<IndexAnalysis, 'covering'>>();
  for (const index of trace.all) {
    if (!has(trace.global, index)) analysis.set(index, { usable: false, reasons: [{ name: 'is_partial' }], ranking: partialRank });
  }
  for (const index of groups.outOfScope) analysis.set(index, { usable: false, reasons: [{ name: 'scope_mismatch' }], ranking: outOfScopeRank });
  for (const index of groups.unusable) {
    analysis.set(index, { usable: false, reasons: [{ name: trace.reasons.get(index)! }], ranking: unusableRank });
  }
  for (const index of groups.excluded) analysis.set(index, { usable: true, reasons: [{ name: 'excluded_by_user' }], ranking: excludedRank });
  for (const index of groups.unfavored) analysis.set(index, { usable: true, reasons: [{ name: 'unfavored_type' }], ranking: unfavoredRank });
  const winnerWidth = plan.index === undefined ? 0 : columnCount(plan.index);
  trace.ranked.forEach(({ index, distance }, position) => {
    const reason = distance > 0 ? 'less_overlap' : columnCount(index) > winnerWidth ? 'too_many_fields' : 'alphabetically_comes_after';
    analysis.set(index, { usable: true, reasons: [{ name: reason }], ranking: position });
  });

  const listed = trace.all.filter((index) => index !== plan.index && analysis.has(index));
  listed.sort((a, b) => compareIndexIds(b, a));
  return listed.map((index) => ({
    index: infoOf(index),
    analysis: {
      ...analysis.get(index)!,
      covering: index === ALL_DOCS ? null : covers(index, plan.options.fields, undefined),
    },
  }));
}

function columnCount(index: AnyIndex): number {
  return index === ALL_DOCS ? 1 : index.columns.length;
}

/** mango_cursor:extract_selector_hints for JSON indexes: the selector fields an index range can use, and the rest. */
function selectorHints({ options }: QueryPlan): ExplainResponse['selector_hints'][number] {
  const indexable = indexableFields(options.selector);
  const all = [...new Set(selectorFields(options.selector))].sort(compareUtf8);
  return { type: 'json', indexable_fields: indexable, unindexable_fields: all.filter((field) => !indexable.includes(field)) };
}
