import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { BadRequestError, type OpenRevsEntry } from '@settee/core';
import { storedAttachmentBytes } from '@settee/engine';
import { parseJson } from './body.js';

/** The boundary parameter of a multipart Content-Type. */
export function boundaryOf(contentType: string): string | undefined {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

/** One part of a multipart body: its headers (lower-case names) and bytes. */
export interface Part {
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

/** Splits a multipart body into its parts. */
export function parseMultipart(body: Buffer, boundary: string): Part[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Part[] = [];
  let start = body.indexOf(delimiter);
  if (start < 0) throw new BadRequestError('Invalid multipart body: boundary not found');
  for (;;) {
    let cursor = start + delimiter.byteLength;
    // `--` after a delimiter closes the body.
    if (body[cursor] === 0x2d && body[cursor + 1] === 0x2d) break;
    if (body[cursor] === 0x0d && body[cursor + 1] === 0x0a) cursor += 2;
    const next = body.indexOf(delimiter, cursor);
    if (next < 0) throw new BadRequestError('Invalid multipart body: unterminated part');
    // The CRLF before the next delimiter belongs to the delimiter.
    const end = body[next - 2] === 0x0d && body[next - 1] === 0x0a ? next - 2 : next;
    parts.push(splitPart(body.subarray(cursor, end)));
    start = next;
  }
  return parts;
}

function splitPart(raw: Buffer): Part {
  // A part without headers starts with the empty line that ends them (RFC 2046).
  if (raw[0] === 0x0d && raw[1] === 0x0a) return { headers: {}, body: raw.subarray(2) };
  const gap = raw.indexOf('\r\n\r\n');
  const headerText = gap < 0 ? '' : raw.subarray(0, gap).toString('latin1');
  const headers: Record<string, string> = {};
  for (const line of headerText.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body: gap < 0 ? raw : raw.subarray(gap + 4) };
}

/** The `filename` of a part's Content-Disposition (quoted-pair escapes undone), or undefined. */
export function filenameOf(part: Part): string | undefined {
  const disposition = part.headers['content-disposition'];
  if (disposition === undefined) return undefined;
  const match = /filename="((?:[^"\\]|\\.)*)"/i.exec(disposition);
  return match?.[1]?.replace(/\\(.)/g, '$1');
}

/**
 * A document from CouchDB's `multipart/related` upload (what the replicator sends): the first part is the JSON
 * document whose attachments say `follows: true`; the next parts carry their bytes, matched by file name or else in
 * order. The bytes become inline base64 data, which the engine stores like every other inline attachment.
 */
export function documentFromMultipart(body: Buffer, contentType: string): unknown {
  const boundary = boundaryOf(contentType);
  if (boundary === undefined) throw new BadRequestError('Invalid multipart body: no boundary');
  const [first, ...rest] = parseMultipart(body, boundary);
  if (first === undefined) throw new BadRequestError('Invalid multipart body: no document');
  const doc = parseJson(first.body.toString('utf8'));
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return doc;
  const atts = (doc as Record<string, unknown>)['_attachments'];
  if (typeof atts !== 'object' || atts === null) return doc;
  const following = Object.entries(atts as Record<string, Record<string, unknown>>).filter(([, att]) => att['follows'] === true);
  const byName = new Map<string, Part>();
  const unnamed: Part[] = [];
  for (const part of rest) {
    const name = filenameOf(part);
    if (name === undefined) unnamed.push(part);
    else byName.set(name, part);
  }
  for (const [name, att] of following) {
    const part = byName.get(name) ?? unnamed.shift();
    if (part === undefined) throw new BadRequestError(`Missing attachment data for ${name}`);
    const { follows: _follows, length: _length, encoded_length: _encoded, encoding, ...meta } = att;
    (atts as Record<string, unknown>)[name] = { ...meta, data: decodedPart(name, part, encoding).toString('base64') };
  }
  return doc;
}

/**
 * A part's bytes as the attachment's data. CouchDB's replicator sends compressed attachments as they are stored,
 * with `encoding: "gzip"` in the JSON (CouchDB goes by that, not by the part's headers): the engine wants the
 * plain bytes, and recomputes the gzip it stores from them.
 */
