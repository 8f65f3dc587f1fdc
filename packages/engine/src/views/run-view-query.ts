import {
  NotFoundError,
  SetteeError,
  isJsonObject,
  type Document,
  type JsonValue,
  type ViewQueryOptions,
  type ViewResponse,
  type ViewRow,
} from '@settee/core';
import type { DbContext } from '../database/db-context.js';
import { assertPartitionName } from '../database/partition-ids.js';
import { readDoc } from '../database/read-doc.js';
import { loadDesignDoc, type LoadedDesignDoc } from '../design/design-docs.js';
import { compareUtf8 } from '../storage/compare-utf8.js';
import { reduceRows } from './reduce-rows.js';
import { keyOrder, type MapRow, type SortedRows } from './sorted-rows.js';
import { viewGroupOf, type ViewDefinition, type ViewGroup } from './view-group.js';
import type { ViewIndex } from './view-index.js';
import { parseViewQuery, type ParsedViewQuery } from './view-query-options.js';
import { viewIndexFor } from './view-registry.js';
import { checkPartitionScope, isPartitionedDesign, partitionQueryLimit, partitionRows } from './partition-scope.js';

/** A view of a design document, ready to query. */
export interface ResolvedView {
  readonly ddoc: LoadedDesignDoc;
  readonly group: ViewGroup;
  readonly slot: number;
  readonly view: ViewDefinition;
}

/** Finds view `name` of design document `ddocName`: 404 `missing` / `deleted` / `missing_named_view` otherwise. */
export function resolveView(ctx: DbContext, ddocName: string, name: string): ResolvedView {
  const ddoc = loadDesignDoc(ctx, ddocName);
  const group = viewGroupOf(ddoc.id, ddoc.doc);
  const slot = group ? group.views.findIndex((view) => view.name === name) : -1;
  if (!group || slot < 0) throw new NotFoundError('missing_named_view');
  if (group.language !== 'javascript') {
    throw new SetteeError(500, 'unknown_query_language', `Unsupported design document language: ${group.language}`);
  }
  return { ddoc, group, slot, view: group.views[slot]! };
}

/** The index of a resolved view, brought up to date as `update` asks (`lazy`: after answering). */
export function preparedIndex(ctx: DbContext, resolved: ResolvedView, update: ParsedViewQuery['update']): ViewIndex {
  const index = viewIndexFor(ctx, resolved.group);
  if (update === 'true') index.update(ctx, resolved.ddoc);
  if (update === 'lazy') {
    setImmediate(() => {
      try {
        index.update(ctx, resolved.ddoc);
      } catch {
        // The database may have been closed or deleted since; the next query updates the index anyway.
      }
    });
  }
  return index;
}

/**
 * CouchDB's `_view` query on the engine; with `partition`, within one partition of a partitioned view. A
 * partitioned view (in a partitioned database) must be queried with a partition, a global one without. The
 * partition is the argument or else the `partition` option: a `_list` reads its view's options as a view query
 * does (couch_mrview_http:parse_params), so `?partition=` scopes the list's rows too.
 */
export function runViewQuery(ctx: DbContext, ddocName: string, name: string, viewOptions: ViewQueryOptions, scope?: string): ViewResponse {
  const { partition: option, ...options } = viewOptions;
  if (scope === undefined && option !== undefined) assertPartitionName(option);
  const partition = scope ?? option;
  const resolved = resolveView(ctx, ddocName, name);
  const partitioned = isPartitionedDesign(ctx, resolved.ddoc.doc);
  // The partition limit is applied before the other checks, whether or not the query names a partition.
  const checked = partitioned ? { ...options, limit: partitionQueryLimit(options.limit) } : options;
  const query = parseViewQuery(checked, resolved.view.reduce !== undefined, keyOrder(resolved.view.collation));
  checkPartitionScope(partitioned, partition);
  const index = preparedIndex(ctx, resolved, query.update);
  const all = index.views[resolved.slot]!;
  const scoped = partition === undefined ? undefined : partitionRows(all, partition, resolved.view.collation);
  const rows = scoped?.rows ?? all;
  const seq = query.updateSeq ? { update_seq: String(index.seq) } : {};
  if (query.reduce) {
    const reduced = reduceRows(resolved.ddoc, resolved.view.reduce!, rangesOf(rows, query), query, rows.compareKeys);
    return { ...seq, rows: reduced };
  }
  const ranges = rangesOf(rows, query);
  const selected: MapRow[] = [];
  let toSkip = query.skip;
  outer: for (const range of ranges) {
    for (const row of range.rows()) {
      if (toSkip > 0) {
        toSkip -= 1;
        continue;
      }
      if (selected.length >= query.limit) break outer;
      selected.push(row);
    }
  }
  const first = ranges[0];
  // Rows of the partitions on the scan's near side come before this partition's.
  const outside = scoped === undefined ? 0 : query.descending ? scoped.after : scoped.before;
  const offset = outside + (first ? first.offset : 0) + (query.skip - toSkip);
  return {
    total_rows: all.size,
    offset: Math.min(offset, all.size),
    ...seq,
    rows: selected.map((row) => outputRow(ctx, row, query)),
  };
}

