import { createHash, randomBytes } from 'node:crypto';
import { BadRequestError, ConflictError, NotFoundError, RangeNotSatisfiableError } from '@settee/core';
import { isCompressible, storedAttachmentBytes } from '@settee/engine';
import { readBody } from '../http/body.js';
import { acceptsEncoding } from '../http/accept-encoding.js';
import { etagMatches, requestRev } from '../http/conditional.js';
import type { RequestContext } from '../http/context.js';
import { isRead, methodNotAllowed } from '../http/method.js';
import { parseQuery } from '../http/query.js';
import { sendBytes, sendJson, sendNotModified } from '../http/respond.js';
import { locationOf, type DbTarget } from './db-target.js';
import { guardDesignWrite } from './design-write-guard.js';
import { userContextOf } from './design-user-ctx.js';

/** The most ranges one request gets as a multipart answer; more are answered with the whole entity (as CouchDB). */
const MAX_RANGES = 10;

/**
 * The byte ranges a `Range` header asks for within `length`, CouchDB's way (chttpd_db parse_ranges): none for a
 * missing or malformed header or one starting with `0-` (the whole entity), ends past the last byte clipped, and a
 * range that starts past it or ends before it starts is 416.
 */
function rangesOf(header: string | undefined, length: number): Array<{ start: number; end: number }> | undefined {
  if (header === undefined) return undefined;
  const spec = /^bytes=(.+)$/.exec(header.trim())?.[1];
  if (spec === undefined) return undefined;
  const parts = spec.split(',').map((part) => /^(\d*)-(\d*)$/.exec(part.trim()));
  if (parts.some((part) => part === null || (part[1] === '' && part[2] === ''))) return undefined;
  const ranges: Array<{ start: number; end: number }> = [];
  for (const [index, part] of parts.entries()) {
    const [, from = '', to = ''] = part!;
    if (index === 0 && from === '0' && to === '') return undefined;
    const start = from === '' ? Math.max(0, length - Number(to)) : Number(from);
    const end = from === '' || to === '' ? length - 1 : Math.min(Number(to), length - 1);
    if (start >= length || start > end) {
      throw new RangeNotSatisfiableError('Requested range not satisfiable', { error: 'requested_range_not_satisfiable' });
    }
    ranges.push({ start, end });
  }
  return ranges;
}

/** Several ranges as one `multipart/byteranges` body, laid out as CouchDB sends it. */
function byteRanges(data: Uint8Array, ranges: ReadonlyArray<{ start: number; end: number }>, contentType: string): { body: Buffer; type: string } {
  const boundary = randomBytes(16).toString('hex');
  const parts: Buffer[] = [Buffer.from(`--${boundary}`)];
  for (const { start, end } of ranges) {
    parts.push(Buffer.from(`\r\nContent-Type: ${contentType}\r\nContent-Range: bytes ${start}-${end}/${data.byteLength}\r\n\r\n`));
    parts.push(Buffer.from(data.buffer, data.byteOffset + start, end - start + 1));
    parts.push(Buffer.from(`\r\n--${boundary}`));
  }
  parts.push(Buffer.from('--'));
  return { body: Buffer.concat(parts), type: `multipart/byteranges; boundary="${boundary}"` };
}

async function getAttachment(ctx: RequestContext, target: DbTarget, docId: string, name: string): Promise<void> {
  const query = parseQuery(ctx.rawQuery);
  const att = await target.db.getAttachment(docId, name, typeof query['rev'] === 'string' ? { rev: query['rev'] } : {});
  const md5 = att.digest.startsWith('md5-') ? att.digest.slice(4) : att.digest;
  const etag = `"${md5}"`;
  if (etagMatches(ctx, etag)) {
    sendNotModified(ctx.res, etag);
    return;
  }
  if (isCompressible(att.content_type)) {
    // CouchDB stores compressible types gzipped (the bytes the digest is the md5 of), serves no ranges of them,
    // and sends the gzip to a client that accepts it; to others it sends the plain bytes, without a Content-MD5
    // (the digest is not theirs).
    const gzip = acceptsEncoding(ctx.req.headers['accept-encoding'], 'gzip');
    const headers = { 'Content-Type': att.content_type, ETag: etag, 'Accept-Ranges': 'none' };
    if (gzip) sendBytes(ctx, 200, storedAttachmentBytes(att.data, att.content_type), { ...headers, 'Content-Encoding': 'gzip', 'Content-MD5': md5 });
    else sendBytes(ctx, 200, att.data, headers);
    return;
  }
  const headers = { 'Content-Type': att.content_type, ETag: etag, 'Accept-Ranges': 'bytes', 'Content-MD5': md5 };
  const ranges = rangesOf(ctx.req.headers.range, att.data.byteLength);
  if (ranges?.length === 1) {
    const [{ start, end }] = ranges as [{ start: number; end: number }];
    sendBytes(ctx, 206, att.data.subarray(start, end + 1), { ...headers, 'Content-Range': `bytes ${start}-${end}/${att.data.byteLength}` });
    return;
  }
  if (ranges !== undefined && ranges.length < MAX_RANGES) {
    const { body, type } = byteRanges(att.data, ranges, att.content_type);
    sendBytes(ctx, 206, body, { 'Content-Type': type, ETag: etag, 'Accept-Ranges': 'bytes' });
    return;
  }
  sendBytes(ctx, 200, att.data, headers);
}

/** A `Content-MD5` that is not the md5 of the bytes received: 400, and nothing is written (couch_att's md5 check). */
function checkContentMd5(header: string | string[] | undefined, bytes: Uint8Array): void {
  if (typeof header !== 'string') return;
  const expected = Buffer.from(header.trim(), 'base64');
  if (!expected.equals(createHash('md5').update(bytes).digest())) {
    throw new BadRequestError('Possible message corruption.', { error: 'content_md5_mismatch' });
  }
}

/**
 * A DELETE without a revision, as CouchDB answers it: 404 for a missing document or attachment, else the 409 any
 * write without the current revision gets.
 */
async function deleteWithoutRev(target: DbTarget, docId: string, name: string): Promise<never> {
  const doc = await target.db.get(docId);
  if (doc._attachments?.[name] === undefined) throw new NotFoundError('Document is missing attachment', { id: docId });
  throw new ConflictError('Document update conflict.', { id: docId });
}

/** `/db/{doc}/{attachment}`: GET/HEAD the bytes, PUT new bytes (raw body), DELETE. */
export async function attachmentRoute(ctx: RequestContext, target: DbTarget, docId: string, name: string): Promise<void> {
  if (isRead(ctx)) return getAttachment(ctx, target, docId, name);
  guardDesignWrite(ctx, target, docId);
  if (ctx.method === 'PUT') {
    const bytes = await readBody(ctx);
    checkContentMd5(ctx.req.headers['content-md5'], bytes);
    const type = ctx.req.headers['content-type'] ?? 'application/octet-stream';
    const data = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const result = await target.db.putAttachment(docId, name, data, type, requestRev(ctx), { userCtx: userContextOf(ctx, target) });
    sendJson(ctx, 201, result, { ETag: `"${result.rev}"`, Location: locationOf(ctx, target.name, docId, name) });
    return;
  }
  if (ctx.method === 'DELETE') {
    const rev = requestRev(ctx) ?? (await deleteWithoutRev(target, docId, name));
    const result = await target.db.removeAttachment(docId, name, rev, { userCtx: userContextOf(ctx, target) });
    sendJson(ctx, 200, result);
    return;
  }
  throw methodNotAllowed('DELETE,GET,HEAD,PUT');
}
