import type { Attachment, Document, JsonObject, RevInfo, Revisions } from '@settee/core';
import type { Storage } from '../storage/storage.js';
import { encodedLengthOf, type StoredAttachment, type StoredAttachments } from './attachment-meta.js';
import { SPACE, type RevBody } from './records.js';

/** The optional members of a returned document, in the order CouchDB writes them after the body. */
export interface DocExtras {
  revisions?: Revisions | undefined;
  revsInfo?: RevInfo[] | undefined;
  localSeq?: number | undefined;
  conflicts?: string[] | undefined;
  deletedConflicts?: string[] | undefined;
}

/** How to render attachments: stubs, or inline data for those changed after `sinceRevpos`. */
export interface AttachmentMode {
  inline: boolean;
  /** With `inline`: only attachments with a higher revpos get data (CouchDB's `atts_since`). */
  sinceRevpos?: number;
  /** `att_encoding_info`: compressed attachments carry `encoding` and `encoded_length`. */
  encodingInfo?: boolean;
}

/**
 * Builds the document CouchDB would answer: `_id`, `_rev`, the body, `_deleted`, then `_revisions`, `_revs_info`,
 * `_local_seq`, `_conflicts`, `_deleted_conflicts`, and `_attachments` last. The body keeps its stored member order
 * and shares nothing with storage.
 */
export function buildDoc(
  storage: Storage,
  id: string,
  rev: string,
  deleted: boolean,
  stored: RevBody,
  extras?: DocExtras,
  attachments?: AttachmentMode,
): Document {
  // Spreading the parsed body behind `_id` and `_rev` costs less than parsing a spliced copy of the text (which
  // must be flattened first); spread defines members, so even a `__proto__` member stays an ordinary one.
  const doc = { _id: id, _rev: rev, ...(JSON.parse(stored.body) as JsonObject) } as Document;
  if (deleted) doc._deleted = true;
  if (extras) {
    if (extras.revisions) doc._revisions = extras.revisions;
    if (extras.revsInfo) doc._revs_info = extras.revsInfo;
    if (extras.localSeq !== undefined) doc._local_seq = extras.localSeq;
    if (extras.conflicts && extras.conflicts.length > 0) doc._conflicts = extras.conflicts;
    if (extras.deletedConflicts && extras.deletedConflicts.length > 0) doc._deleted_conflicts = extras.deletedConflicts;
  }
  if (stored.atts) doc._attachments = renderAttachments(storage, stored.atts, attachments ?? { inline: false });
  return doc;
}

function renderAttachments(storage: Storage, atts: StoredAttachments, mode: AttachmentMode): Record<string, Attachment> {
  const out: Record<string, Attachment> = {};
  for (const [name, att] of Object.entries(atts)) {
    const wantsData = mode.inline && att.revpos > (mode.sinceRevpos ?? 0);
    const data = wantsData ? storage.get(SPACE.atts, att.digest) : undefined;
    const rendered: Attachment =
      data === undefined
        ? { content_type: att.content_type, revpos: att.revpos, digest: att.digest, length: att.length, stub: true }
        : { content_type: att.content_type, revpos: att.revpos, digest: att.digest, data };
    if (mode.encodingInfo) addEncodingInfo(storage, att, rendered);
    out[name] = rendered;
  }
  return out;
}

/** CouchDB puts `encoding` and `encoded_length` after the other members, for compressed attachments only. */
function addEncodingInfo(storage: Storage, att: StoredAttachment, rendered: Attachment): void {
  const encodedLength = encodedLengthOf(att, (digest) => storage.get(SPACE.atts, digest));
  if (encodedLength === undefined) return;
  rendered.encoding = 'gzip';
  rendered.encoded_length = encodedLength;
}