/** Rows of one contiguous range, in query order, and its offset (rows before it in query order). */
export interface RowRange {
  readonly offset: number;
  rows(): Iterable<MapRow>;
}

/** The ranges a query reads: one per key of `keys`, or the start/end range. */
export function rangesOf(rows: SortedRows, query: ParsedViewQuery): RowRange[] {
  if (query.keys) return query.keys.map((key) => rangeBetween(rows, { ...query, startkey: key, endkey: key, inclusiveEnd: true }));
  return [rangeBetween(rows, query)];
}

type Bounds = Pick<ParsedViewQuery, 'startkey' | 'endkey' | 'startkeyDocid' | 'endkeyDocid' | 'inclusiveEnd' | 'descending'>;

function compareTo(rows: SortedRows, key: JsonValue, docid: string | undefined): (row: MapRow) => number {
  return (row) => {
    const order = rows.compareKeys(row.key, key);
    if (order !== 0 || docid === undefined) return order;
    const idOrder = compareUtf8(row.id, docid);
    return idOrder < 0 ? -1 : idOrder > 0 ? 1 : 0;
  };
}

function rangeBetween(rows: SortedRows, q: Bounds): RowRange {
  // Positions in ascending order: rows [lo, hi) are in the range.
  const [lowKey, lowId, highKey, highId] = q.descending
    ? [q.endkey, q.endkeyDocid, q.startkey, q.startkeyDocid]
    : [q.startkey, q.startkeyDocid, q.endkey, q.endkeyDocid];
  const lowInclusive = q.descending ? q.inclusiveEnd : true;
  const highInclusive = q.descending ? true : q.inclusiveEnd;
  let lo = 0;
  if (lowKey !== undefined) {
    const cmp = compareTo(rows, lowKey, lowId);
    lo = rows.lowerBound((row) => (lowInclusive ? cmp(row) : cmp(row) <= 0 ? -1 : 0));
  }
  let hi = rows.size;
  if (highKey !== undefined) {
    const cmp = compareTo(rows, highKey, highId);
    hi = rows.lowerBound((row) => (highInclusive ? (cmp(row) <= 0 ? -1 : 0) : cmp(row)));
  }
  hi = Math.max(hi, lo);
  const descending = q.descending === true;
  return {
    offset: descending ? rows.size - hi : lo,
    *rows() {
      if (descending) for (let i = hi - 1; i >= lo; i--) yield rows.at(i);
      else for (let i = lo; i < hi; i++) yield rows.at(i);
    },
  };
}

function outputRow(ctx: DbContext, row: MapRow, query: ParsedViewQuery): ViewRow {
  const out: ViewRow = { id: row.id, key: row.key, value: row.value };
  if (query.includeDocs) out.doc = includedDoc(ctx, row, query);
  return out;
}

/**
 * The row's document, or the one its value points at (couch_mrview_util:docid_rev): an object value's `_id` names
 * another document and its `_rev` a revision, each falling back to the row's id and the winner, so `{_rev}` alone
 * reads an older revision of the emitting document. Null when that document or revision is missing or deleted.
 */
function includedDoc(ctx: DbContext, row: MapRow, query: ParsedViewQuery): Document | null {
  const value = isJsonObject(row.value) ? row.value : undefined;
  const id = value !== undefined && '_id' in value ? value['_id'] : row.id;
  const rev = value !== undefined && typeof value['_rev'] === 'string' ? value['_rev'] : undefined;
  if (typeof id !== 'string') return null;
  try {
    const doc = readDoc(ctx.storage, id, {
      ...(rev === undefined ? {} : { rev }),
      ...(query.conflicts ? { conflicts: true } : {}),
      ...(query.attachments ? { attachments: true } : {}),
      ...(query.attEncodingInfo ? { att_encoding_info: true } : {}),
    });
    return doc._deleted === true ? null : doc;
  } catch (error) {
    if (error instanceof SetteeError && error.status === 404) return null;
    throw error;
  }
}
