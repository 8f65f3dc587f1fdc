import type { DatabaseAdapter } from '../adapter/database-adapter.js';
import type { Seq } from '../adapter/changes.js';
import type { ServerAdapter } from '../adapter/server-adapter.js';
import type { JsonObject } from '../json.js';
import type { SetteeError } from '../errors/settee-error.js';

/**
 * One side of a replication: a database handle, or a server and a database name (needed for `create_target`, since
 * a database handle cannot create its own database).
 */
export type ReplicationEndpoint = DatabaseAdapter | { readonly server: ServerAdapter; readonly name: string };

/** Where checkpoints are written: both sides (CouchDB's rule, the default), one side, or nowhere. */
export type CheckpointPlacement = 'both' | 'source' | 'target' | false;

/** How failed requests are retried: `false` fails at once; attempts and delays of the jittered exponential backoff. */
export type RetryOptions =
  | false
  | {
      /** Attempts after the first failure before giving up (default 5 one-shot, unlimited continuous). */
      readonly maxAttempts?: number;
      /** Ceiling of the first delay in milliseconds (default 250). */
      readonly initialDelayMs?: number;
      /** Largest delay in milliseconds (default 10,000). */
      readonly maxDelayMs?: number;
    };

/** Options of `replicate` and `sync`, named after CouchDB's `_replicate` fields. */
export interface ReplicationOptions {
  /** Keep running after catching up, replicating each new change (default false: one-shot). */
  readonly continuous?: boolean;
  /** Replicate only these documents (CouchDB's `doc_ids`, the `_doc_ids` changes filter). */
  readonly doc_ids?: readonly string[];
  /** Replicate only documents matching this Mango selector (the `_selector` changes filter). */
  readonly selector?: JsonObject;
  /** A design-document filter `ddoc/name`, where the source serves them. */
  readonly filter?: string;
  /** `req.query` of the design-document filter. */
  readonly query_params?: Record<string, string>;
  /** Start after this source sequence instead of the checkpoint (part of the replication id when given). */
  readonly since?: Seq;
  /**
   * Copy only each document's winning revision, leaving conflicts behind (CouchDB 3.3's `winning_revs_only`; part of
   * the replication id).
   */
  readonly winning_revs_only?: boolean;
  /** Create the target database first (the target must then be `{ server, name }`). */
  readonly create_target?: boolean;
  /** Changes per batch (default 500). */
  readonly batch_size?: number;
  /** Batches read, fetched and written at the same time (default 4). */
  readonly batches_limit?: number;
  /** Retry of failures that may pass (network, timeouts, 5xx); the session restarts from its checkpoint. */
  readonly retry?: RetryOptions;
  /** Where checkpoints are kept (default `'both'`). */
  readonly checkpoint?: CheckpointPlacement;
}

/** Counters of one replication, CouchDB's names. */
export interface ReplicationStats {
  /** Revisions asked about with `_revs_diff`. */
  readonly missing_checked: number;
  /** Revisions the target lacked. */
  readonly missing_found: number;
  /** Revisions read from the source. */
  readonly docs_read: number;
  /** Revisions the target accepted. */
  readonly docs_written: number;
  /** Revisions the target refused (`forbidden`, `unauthorized`, ...): counted, never fatal. */
  readonly doc_write_failures: number;
  /** Revisions read from the source in bulk (`_bulk_get`, or `_all_docs` for first revisions). */
  readonly bulk_get_docs: number;
  /** Revisions asked for in bulk; those a bulk read did not return were read one document at a time. */
  readonly bulk_get_attempts: number;
}

/** One entry of a checkpoint's `history`, exactly CouchDB's fields. */
export interface ReplicationHistoryEntry extends ReplicationStats {
  readonly session_id: string;
  /** RFC 1123 date, as CouchDB writes it. */
  readonly start_time: string;
  readonly end_time: string;
  readonly start_last_seq: Seq;
  readonly end_last_seq: Seq;
  readonly recorded_seq: Seq;
}

/** The checkpoint document `_local/<replication id>`, kept on both sides in CouchDB's format. */
export interface CheckpointDoc {
  readonly session_id: string;
  readonly source_last_seq: Seq;
  readonly replication_id_version: number;
  readonly history: readonly ReplicationHistoryEntry[];
}

/** What a finished one-shot replication answers, as CouchDB's `POST /_replicate`. */
export interface ReplicationResult extends CheckpointDoc {
  readonly ok: true;
  /** The replication id: the checkpoint documents are `_local/<replication_id>`. */
  readonly replication_id: string;
  /** True when the source had nothing new since the checkpoint. */
  readonly no_changes?: true;
  /** This run's counters (the history's first entry when a checkpoint was written). */
  readonly stats: ReplicationStats;
}

/** Progress after a batch was written: the counters so far plus where the feed stands. */
export interface ReplicationProgressEvent extends ReplicationStats {
  readonly type: 'progress';
  /** Changes left on the source after the last batch read (as its changes feed reported). */
  readonly pending: number;
  /** The last source sequence checkpointed (written through). */
  readonly last_seq: Seq;
}

/** Work started or resumed. */
export interface ReplicationActiveEvent {
  readonly type: 'active';
}

/** Caught up (continuous) or waiting to retry after an error. */
export interface ReplicationPausedEvent {
  readonly type: 'paused';
}

/** A checkpoint was written at `seq`. */
export interface ReplicationCheckpointEvent {
  readonly type: 'checkpoint';
  readonly seq: Seq;
}

/**
 * A failure. With `retrying`, the session restarts from its checkpoint after `delayMs`; without, the Observable
 * errors with the same error right after this event.
 */
export interface ReplicationErrorEvent {
  readonly type: 'error';
  readonly error: SetteeError;
  readonly retrying: boolean;
  /** 1 for the first failure in a row. */
  readonly attempt: number;
  readonly delayMs?: number;
}

/** A one-shot replication finished; the Observable completes right after. */
export interface ReplicationCompleteEvent {
  readonly type: 'complete';
  readonly result: ReplicationResult;
}

/** Everything `replicate` emits. */
export type ReplicationEvent =
  | ReplicationActiveEvent
  | ReplicationPausedEvent
  | ReplicationProgressEvent
  | ReplicationCheckpointEvent
  | ReplicationErrorEvent
  | ReplicationCompleteEvent;

/** Which replication of a `sync` an event belongs to: push is local→remote, pull remote→local. */
export type SyncDirection = 'push' | 'pull';

/** Everything `sync` emits: the two replications' events, each tagged with its direction. */
export type SyncEvent = ReplicationEvent & { readonly direction: SyncDirection };

/** Both results of a finished one-shot `sync`. */
export interface SyncResult {
  readonly push: ReplicationResult;
  readonly pull: ReplicationResult;
}
