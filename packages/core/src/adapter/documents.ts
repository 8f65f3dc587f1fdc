import type { JsonObject } from '../json.js';
import type { UserContext } from '../views/view-types.js';

/** An attachment as stored: metadata only (`stub: true`), as CouchDB returns it unless `attachments=true`. */
export interface AttachmentStub {
  content_type: string;
  /** `md5-<base64 of the md5>` of the stored bytes. */
  digest: string;
  length: number;
  /** The revision generation in which this attachment last changed. */
  revpos: number;
  stub: true;
  /** With `att_encoding_info`: `"gzip"` for an attachment stored compressed (CouchDB's compressible types). */
  encoding?: 'gzip';
  /** With `att_encoding_info`: the byte length of the stored (compressed) form. */
  encoded_length?: number;
}

/** An attachment with its bytes inline as base64 (given on write, or returned with `attachments=true`). */
export interface AttachmentInline {
  content_type: string;
  /** The bytes, base64-encoded. */
  data: string;
  digest?: string;
  length?: number;
  revpos?: number;
  /** With `att_encoding_info`: `"gzip"` when the attachment is stored compressed (`data` is still the plain bytes). */
  encoding?: 'gzip';
  /** With `att_encoding_info`: the byte length of the stored (compressed) form. */
  encoded_length?: number;
}

/** An attachment in a document's `_attachments`. */
export type Attachment = AttachmentStub | AttachmentInline;

/** A document's revision history, newest first: `{ start: 3, ids: ['c..', 'b..', 'a..'] }` means 3-c, 2-b, 1-a. */
export interface Revisions {
  start: number;
  ids: string[];
}

/** One entry of `_revs_info`. */
export interface RevInfo {
  rev: string;
  status: 'available' | 'missing' | 'deleted';
}

/** The special members CouchDB may add to a document it returns. */
export interface DocumentMeta {
  _id: string;
  _rev: string;
  _deleted?: true;
  _attachments?: Record<string, Attachment>;
  _conflicts?: string[];
  _deleted_conflicts?: string[];
  _revisions?: Revisions;
  _revs_info?: RevInfo[];
  _local_seq?: number;
}

/** A stored document: the user's fields plus CouchDB's special members. */
export type Document<T extends object = JsonObject> = T & DocumentMeta;

/**
 * A document to write. `_id` is optional for `post` and `bulkDocs` (one is generated), `_rev` names the leaf being
 * replaced, `_deleted: true` writes a tombstone, `_revisions` carries a foreign history with `new_edits: false`.
 */
export type DocumentInput<T extends object = JsonObject> = T & {
  _id?: string;
  _rev?: string;
  _deleted?: boolean;
  _attachments?: Record<string, Attachment>;
  _revisions?: Revisions;
};

/** The answer to a successful single-document write. */
export interface WriteResult {
  ok: true;
  id: string;
  rev: string;
}

/** Options of `get`. Each mirrors the CouchDB query parameter of the same name. */
export interface GetOptions {
  /** Read this revision instead of the winner (a non-leaf revision is readable until compaction). */
  rev?: string;
  /** Include `_revisions`, the revision path of the returned revision. */
  revs?: boolean;
  /** Include `_revs_info` with the status of every revision on the path. */
  revs_info?: boolean;
  /** Include `_conflicts`: the revisions of the other live leaves. */
  conflicts?: boolean;
  /** Include `_deleted_conflicts`: the revisions of the other deleted leaves. */
  deleted_conflicts?: boolean;
  /** Answer a deleted document's tombstone (`_deleted: true`) instead of 404 `deleted`. */
  deleted?: boolean;
  /** With `rev`: answer the latest leaf that descends from it. */
  latest?: boolean;
  /** Include `_local_seq`. */
  local_seq?: boolean;
  /** `revs_info`, `conflicts` and `deleted_conflicts` together. */
  meta?: boolean;
  /** Inline attachment bodies as base64 instead of stubs. */
  attachments?: boolean;
  /** Inline only the attachments changed after these revisions (others stay stubs); implies `attachments`. */
  atts_since?: string[];
  /** Add `encoding` and `encoded_length` to attachments stored compressed. */
  att_encoding_info?: boolean;
}

/** Options of `getOpenRevs`. */
export interface OpenRevsOptions {
  revs?: boolean;
  latest?: boolean;
  attachments?: boolean;
  atts_since?: string[];
  /** Add `encoding` and `encoded_length` to attachments stored compressed. */
  att_encoding_info?: boolean;
}

/** One entry of an `open_revs` answer: the revision's document, or the revision CouchDB does not have. */
export type OpenRevsEntry = { ok: Document } | { missing: string };

/** Options of single-document writes. */
export interface PutOptions {
  /** The leaf being replaced, as CouchDB's `?rev=`; must agree with the body's `_rev` if both are given. */
  rev?: string;
  /** `new_edits: false`: store the given revision as is (replication). */
  new_edits?: boolean;
  /** Who writes, for `validate_doc_update` (engine; default the admin). */
  userCtx?: UserContext;
}
