import { BadRequestError } from '@settee/core';
import { isWellFormed } from '../storage/compare-utf8.js';
import { assertDocId, DESIGN_PREFIX, LOCAL_PREFIX } from './doc-ids.js';

/** CouchDB's message when a document id of a partitioned database has no `partition:` part. */
const NEEDS_PARTITION = 'Doc id must be of form partition:id';

function illegalPartition(reason: string): BadRequestError {
  return new BadRequestError(reason, { error: 'illegal_partition' });
}

/** The partition of `partition:docid` (text before the first colon), or undefined when there is no colon. */
export function partitionOf(id: string): string | undefined {
  const colon = id.indexOf(':');
  return colon < 0 ? undefined : id.slice(0, colon);
}

/**
 * couch_partition:validate_partition: a partition name is a non-empty string, does not start with `_`, is valid
 * UTF-8 and has no colon; otherwise 400 `illegal_partition` with CouchDB's reason.
 */
export function assertPartitionName(name: unknown): asserts name is string {
  if (typeof name !== 'string') throw illegalPartition('Partition must be a string');
  if (name === '') throw illegalPartition('Partition must not be empty');
  if (name.startsWith('_')) throw illegalPartition('Partition must not start with an underscore');
  if (!isWellFormed(name)) throw illegalPartition('Partition must be valid UTF-8');
  if (name.includes(':')) throw illegalPartition('Partition must not contain a colon');
}

/**
 * couch_partition:validate_docid, for writes to a partitioned database: `_design/` and `_local/` ids pass; others
 * must be `partition:docid` with a valid partition and a valid id after the colon (so `p:` is "Document id must not
 * be empty" and `p:_x` "Only reserved document ids may start with underscore."). The id is already a valid id.
 */
export function assertPartitionedDocId(id: string): void {
  if (id.startsWith(DESIGN_PREFIX) || id.startsWith(LOCAL_PREFIX)) return;
  const partition = partitionOf(id);
  if (partition === undefined) throw new BadRequestError(NEEDS_PARTITION, { error: 'illegal_docid' });
  assertPartitionName(partition);
  assertDocId(id.slice(partition.length + 1));
}

/**
 * For reads of a partitioned database: CouchDB finds a document's shard from its partition, so an id without a
 * colon (other than `_...` ids, hashed whole) is refused before any lookup.
 */
export function assertReadablePartitionedId(id: string): void {
  if (!id.startsWith('_') && partitionOf(id) === undefined) throw new BadRequestError(NEEDS_PARTITION, { error: 'illegal_docid' });
}

/** A write without an id in a partitioned database: CouchDB's generated uuid has no partition. */
export function generatedIdRefused(): BadRequestError {
  return new BadRequestError(NEEDS_PARTITION, { error: 'illegal_docid' });
}

/** The storage range of one partition's document ids: from `partition:` up to (excluding) `partition;`. */
export function partitionRange(partition: string): { gte: string; lt: string } {
  return { gte: `${partition}:`, lt: `${partition};` };
}

/** True when `id` belongs to `partition`. */
export function inPartition(id: string, partition: string): boolean {
  return id.length > partition.length && id.startsWith(partition) && id.charCodeAt(partition.length) === 58;
}
