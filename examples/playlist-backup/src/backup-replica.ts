import { replicate, untilComplete, type ReplicationEvent, type ReplicationResult, type ServerAdapter } from '@settee/core';
import { tap } from 'rxjs';

/** The database the replica is written to, on the backup server. */
export const REPLICA_DB = 'playlist-backup';

/** One progress line: what was read and written so far, and what is left. */
export function progressLine(event: Extract<ReplicationEvent, { type: 'progress' }>): string {
  return `replicating: ${event.docs_read} read, ${event.docs_written} written, ${event.doc_write_failures} failed, ${event.pending} pending`;
}

/**
 * Seed 001's backup step: replicates the local `playlist` database into `playlist-backup` on `backup` (a second
 * engine database, or a CouchDB server given by URL), creating it when missing, with CouchDB's replication
 * protocol, printing one line per written batch; run again, it starts from its checkpoint and copies only what is
 * new.
 */
export async function replicateBackup(
  local: ServerAdapter,
  backup: ServerAdapter,
  log: (line: string) => void,
  replicaName = REPLICA_DB,
): Promise<ReplicationResult> {
  const target = backup.db(replicaName);
  log(`replicating "playlist" to ${target.location}`);
  const result = await untilComplete(
    replicate(local.db('playlist'), { server: backup, name: replicaName }, { create_target: true }).pipe(
      tap((event) => {
        if (event.type === 'progress') log(progressLine(event));
        if (event.type === 'error' && event.retrying) log(`retrying after ${event.error.message}`);
      }),
    ),
  );
  log(
    result.no_changes
      ? 'replica already up to date'
      : `replica up to date: ${result.stats.docs_written} revisions written, checkpoint _local/${result.replication_id}`,
  );
  return result;
}
