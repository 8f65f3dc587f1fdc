import { createHash } from 'node:crypto';
import pako from 'pako';

/** What the engine keeps about one attachment of one revision (the bytes live in the `atts` space by digest). */
export interface StoredAttachment {
  content_type: string;
  revpos: number;
  digest: string;
  length: number;
  /**
   * Byte length of the gzip CouchDB stores for a compressible type (reported as `encoded_length` with
   * `att_encoding_info`). Absent for types stored as they are, and for attachments written before it was kept:
   * {@link encodedLengthOf} then computes it from the bytes.
   */
  encoded_length?: number;
}

/** A revision's attachments by name, in CouchDB's order (most recently added first for standalone puts). */
export type StoredAttachments = Record<string, StoredAttachment>;

/** CouchDB's default `[attachments] compressible_types`: stored gzip-compressed at level 8. */
const COMPRESSIBLE_TYPE = /^\s*(?:text\/.*|application\/javascript|application\/json|application\/xml)(?:\s*;.*)?\s*$/i;

/** True for CouchDB's compressible types, which it stores gzip-compressed (`encoding: "gzip"`). */
export function isCompressible(contentType: string): boolean {
  return COMPRESSIBLE_TYPE.test(contentType);
}

/** How CouchDB stores one attachment's bytes: the digest it computes, and the gzip's length when it compresses them. */
export interface EncodedAttachment {
  digest: string;
  /** Byte length of the stored gzip; undefined for types stored as they are. */
  encodedLength: number | undefined;
}

/**
 * CouchDB's attachment digest: `md5-` and the base64 md5 of the bytes it stores, which for compressible types
 * are the gzip (level 8) of the data. Matching it matters because the digest enters the revision hash; the gzip's
 * length is kept too, since `att_encoding_info` reports it.
 */
export function encodeAttachment(data: Uint8Array, contentType: string): EncodedAttachment {
  const stored = storedAttachmentBytes(data, contentType);
  const digest = `md5-${createHash('md5').update(stored).digest('base64')}`;
  return { digest, encodedLength: stored === data ? undefined : stored.byteLength };
}

/**
 * The bytes CouchDB stores for an attachment: the gzip (level 8, CouchDB's default) of a compressible type, the data
 * itself otherwise. Its md5 is the digest; servers send it as `Content-Encoding: gzip`. The gzip comes from pako, a
 * port of standard zlib that writes zlib's very bytes, as Erlang's zlib does for CouchDB: Node's bundled zlib is
 * Chromium's fork, whose faster matching compresses some texts to other bytes (another digest, so another revision).
 */
export function storedAttachmentBytes(data: Uint8Array, contentType: string): Uint8Array {
  return isCompressible(contentType) ? pako.gzip(data, { level: 8 }) : data;
}

/** The digest alone (see {@link encodeAttachment}). */
export function attachmentDigest(data: Uint8Array, contentType: string): string {
  return encodeAttachment(data, contentType).digest;
}

/**
 * The `encoded_length` of a compressible attachment, or undefined when CouchDB would store it as it is. Metadata
 * written before the length was kept gets it from the bytes (`loadBase64` reads them), so old files still answer.
 */
export function encodedLengthOf(att: StoredAttachment, loadBase64: (digest: string) => string | undefined): number | undefined {
  if (!isCompressible(att.content_type)) return undefined;
  if (att.encoded_length !== undefined) return att.encoded_length;
  const base64 = loadBase64(att.digest);
  return base64 === undefined ? undefined : storedAttachmentBytes(Buffer.from(base64, 'base64'), att.content_type).byteLength;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Decodes strict base64, or returns undefined when `text` is not valid base64. */
export function decodeBase64(text: string): Uint8Array | undefined {
  const compact = text.replace(/[\r\n]/g, '');
  if (!BASE64.test(compact)) return undefined;
  return Buffer.from(compact, 'base64');
}
