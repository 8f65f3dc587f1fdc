import { PreconditionFailedError } from '@settee/core';
import { encodeAttachment, type StoredAttachment, type StoredAttachments } from './attachment-meta.js';
import type { AttachmentInput } from './prepare-doc.js';

/** A new revision's attachments, and the bytes that must be stored for them. */
export interface ResolvedAttachments {
  atts: StoredAttachments | undefined;
  /** Bytes to store, base64 by digest. */
  newData: ReadonlyMap<string, string>;
  /** The attachment list the revision hash covers, in document order. */
  forHash: ReadonlyArray<{ name: string; contentType: string; digest: string }>;
}

/** The answer for a revision without attachments (most writes): shared, so such writes allocate nothing here. */
const NO_ATTACHMENTS: ResolvedAttachments = Object.freeze({ atts: undefined, newData: new Map<string, string>(), forHash: Object.freeze([]) });

/**
 * Turns the attachments given in a write into the new revision's attachment metadata. New bytes get `revpos` =
 * the new generation (a replicated write keeps the revpos it was given, as couch_db does); a stub keeps the attachment of the same name from `previous` (the parent revision, or for
 * replicated writes the nearest stored ancestor) or fails with 412 `missing_stub`, as it does when it gives a
 * `revpos` other than the stored one.
 */
export function resolveAttachments(
  docId: string,
  inputs: readonly AttachmentInput[] | undefined,
  previous: StoredAttachments | undefined,
  /** The new revision's generation, or `replicated` to keep each attachment's given revpos (0 when absent). */
  newPos: number | 'replicated',
  hasData: (digest: string) => boolean,
): ResolvedAttachments {
  if (!inputs || inputs.length === 0) return NO_ATTACHMENTS;
  const newData = new Map<string, string>();
  const atts: StoredAttachments = {};
  const forHash: Array<{ name: string; contentType: string; digest: string }> = [];
  for (const input of inputs) {
    if (input.kind === 'data') {
      const { digest, encodedLength } = encodeAttachment(input.data, input.contentType);
      const revpos = newPos === 'replicated' ? (input.revpos ?? 0) : newPos;
      const att: StoredAttachment = { content_type: input.contentType, revpos, digest, length: input.data.byteLength };
      if (encodedLength !== undefined) att.encoded_length = encodedLength;
      atts[input.name] = att;
      newData.set(digest, Buffer.from(input.data).toString('base64'));
      forHash.push({ name: input.name, contentType: input.contentType, digest });
      continue;
    }
    const kept = previous?.[input.name];
    const stale = kept !== undefined && input.revpos !== undefined && input.revpos !== kept.revpos;
    if (!kept || stale || (input.digest !== undefined && input.digest !== kept.digest && !hasData(input.digest))) {
      throw new PreconditionFailedError(`Invalid attachment stub in ${docId} for ${input.name}`, { error: 'missing_stub', id: docId });
    }
    atts[input.name] = { ...kept };
    forHash.push({ name: input.name, contentType: kept.content_type, digest: kept.digest });
  }
  return { atts, newData, forHash };
}
