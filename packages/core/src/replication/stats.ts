import type { ReplicationStats } from './types.js';

/** The counters a running replication updates in place. */
export type MutableStats = { -readonly [K in keyof ReplicationStats]: ReplicationStats[K] };

/** Fresh counters at zero. */
export function emptyStats(): MutableStats {
  return { missing_checked: 0, missing_found: 0, docs_read: 0, docs_written: 0, doc_write_failures: 0, bulk_get_docs: 0, bulk_get_attempts: 0 };
}

/** A copy for an event or a history entry, so later batches do not change what was emitted. */
export function snapshotStats(stats: MutableStats): ReplicationStats {
  return { ...stats };
}
