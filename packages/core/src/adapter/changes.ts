import type { JsonObject } from '../json.js';
import type { Document } from './documents.js';

/**
 * An update sequence. Opaque: compare or parse it never; hand it back as `since` only to the database that gave it.
 * The engine answers strings; some servers answer numbers.
 */
export type Seq = string | number;

/** Options of the changes feed, as CouchDB's `_changes` query parameters. */
export interface ChangesOptions {
  /** Start after this sequence; `0` (default) is the beginning, `'now'` the current end. */
  since?: Seq | 'now';
  limit?: number;
  descending?: boolean;
  include_docs?: boolean;
  /** With `include_docs`: add `_conflicts`. */
  conflicts?: boolean;
  /** With `include_docs`: inline attachment bodies. */
  attachments?: boolean;
  /** With `include_docs`: add `encoding` and `encoded_length` to attachments stored compressed. */
  att_encoding_info?: boolean;
  /** `all_docs` lists every leaf revision in `changes`, `main_only` (default) only the winner. */
  style?: 'main_only' | 'all_docs';
  /** `_doc_ids`, `_selector`, `_design`, `_view`, or a design document filter `ddoc/name`. */
  filter?: string;
  /** With `filter: '_doc_ids'`. */
  doc_ids?: string[];
  /** With `filter: '_selector'`: a Mango selector. */
  selector?: JsonObject;
  /** With `filter: '_selector'` and `include_docs`: each document cut to these fields (Mango's `fields`). */
  fields?: string[];
  /** With `filter: '_view'`: `ddoc/view`. */
  view?: string;
  /** `normal` (default) answers at once; `longpoll` waits until there is at least one change or `timeout` passes. */
  feed?: 'normal' | 'longpoll';
  /** Milliseconds a `longpoll` request waits. */
  timeout?: number;
  /** Extra parameters passed to a design-document filter function as `req.query`. */
  query_params?: Record<string, string>;
}

/** Options of the live changes Observable. */
export interface LiveChangesOptions extends Omit<ChangesOptions, 'feed' | 'timeout' | 'limit' | 'descending'> {
  /** Milliseconds between heartbeats on remote feeds (keeps idle connections open). */
  heartbeat?: number;
}

/** One row of the changes feed. */
export interface ChangesRow {
  seq: Seq;
  id: string;
  changes: Array<{ rev: string }>;
  deleted?: true;
  doc?: Document;
}

/** The answer of a normal or longpoll changes request. */
export interface ChangesResponse {
  results: ChangesRow[];
  last_seq: Seq;
  /** How many more changes there are after `last_seq`. */
  pending: number;
}
