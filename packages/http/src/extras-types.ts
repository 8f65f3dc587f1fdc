import type { DbInfo, Document, JsonObject, JsonValue, WriteResult } from '@settee/core';

/** `GET /_up`. */
export interface UpResponse {
  status: 'ok' | 'nolive' | 'maintenance_mode' | string;
  seeds?: JsonObject;
}

/** One entry of `_dbs_info`: a database's info, or an error for a name that does not exist. */
export interface DbsInfoEntry {
  key: string;
  info?: DbInfo;
  error?: string;
}

/** `GET /_membership`. */
export interface MembershipResponse {
  all_nodes: string[];
  cluster_nodes: string[];
}

/** A page of `_scheduler/jobs`: running replication jobs, each as CouchDB describes it (history, info...). */
export interface SchedulerJobsResponse {
  total_rows: number;
  offset: number;
  jobs: JsonObject[];
}

/** A page of `_scheduler/docs`: replication documents and their states. */
export interface SchedulerDocsResponse {
  total_rows: number;
  offset: number;
  docs: ReplicationDocState[];
}

/** One replication document's state as `_scheduler/docs/{db}/{docid}` reports it. */
export interface ReplicationDocState extends JsonObject {
  database: string;
  doc_id: string;
  state: 'initializing' | 'error' | 'pending' | 'running' | 'crashing' | 'completed' | 'failed' | string;
}

/** The answer of a one-shot `POST /_replicate` (continuous ones answer `{ ok, _local_id }`). */
export interface ReplicateResponse extends JsonObject {
  ok: boolean;
}

/** A `_replicate` request or `_replicator` document (`source`, `target`, `continuous`, `create_target`, ...). */
export interface ReplicationRequest {
  source: string | JsonObject;
  target: string | JsonObject;
  continuous?: boolean;
  create_target?: boolean;
  doc_ids?: string[];
  selector?: JsonObject;
  filter?: string;
  [option: string]: JsonValue | undefined;
}

// The `_db_updates` types are core's (the engine offers the same feed), re-exported for code that imported them here.
export type { DbUpdate, DbUpdatesOptions, DbUpdatesResponse, LiveDbUpdatesOptions } from '@settee/core';

/** A conditional read (`If-None-Match`): not modified, or the document with its new ETag. */
export type ConditionalGet<T extends object> =
  | { readonly modified: false; readonly etag: string }
  | { readonly modified: true; readonly etag: string | undefined; readonly doc: Document<T> };

/** Options of `copy`. */
export interface CopyOptions {
  /** The source revision to copy (default: the winner). */
  rev?: string;
  /** The destination's current revision, to overwrite an existing document. */
  destinationRev?: string;
}

export type { WriteResult };
