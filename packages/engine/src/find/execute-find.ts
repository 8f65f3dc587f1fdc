import type { Document, FindResponse, JsonObject, JsonValue, NormalizedSelector } from '@settee/core';
import { collate } from '../collate/collate.js';
import { buildDoc } from '../database/build-doc.js';
import type { DbContext } from '../database/db-context.js';
import { DESIGN_PREFIX } from '../database/doc-ids.js';
import { decodeRecord, decodeRecordBody, decodeRecordHead, SPACE } from '../database/records.js';
import { projectFields } from '../mango/find-fields.js';
import { compileSelector } from '../mango/match-selector.js';
import { parseField } from '../mango/parse-field.js';
import { sortedLeaves } from '../revs/rev-tree.js';
import type { KeyRange } from '../storage/storage.js';
import { decodeBookmark, encodeBookmark, type BookmarkPosition } from './bookmark.js';
import { documentFromKey } from './document-from-key.js';
import type { FieldRange } from './field-ranges.js';
import { MAX_KEY, type KeyPart } from './index-order.js';
import type { IndexRegistry } from './index-registry.js';
import { columnNames, type JsonIndex } from './json-index.js';
import { ALL_DOCS, ddocName, namedIndexes, type QueryPlan } from './query-plan.js';
import { idBounds, jsonBounds } from './scan-bounds.js';
import { selectorFields } from './selector-fields.js';
import { readTopLevelFields } from './top-level-fields.js';
import { inPartition, partitionRange } from '../database/partition-ids.js';
import { compareUtf8 } from '../storage/compare-utf8.js';

/** Above this many documents examined per result, CouchDB warns (mango `index_scan_warning_threshold`). */
const SCAN_WARNING_RATIO = 10;
/** Most documents read per storage call. */
const CHUNK = 256;

/** Counters of one run (CouchDB's execution_stats). */
interface Stats {
  keys: number;
  docs: number;
  returned: number;
}

/**
 * Runs a planned `_find` like CouchDB's mango_cursor_view: reads the chosen index's rows in its range (after the
 * bookmark, when given) in the planned direction, loads each row's document (unless the index covers the query),
 * keeps those matching the selector, applies `skip` and `limit`, and projects `fields`. The answer carries the
 * bookmark of the last row kept (or the one given, or "nil"), `execution_stats` on request, and CouchDB's warnings.
 * A query that matches nothing by construction (`{"$or": []}`) answers just `{docs: []}`.
 */
export function executeFind(ctx: DbContext, registry: IndexRegistry, plan: QueryPlan): FindResponse<Document> {
  const started = performance.now();
  const { options, index, ranges } = plan;
  if (ranges === 'empty' || index === undefined) return { docs: [] };
  const from = options.bookmark === undefined ? undefined : decodeBookmark(options.bookmark);
  const predicate = compileSelector(options.selector);
  const stats: Stats = { keys: 0, docs: 0, returned: 0 };
  const docs: Document[] = [];
  let skip = options.skip;
  let limit = options.limit;
  let last: BookmarkPosition | undefined;

  const { partition } = options;
  /** One row of the scan; false stops it. */
  const visit = (key: JsonValue, id: string, load: () => JsonObject | undefined): boolean => {
    // A partition query sees only the partition's rows (CouchDB's partitioned indexes hold nothing else).
    if (partition !== '' && !inPartition(id, partition)) return true;
    stats.keys++;
    const doc = load();
    if (doc === undefined || !predicate(doc)) return true;
    last = { key, id };
    if (skip > 0) {
      skip--;
      return true;
    }
    docs.push(projectFields(doc, options.fields) as Document);
    stats.returned++;
    return --limit > 0;
  };

  if (limit > 0) {
    // A full scan meets mostly documents that do not match; an index range mostly ones that do.
    const prefilter = index === ALL_DOCS ? prefilterFor(options.selector, predicate) : undefined;
    const read = documentReader(ctx, options.conflicts, stats, prefilter);
    if (index === ALL_DOCS) scanAllDocs(ctx, plan, ranges[0]!, from, stats, read, visit);
    else scanJsonIndex(ctx, registry, index, plan, from, read, visit, () => limit + skip);
  }

  const response: FindResponse<Document> = { docs, bookmark: last === undefined ? (options.bookmark ?? 'nil') : encodeBookmark(last) };
  if (options.executionStats) {
    response.execution_stats = {
      total_keys_examined: stats.keys,
      total_docs_examined: stats.docs,
      total_quorum_docs_examined: 0,
      results_returned: stats.returned,
      execution_time_ms: performance.now() - started,
    };
  }
  const warnings = warningsOf(plan, stats);
  if (warnings.length > 0) response.warning = warnings.join('\n');
  return response;
}

