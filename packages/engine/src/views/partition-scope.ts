import { BadRequestError, type JsonObject } from '@settee/core';
import type { DbContext } from '../database/db-context.js';
import { inPartition, partitionOf } from '../database/partition-ids.js';
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

/**
 * The rows of `partition`, in view order. CouchDB keys a partitioned view by partition, then key, so rows of the
 * partitions that sort before this one count in `offset` (on one shard, as here).
 */
export function partitionRows(all: SortedRows, partition: string, collation: 'icu' | 'raw'): PartitionRows {
  const kept: MapRow[] = [];
  let before = 0;
  let after = 0;
  for (let i = 0; i < all.size; i++) {
    const row = all.at(i);
    if (inPartition(row.id, partition)) {
      kept.push(row);
      continue;
    }
    const other = partitionOf(row.id);
    if (other === undefined || row.id.startsWith('_')) continue;
    if (all.compareKeys(other, partition) < 0) before++;
    else after++;
  }
  // Already in view order: the sort in the constructor has nothing to move.
  return { rows: new SortedRows(kept, collation), before, after };
}
