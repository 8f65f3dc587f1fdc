import type { JsonObject, JsonValue, ReplicationResult } from '@settee/core';

/** What shapes the answer besides the result: a `doc_ids` replication, and `use_checkpoints: false`. */
export interface AnswerShape {
  readonly withDocIds: boolean;
  readonly useCheckpoints: boolean;
}

/**
 * CouchDB's answer to a finished one-shot `POST /_replicate`: `ok`, `no_changes` when nothing was new,
 * `session_id`, `source_last_seq`, `replication_id_version` and `history`; a `doc_ids` replication also repeats the
 * session's times and counters at the top level, as CouchDB 3.4 does. CouchDB answers with the checkpoint it wrote
 * or, when nothing changed, the one it read: without a checkpoint there is only `no_changes`, and a run that
 * checkpoints nothing (`use_checkpoints: false`) says so instead.
 */
export function replicateAnswer(result: ReplicationResult, shape: AnswerShape): JsonObject {
  const out: JsonObject = { ok: true };
  if (result.no_changes === true) {
    out['no_changes'] = true;
    if (result.history.length === 0) return out;
  } else if (!shape.useCheckpoints) {
    out['use_checkpoints'] = false;
    return out;
  }
  out['session_id'] = result.session_id;
  out['source_last_seq'] = result.source_last_seq;
  out['replication_id_version'] = result.replication_id_version;
  const last = result.history[0];
  if (shape.withDocIds && last !== undefined) {
    out['start_time'] = last.start_time;
    out['end_time'] = last.end_time;
    out['docs_read'] = last.docs_read;
    out['docs_written'] = last.docs_written;
    out['doc_write_failures'] = last.doc_write_failures;
  }
  out['history'] = result.history as unknown as JsonValue;
  return out;
}
