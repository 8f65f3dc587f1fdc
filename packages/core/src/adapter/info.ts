import type { Seq } from './changes.js';

/** The server's welcome, as CouchDB's `GET /`. */
export interface ServerInfo {
  couchdb: 'Welcome';
  version: string;
  vendor: { name: string; version?: string };
  features?: string[];
  uuid?: string;
}

/** Options of `allDbs`, as CouchDB's `_all_dbs` query parameters. */
export interface AllDbsOptions {
  startkey?: string;
  endkey?: string;
  inclusive_end?: boolean;
  descending?: boolean;
  limit?: number;
  skip?: number;
}

/** Options of `createDb`. */
export interface CreateDbOptions {
  /** Shards (cluster only; the engine records it). */
  q?: number;
  /** Replicas (cluster only). */
  n?: number;
  partitioned?: boolean;
}

/** A database's information, as CouchDB's `GET /{db}`. */
export interface DbInfo {
  db_name: string;
  doc_count: number;
  doc_del_count: number;
  update_seq: Seq;
  purge_seq: Seq;
  sizes: { file: number; external: number; active: number };
  compact_running: boolean;
  instance_start_time: string;
  disk_format_version?: number;
  props?: { partitioned?: boolean };
  cluster?: { q: number; n: number; w: number; r: number };
}

/** `{ ok: true }`, CouchDB's plain success. */
export interface OkResponse {
  ok: true;
}

/** A database's `_security` object. */
export interface SecurityObject {
  admins?: { names?: string[]; roles?: string[] };
  members?: { names?: string[]; roles?: string[] };
  [key: string]: unknown;
}
