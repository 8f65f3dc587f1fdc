import * as crypto from 'node:crypto';
import { JsonTextTermWriter } from './json-text-term.js';

/**
 * CouchDB's revision hash (`couch_db:new_revid/1`): the md5 of
 * `term_to_binary([Deleted, ParentPos, ParentRevId, Body, Atts], [{minor_version, 1}])`, so the same edit gets
 * the same revision id here as on CouchDB. The document id is not part of it.
 */
export interface RevHashInput {
  deleted: boolean;
  /** The parent revision, or null for a document's first revision. */
  parent: { pos: number; hash: string } | null;
  /**
   * The document body; `_`-prefixed top-level members are ignored by the hash, except the `_replication_*`
   * members CouchDB keeps in the body of `_replicator` documents. Values are JSON values; see
   * {@link TermWriter.ejson} for how numbers are told apart (`3` vs `3.0`).
   */
  body: Readonly<Record<string, unknown>>;
  /**
   * Attachments of the new revision, in the order of the document's `_attachments`: for a JSON write the order of
   * the request's `_attachments`; for a standalone attachment PUT the new attachment first, then the others in
   * their stored order. Stubs count with their stored type and digest. `digest` is the one CouchDB reports in the
   * stub: the md5 of the bytes as stored, so for a gzip-stored (compressible) type the md5 of the gzip, not of the
   * data.
   */
  attachments: ReadonlyArray<{ name: string; contentType: string; digest: string /* "md5-<base64>" */ }>;
}

/** Top-level `_` members that CouchDB keeps in the body (couch_doc:transfer_fields), all of `_replicator` docs. */
const BODY_SPECIAL_MEMBERS = new Set([
  '_replication_state',
  '_replication_state_time',
  '_replication_state_reason',
  '_replication_id',
  '_replication_stats',
]);

const HEX_REV_ID = /^[+-]?[0-9a-fA-F]+$/;

/** Reused across calls: hashing is synchronous, and a warm buffer saves an allocation per write. */
const writer = new JsonTextTermWriter(4096);

/** One-shot crypto.hash (Node >= 20.12) skips the Hash object; older Node falls back to createHash. */
const md5Hex: (data: Uint8Array) => string =
  typeof crypto.hash === 'function'
    ? (data) => crypto.hash('md5', data, 'hex')
    : (data) => crypto.createHash('md5').update(data).digest('hex');

/** The hash part of a new revision id: 32 lowercase hex characters. */
export function computeRevHash(input: RevHashInput): string {
  writeHead(input);
  writer.ejsonObject(input.body, isLeftOutOfBody);
  return finish(input.attachments);
}

/** {@link RevHashInput} with the body as the JSON text that is stored for the revision. */
export interface RevHashJsonInput extends Omit<RevHashInput, 'body'> {
  /**
   * The body object as compact JSON (`JSON.stringify` output) without `_`-members, exactly as stored. Gives the
   * same hash as {@link computeRevHash} with the parsed object, without walking an object graph.
   */
  bodyJson: string;
}

/** {@link computeRevHash} for a body given as its stored JSON text: what the write path hashes. */
export function computeRevHashFromJson(input: RevHashJsonInput): string {
  writeHead(input);
  writer.ejsonText(input.bodyJson);
  return finish(input.attachments);
}

/** Where {@link computeRevHashOfUtf8Value} found a body, and its hash. */
export interface Utf8ValueHash {
  hash: string;
  /** The index just after the body's last byte. */
  stop: number;
  /** The body's UTF-8 byte count minus its UTF-16 length (0 for ASCII text). */
  utf16Shrink: number;
}

/**
 * {@link computeRevHashFromJson} for a body whose JSON text is already UTF-8 encoded, starting at `bytes[start]` and
 * ending anywhere before `end`: one body of a JSON array of bodies, which may be in shared memory (hashing threads
 * read it there, without a copy). Returns its hash and where it ends, so the caller can go on to the next one.
 */
export function computeRevHashOfUtf8Value(input: Omit<RevHashInput, 'body' | 'attachments'>, bytes: Uint8Array, start: number, end: number): Utf8ValueHash {
  writeHead(input);
  writer.utf16Shrink = 0;
  const stop = writer.ejsonUtf8Value(bytes, start, end);
  return { hash: finish([]), stop, utf16Shrink: writer.utf16Shrink };
}

function writeHead(input: Pick<RevHashInput, 'deleted' | 'parent'>): void {
  writer.reset().listHeader(5).boolean(input.deleted);
  if (input.parent === null) {
    // A first revision: couch_db takes ParentPos 0 and the integer 0 for the missing parent rev id.
    writer.integer(0).integer(0);
  } else {
    writer.integer(input.parent.pos);
    writeParentRevId(input.parent.hash);
  }
}

function finish(attachments: RevHashInput['attachments']): string {
  writeAttachments(attachments);
  writer.nil();
  return md5Hex(writer.view());
}

function isLeftOutOfBody(key: string): boolean {
  return key.charCodeAt(0) === 0x5f /* _ */ && !BODY_SPECIAL_MEMBERS.has(key);
}

/**
 * The parent's rev id as couch_doc:parse_revid holds it: 32 characters are read as a 128-bit hex integer (16 raw
 * bytes; a sign is allowed, as Erlang's list_to_integer allows it), any other length stays the binary of the string
 * itself (revs like `1-abc` written with new_edits=false).
 */
function writeParentRevId(hash: string): void {
  if (Buffer.byteLength(hash, 'utf8') !== 32) {
    writer.utf8Binary(hash);
    return;
  }
  if (!HEX_REV_ID.test(hash)) {
    throw new RangeError(`Invalid rev format: a 32-character rev id must be hexadecimal: ${hash}`);
  }
  const sign = hash.charCodeAt(0);
  if (sign !== 0x2b /* + */ && sign !== 0x2d /* - */) {
    writer.binary(Buffer.from(hash, 'hex'));
    return;
  }
  // <<RevInt:128>> of a negative value keeps its low 128 bits (two's complement).
  const magnitude = BigInt(`0x${hash.slice(1)}`);
  const value = BigInt.asUintN(128, sign === 0x2d ? -magnitude : magnitude);
  writer.binary(Buffer.from(value.toString(16).padStart(32, '0'), 'hex'));
}

/**
 * `[{Name, Type, Md5}]`, in reverse: new_revid collects them with a fold that prepends. Md5 is the attachment's
 * digest as raw bytes.
 */
function writeAttachments(attachments: RevHashInput['attachments']): void {
  if (attachments.length === 0) {
    writer.nil();
    return;
  }
  writer.listHeader(attachments.length);
  for (const attachment of [...attachments].reverse()) {
    if (!attachment.digest.startsWith('md5-')) {
      throw new RangeError(`Attachment ${attachment.name} has no md5 digest: ${attachment.digest}`);
    }
    writer.tupleHeader(3).utf8Binary(attachment.name).utf8Binary(attachment.contentType);
    writer.base64Binary(attachment.digest.slice(4));
  }
  writer.nil();
}