function decodedPart(name: string, part: Part, encoding: unknown): Buffer {
  if (encoding === undefined || encoding === 'identity') return part.body;
  if (encoding !== 'gzip') throw new BadRequestError(`Unsupported attachment encoding for ${name}: ${String(encoding)}`);
  try {
    return gunzipSync(part.body);
  } catch {
    throw new BadRequestError(`Invalid gzip data for attachment ${name}`);
  }
}

/** A fresh boundary. */
export function newBoundary(): string {
  return randomBytes(16).toString('hex');
}

/**
 * CouchDB's `multipart/related` form of a document with inline attachments: the JSON with `follows: true` stubs,
 * then one part per attachment with its bytes. As CouchDB does, compressible types travel as their stored gzip
 * (`Content-Encoding: gzip`, and `encoding`/`encoded_length` in the stub).
 */
export function documentToMultipart(doc: Record<string, unknown>, boundary: string): Buffer {
  const atts = (doc['_attachments'] ?? {}) as Record<string, Record<string, unknown>>;
  const stubs: Record<string, unknown> = {};
  const bodies: Array<{ name: string; type: string; bytes: Uint8Array; gzip: boolean }> = [];
  for (const [name, att] of Object.entries(atts)) {
    if (typeof att['data'] !== 'string') {
      stubs[name] = att;
      continue;
    }
    const plain = Buffer.from(att['data'], 'base64');
    const type = String(att['content_type'] ?? 'application/octet-stream');
    const { data: _data, encoding: _encoding, encoded_length: _encodedLength, ...meta } = att;
    const bytes = storedAttachmentBytes(plain, type);
    const gzip = bytes !== plain;
    stubs[name] = gzip
      ? { ...meta, length: plain.byteLength, follows: true, encoding: 'gzip', encoded_length: bytes.byteLength }
      : { ...meta, length: plain.byteLength, follows: true };
    bodies.push({ name, type, bytes, gzip });
  }
  const chunks: Uint8Array[] = [
    Buffer.from(`--${boundary}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify({ ...doc, _attachments: stubs })}`),
  ];
  for (const { name, type, bytes, gzip } of bodies) {
    const encoding = gzip ? 'Content-Encoding: gzip\r\n' : '';
    chunks.push(
      Buffer.from(
        `\r\n--${boundary}\r\nContent-Disposition: attachment; filename=${JSON.stringify(name)}\r\nContent-Type: ${type}\r\nContent-Length: ${bytes.byteLength}\r\n${encoding}\r\n`,
      ),
      bytes,
    );
  }
  chunks.push(Buffer.from(`\r\n--${boundary}--`));
  return Buffer.concat(chunks);
}

/**
 * One revision as a part of a multipart answer (`open_revs`, `_bulk_get`): its JSON when it has no attachments, else
 * a `multipart/related` body under `inner` whose attachments follow its JSON. The attachments must be inline.
 */
export function revisionPart(doc: Record<string, unknown>, inner: string): { type: string; body: Buffer } {
  const atts = doc['_attachments'];
  if (typeof atts !== 'object' || atts === null || Object.keys(atts).length === 0) {
    return { type: 'application/json', body: Buffer.from(JSON.stringify(doc)) };
  }
  return { type: `multipart/related; boundary="${inner}"`, body: documentToMultipart(doc, inner) };
}

/**
 * CouchDB's `multipart/mixed` answer to `open_revs` (chttpd_db send_docs_multipart): one part per entry. A found
 * revision is its document as it is, JSON when it has no attachments, else a nested `multipart/related` (under
 * `inner`) whose attachments all follow; a missing one is `{"missing": rev}` typed `application/json; error="true"`.
 * Found documents must come with their attachments inline.
 */
export function openRevsMultipart(entries: readonly OpenRevsEntry[], outer: string, inner: string): Buffer {
  const chunks: Uint8Array[] = [Buffer.from(`--${outer}`)];
  for (const entry of entries) {
    const { type, body } =
      'ok' in entry
        ? revisionPart(entry.ok as unknown as Record<string, unknown>, inner)
        : { type: 'application/json; error="true"', body: Buffer.from(JSON.stringify({ missing: entry.missing })) };
    chunks.push(Buffer.from(`\r\nContent-Type: ${type}\r\n\r\n`), body, Buffer.from(`\r\n--${outer}`));
  }
  chunks.push(Buffer.from('--'));
  return Buffer.concat(chunks);
}