type Visit = (key: JsonValue, id: string, load: () => JsonObject | undefined) => boolean;

/** Scans a JSON index's rows between its bounds, forwards or backwards, starting after the bookmark. */
function scanJsonIndex(
  ctx: DbContext,
  registry: IndexRegistry,
  index: JsonIndex,
  plan: QueryPlan,
  from: BookmarkPosition | undefined,
  read: DocumentReader,
  visit: Visit,
  needed: () => number,
): void {
  const entries = registry.entries(index);
  const { start, end } = jsonBounds(plan.ranges as FieldRange[]);
  const forward = plan.direction === 'fwd';
  // Positions run from `first` towards `last` (inclusive), upwards or downwards.
  let first: number;
  let last: number;
  if (forward) {
    first = from === undefined ? entries.position(start, undefined, false) : bookmarkPosition(entries, from, true);
    last = entries.position(end, undefined, true) - 1;
  } else {
    first = (from === undefined ? entries.position(end, undefined, true) : bookmarkPosition(entries, from, false)) - 1;
    last = entries.position(start, undefined, false);
  }
  const step = forward ? 1 : -1;
  const remaining = () => (forward ? last - first + 1 : first - last + 1);
  if (plan.covering) {
    const load = coveredLoader(index);
    for (; remaining() > 0; first += step) {
      const row = entries.at(first);
      if (!visit(row.key as JsonValue[], row.id, () => load(row.id, row.key))) return;
    }
    return;
  }
  // Documents are read a chunk at a time (one storage call), sized to what the page still needs.
  while (remaining() > 0) {
    const size = Math.min(remaining(), Math.max(16, Math.min(needed(), CHUNK)));
    const rows = Array.from({ length: size }, (_, k) => entries.at(first + k * step));
    first += size * step;
    const texts = ctx.storage.getMany(SPACE.docs, rows.map((row) => row.id));
    for (let k = 0; k < rows.length; k++) {
      const row = rows[k]!;
      const text = texts[k];
      if (!visit(row.key as JsonValue[], row.id, () => (text === undefined ? undefined : read(row.id, text)))) return;
    }
  }
}

/**
 * Where a scan resumes: after the bookmark's row going forwards, before it going backwards. A bookmark from an
 * `_all_docs` query (its key an id, not a list) resumes where that key collates among the list keys.
 */
function bookmarkPosition(entries: ReturnType<IndexRegistry['entries']>, from: BookmarkPosition, forward: boolean): number {
  if (!Array.isArray(from.key)) return collate(from.key, []) < 0 ? 0 : entries.size;
  return entries.position(from.key as KeyPart[], from.id, forward);
}

type Loader = (id: string, key: readonly JsonValue[]) => JsonObject | undefined;

/** Turns a stored record into the document a selector is tested on; undefined when it cannot match. */
type DocumentReader = (id: string, text: string) => JsonObject | undefined;

/**
 * Reads the winning revision of a live document as `_find` returns it (with `_conflicts` on request). With a
 * prefilter, a document whose selector fields already fail is not parsed whole.
 */
function documentReader(ctx: DbContext, conflicts: boolean, stats: Stats, prefilter: Prefilter | undefined): DocumentReader {
  return (id, text) => {
    stats.docs++;
    if (prefilter !== undefined && !prefilter(id, text)) return undefined;
    return loadDocument(ctx, id, text, conflicts);
  };
}

/** Tests a stored record against the selector without building the whole document; false means no match. */
type Prefilter = (id: string, text: string) => boolean;

/**
 * A prefilter that parses only the top-level members the selector names (documents are mostly fields the query
 * does not look at). None when the selector tests special members other than `_id` and `_rev`.
 */
function prefilterFor(selector: NormalizedSelector, predicate: (doc: JsonValue) => boolean): Prefilter | undefined {
  const names = new Set<string>();
  for (const field of selectorFields(selector)) {
    const first = parseField(field)[0]!;
    if (first === '_id' || first === '_rev') continue;
    if (first.startsWith('_')) return undefined;
    names.add(first);
  }
  return (id, text) => {
    const partial = readTopLevelFields(decodeRecordBody(text).body, names);
    if (partial === undefined) return true;
    partial['_id'] = id;
    partial['_rev'] = decodeRecordHead(text).winner;
    return predicate(partial);
  };
}

