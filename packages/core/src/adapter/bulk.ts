import type { JsonObject } from '../json.js';
import type { UserContext } from '../views/view-types.js';
import type { Document, DocumentInput } from './documents.js';

/** Options of `bulkDocs`. */
export interface BulkDocsOptions {
  /**
   * `false` stores each document's `_rev` (and `_revisions` history) as is, merging it into the revision tree
   * without conflict checks; the answer then lists only failures. Default `true`.
   */
  new_edits?: boolean;
  /** Who writes, for `validate_doc_update` (engine; default the admin). */
  userCtx?: UserContext;
}

/** A successful per-document result of `bulkDocs`. */
export interface BulkWriteSuccess {
  ok: true;
  id: string;
  rev: string;
}

/** A failed per-document result of `bulkDocs` (`conflict`, `forbidden`, `unauthorized`, ...). */
export interface BulkWriteFailure {
  id: string;
  rev?: string;
  error: string;
  reason: string;
}

/** One entry of a `bulkDocs` answer, in the order of the request. */
export type BulkWriteResult = BulkWriteSuccess | BulkWriteFailure;

/** The documents `bulkDocs` takes. */
export type BulkDocsInput<T extends object = JsonObject> = readonly DocumentInput<T>[];

/** One request entry of `bulkGet`. */
export interface BulkGetRequest {
  id: string;
  rev?: string;
  atts_since?: string[];
}

/** Options of `bulkGet`. */
export interface BulkGetOptions {
  revs?: boolean;
  latest?: boolean;
  attachments?: boolean;
  /** Add `encoding` and `encoded_length` to attachments stored compressed. */
  att_encoding_info?: boolean;
}

/** An error entry inside a `bulkGet` result. `rev` is the string `"undefined"` when no rev was asked for. */
export interface BulkGetError {
  error: { id: string | null; rev: string | null; error: string; reason: string };
}

/** The answer of `bulkGet`: one result per request entry, each with every leaf asked for. */
export interface BulkGetResponse {
  results: Array<{ id: string | null; docs: Array<{ ok: Document } | BulkGetError> }>;
}

/** The request of `revsDiff`: document id to the revisions the caller has. */
export type RevsDiffRequest = Record<string, string[]>;

/** The answer of `revsDiff`: for each document with missing revisions, which are missing and which leaves are ancestors of them. */
export type RevsDiffResponse = Record<string, { missing: string[]; possible_ancestors?: string[] }>;
