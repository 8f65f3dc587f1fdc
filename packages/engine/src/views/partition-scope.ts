import { BadRequestError, type JsonObject } from '@settee/core';
import type { DbContext } from '../database/db-context.js';
import { partitionOf } from '../database/partition-ids.js';
import { SortedRows, type MapRow } from './sorted-rows.js';
import { designOptionsOf } from './view-group.js';

/**
 * CouchDB's `[query_server_config] partition_query_limit` when not configured: ?MAX_VIEW_LIMIT (2^28), the most rows a
 * partition query may ask for.
 */
export const PARTITION_QUERY_LIMIT = 0x10000000;

function parseError(reason: string): BadRequestError {
  return new BadRequestError(reason, { error: 'query_parse_error' });
}

/**
 * couch_mrview_util:apply_limit for partitioned queries: a limit above the partition limit is refused. Values that
 * are not numbers are left for the option checks to refuse.
 */
export function partitionQueryLimit<T>(limit: T): T {
  const value = typeof limit === 'string' && /^\d+$/.test(limit) ? Number(limit) : limit;
  if (typeof value === 'number' && Number.isInteger(value) && value > PARTITION_QUERY_LIMIT) {
    throw parseError(`Limit is too large, must not exceed ${PARTITION_QUERY_LIMIT}`);
  }
  return limit;
}

/**
 * Whether a design document's views are partitioned: in a partitioned database they are, unless the design
 * document says `options.partitioned: false` (couch_mrview_util:ddoc_to_mrst); elsewhere never.
 */
export function isPartitionedDesign(ctx: DbContext, doc: JsonObject): boolean {
  if (ctx.partitioned !== true) return false;
  const value = designOptionsOf(doc)?.['partitioned'];
  return typeof value === 'boolean' ? value : true;
}

/** couch_mrview_util:validate_args: a partitioned view needs a partition, a global one refuses it. */
export function checkPartitionScope(partitioned: boolean, partition: string | undefined): void {
  if (partitioned && partition === undefined) throw parseError('`partition` parameter is mandatory for queries to this view.');
  if (!partitioned && partition !== undefined) throw parseError('`partition` parameter is not supported in this design doc');
}

/** One partition's rows of a view, and how many rows of other partitions sort before and after them. */
export interface PartitionRows {
  readonly rows: SortedRows;
  readonly before: number;
  readonly after: number;
}

/** A view's rows grouped by partition, for the version of the rows they were built from. */
interface PartitionGroups {
  readonly version: number;
  readonly byPartition: Map<string, PartitionRows>;
  /** Partition names in the view's key order, with how many rows each has. */
  readonly order: ReadonlyArray<{ name: string; count: number }>;
}

const groupsOfView = new WeakMap<SortedRows, PartitionGroups>();

/**
 * The rows of `partition`, in view order. CouchDB keys a partitioned view by partition, then key, so rows of the
 * partitions that sort before this one count in `offset` (on one shard, as here). The view's rows are grouped by
 * partition once per version of the rows, so that repeated partition queries cost only their own partition.
 */
export function partitionRows(all: SortedRows, partition: string, collation: 'icu' | 'raw'): PartitionRows {
  let groups = groupsOfView.get(all);
  if (groups === undefined || groups.version !== all.version) {
    groups = groupByPartition(all, collation);
    groupsOfView.set(all, groups);
  }
  return groups.byPartition.get(partition) ?? { rows: new SortedRows([], collation), ...rowsAround(all, groups.order, partition) };
}

function groupByPartition(all: SortedRows, collation: 'icu' | 'raw'): PartitionGroups {
  const rows = new Map<string, MapRow[]>();
  for (let i = 0; i < all.size; i++) {
    const row = all.at(i);
    // Design documents have no partition (and are not in a partitioned view's rows anyway).
    const name = row.id.startsWith('_') ? undefined : partitionOf(row.id);
    if (name === undefined) continue;
    let group = rows.get(name);
    if (group === undefined) rows.set(name, (group = []));
    group.push(row);
  }
  const order = [...rows].map(([name, group]) => ({ name, count: group.length })).sort((a, b) => all.compareKeys(a.name, b.name));
  const around = countsAround(all, order);
  const byPartition = new Map<string, PartitionRows>();
  // Each group is already in view order: the sort in the constructor has nothing to move.
  for (const [name, group] of rows) byPartition.set(name, { rows: new SortedRows(group, collation), ...around.get(name)! });
  return { version: all.version, byPartition, order };
}

/**
 * For every partition of `order` (sorted by the view's key order), how many rows of other partitions sort before and
 * after it, by running sums: names that collate equal to it count after it.
 */
function countsAround(all: SortedRows, order: ReadonlyArray<{ name: string; count: number }>): Map<string, { before: number; after: number }> {
  const total = order.reduce((sum, entry) => sum + entry.count, 0);
  const around = new Map<string, { before: number; after: number }>();
  let before = 0;
  for (let i = 0; i < order.length; ) {
    let j = i + 1;
    while (j < order.length && all.compareKeys(order[i]!.name, order[j]!.name) === 0) j++;
    let tied = 0;
    for (let k = i; k < j; k++) tied += order[k]!.count;
    for (let k = i; k < j; k++) around.set(order[k]!.name, { before, after: total - before - order[k]!.count });
    before += tied;
    i = j;
  }
  return around;
}

/** For a partition without rows: how many rows of the others sort before and after it (equal names count after). */
function rowsAround(all: SortedRows, order: ReadonlyArray<{ name: string; count: number }>, partition: string): { before: number; after: number } {
  let before = 0;
  let after = 0;
  for (const { name, count } of order) {
    if (name === partition) continue;
    if (all.compareKeys(name, partition) < 0) before += count;
    else after += count;
  }
  return { before, after };
}