function loadDocument(ctx: DbContext, id: string, text: string, conflicts: boolean): JsonObject {
  if (!conflicts) return buildDoc(ctx.storage, id, decodeRecordHead(text).winner, false, decodeRecordBody(text)) as JsonObject;
  const record = decodeRecord(id, text);
  const others = sortedLeaves(record.tree).slice(1).filter((leaf) => !leaf.deleted).map((leaf) => leaf.rev);
  return buildDoc(ctx.storage, id, record.winner, false, record.winnerBody, { conflicts: others }) as JsonObject;
}

/** A covering index answers from its rows: the document is `_id` plus the indexed fields. */
function coveredLoader(index: JsonIndex): Loader {
  const columns = columnNames(index);
  return (id, key) => documentFromKey(id, columns, key);
}

/** Scans `_all_docs` (raw id order) within the `_id` range, in chunks; design documents are never results. */
function scanAllDocs(
  ctx: DbContext,
  plan: QueryPlan,
  range: FieldRange,
  from: BookmarkPosition | undefined,
  stats: Stats,
  read: DocumentReader,
  visit: Visit,
): void {
  const bounds = scopedRange(storageRange(range), plan.options.partition);
  if (bounds === undefined) return;
  const reverse = plan.direction === 'rev';
  let cursor = from === undefined ? undefined : typeof from.key === 'string' ? from.key : from.id;
  for (;;) {
    const chunk: KeyRange = { ...bounds, reverse, limit: CHUNK };
    if (cursor !== undefined) {
      if (reverse) chunk.lt = cursor;
      else chunk.gt = cursor;
    }
    const rows = ctx.storage.range(SPACE.docs, chunk);
    for (const [id, text] of rows) {
      if (id.startsWith(DESIGN_PREFIX)) {
        stats.keys++;
        continue;
      }
      if (!visit(id, id, () => read(id, text))) return;
    }
    if (rows.length < CHUNK) return;
    cursor = rows[rows.length - 1]![0];
  }
}

/**
 * The storage range of an `_all_docs` scan: the `_id` range's ends as id bounds (a descending scan runs from the
 * upper end down). Ends that are not strings collate before every id (null, booleans, numbers) or after (arrays,
 * objects). Undefined when nothing can be in range.
 */
function storageRange(range: FieldRange): KeyRange | undefined {
  const { start: low, end: high } = idBounds(range);
  const bounds: KeyRange = {};
  if (typeof low === 'string') {
    if (low !== '') bounds.gte = low;
  } else if (collate(low, '') > 0) {
    return undefined;
  }
  if (typeof high === 'string') bounds.lte = high;
  else if (high !== MAX_KEY && collate(high, '') < 0) return undefined;
  return bounds;
}

/** Narrows an `_all_docs` scan to the partition's ids (`partition:` .. `partition;`), when the query has one. */
function scopedRange(bounds: KeyRange | undefined, partition: string): KeyRange | undefined {
  if (bounds === undefined || partition === '') return bounds;
  const { gte: low, lt: high } = partitionRange(partition);
  const scoped: KeyRange = { ...bounds };
  if (scoped.gte === undefined || compareUtf8(scoped.gte, low) < 0) scoped.gte = low;
  if (scoped.lte === undefined || compareUtf8(scoped.lte, high) >= 0) {
    delete scoped.lte;
    scoped.lt = high;
  }
  return scoped;
}

/** CouchDB's warnings: `use_index` not honoured, no index used, many documents read per result. */
function warningsOf(plan: QueryPlan, stats: Stats): string[] {
  const warnings: string[] = [];
  const { useIndex } = plan.options;
  if (useIndex.length > 0 && plan.index !== undefined && namedIndexes([plan.index], useIndex).length === 0) {
    warnings.push(
      useIndex.length === 1
        ? `_design/${ddocName(useIndex[0]!)} was not used because it does not contain a valid index for this query.`
        : `_design/${ddocName(useIndex[0]!)}, ${useIndex[1]} was not used because it is not a valid index for this query.`,
    );
  }
  if (plan.index === ALL_DOCS) warnings.push('No matching index found, create an index to optimize query time.');
  const ratio = stats.returned === 0 ? stats.docs : stats.docs / stats.returned;
  if (ratio > SCAN_WARNING_RATIO) {
    warnings.push(
      'The number of documents examined is high in proportion to the number of results returned. Consider adding a more specific index to improve this.',
    );
  }
  return warnings;
}
