import type { Document } from './documents.js';
import type { Seq } from './changes.js';

/** Options of `allDocs`, as CouchDB's `_all_docs` query parameters. Keys are document ids, compared raw (by UTF-8 bytes). */
export interface AllDocsOptions {
  /** Only these ids, in this order; a missing id gives an `error: "not_found"` row, a deleted one a row with `value.deleted`. */
  keys?: string[];
  key?: string;
  startkey?: string;
  endkey?: string;
  /** Include the row equal to `endkey`. Default `true`. */
  inclusive_end?: boolean;
  descending?: boolean;
  limit?: number;
  skip?: number;
  include_docs?: boolean;
  /** With `include_docs`: add `_conflicts` to each document. */
  conflicts?: boolean;
  /** With `include_docs`: inline attachment bodies. */
  attachments?: boolean;
  /** With `include_docs`: add `encoding` and `encoded_length` to attachments stored compressed. */
  att_encoding_info?: boolean;
  /** Add the database's `update_seq` to the answer. */
  update_seq?: boolean;
}

/** A row of `allDocs`. */
export interface AllDocsRow {
  id: string;
  key: string;
  value: { rev: string; deleted?: true };
  doc?: Document | null;
}

/** A row of `allDocs` with `keys` for an id the database never had. */
export interface AllDocsErrorRow {
  key: string;
  error: 'not_found';
}

/** The answer of `allDocs`. */
export interface AllDocsResponse {
  total_rows: number;
  /** Rows before the first one returned; `null` when `keys` was given, as CouchDB answers. */
  offset: number | null;
  rows: Array<AllDocsRow | AllDocsErrorRow>;
  update_seq?: Seq;
}

/** The answer of `localDocs` (CouchDB's `_local_docs`), where CouchDB reports no totals. */
export interface LocalDocsResponse {
  total_rows: null;
  offset: null;
  rows: Array<AllDocsRow | AllDocsErrorRow>;
}
