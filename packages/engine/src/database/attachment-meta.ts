import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

/** What the engine keeps about one attachment of one revision (the bytes live in the `atts` space by digest). */
export interface StoredAttachment {
  content_type: string;
  revpos: number;
  digest: string;
  length: number;
}

/** A revision's attachments by name, in CouchDB's order (most recently added first for standalone puts). */
export type StoredAttachments = Record<string, StoredAttachment>;

/** CouchDB's default `[attachments] compressible_types`: stored gzip-compressed at level 8. */
const COMPRESSIBLE_TYPE = /^\s*(?:text\/.*|application\/javascript|application\/json|application\/xml)(?:\s*;.*)?\s*$/i;

/**
 * CouchDB's attachment digest: `md5-` and the base64 md5 of the bytes it stores, which for compressible types
 * are the gzip (level 8) of the data. Matching it matters because the digest enters the revision hash.
 */
export function attachmentDigest(data: Uint8Array, contentType: string): string {
  const stored = COMPRESSIBLE_TYPE.test(contentType) ? gzipSync(data, { level: 8 }) : data;
  return `md5-${createHash('md5').update(stored).digest('base64')}`;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Decodes strict base64, or returns undefined when `text` is not valid base64. */
export function decodeBase64(text: string): Uint8Array | undefined {
  const compact = text.replace(/[\r\n]/g, '');
  if (!BASE64.test(compact)) return undefined;
  return Buffer.from(compact, 'base64');
}
