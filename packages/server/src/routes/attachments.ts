import { ConflictError, RangeNotSatisfiableError } from '@settee/core';
import { isCompressible, storedAttachmentBytes } from '@settee/engine';
import { requireDbAdmin } from '../auth/security.js';
import { readBody } from '../http/body.js';
import { acceptsEncoding } from '../http/accept-encoding.js';
import type { RequestContext } from '../http/context.js';
import { isRead, methodNotAllowed } from '../http/method.js';
import { parseQuery } from '../http/query.js';
import { sendBytes, sendJson, sendNotModified } from '../http/respond.js';
import { locationOf, type DbTarget } from './db-target.js';
import { userContextOf } from './design-user-ctx.js';

/** A single `bytes=a-b` range within `length`, or undefined for none; unsatisfiable ones are 416. */
function rangeOf(header: string | undefined, length: number): { start: number; end: number } | undefined {
  if (header === undefined) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined;
  const [, from = '', to = ''] = match;
  let start: number;
  let end: number;
  if (from === '') {
    start = Math.max(0, length - Number(to));
    end = length - 1;
  } else {
    start = Number(from);
    end = to === '' ? length - 1 : Math.min(Number(to), length - 1);
  }
  if (start >= length || start > end) {
    throw new RangeNotSatisfiableError('Requested range not satisfiable', { error: 'requested_range_not_satisfiable' });
  }
  return { start, end };
}

async function getAttachment(ctx: RequestContext, target: DbTarget, docId: string, name: string): Promise<void> {
  const query = parseQuery(ctx.rawQuery);
  const att = await target.db.getAttachment(docId, name, typeof query['rev'] === 'string' ? { rev: query['rev'] } : {});
  const md5 = att.digest.startsWith('md5-') ? att.digest.slice(4) : att.digest;
  const etag = `"${md5}"`;
  if (ctx.req.headers['if-none-match'] === etag) {
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
  const range = rangeOf(ctx.req.headers.range, att.data.byteLength);
  if (range !== undefined) {
    sendBytes(ctx, 206, att.data.subarray(range.start, range.end + 1), {
      ...headers,
      'Content-Range': `bytes ${range.start}-${range.end}/${att.data.byteLength}`,
    });
    return;
  }
  sendBytes(ctx, 200, att.data, headers);
}

function revOf(ctx: RequestContext): string | undefined {
  const rev = parseQuery(ctx.rawQuery)['rev'];
  if (typeof rev === 'string') return rev;
  const ifMatch = ctx.req.headers['if-match'];
  return ifMatch === undefined ? undefined : ifMatch.replace(/^"|"$/g, '');
}

/** `/db/{doc}/{attachment}`: GET/HEAD the bytes, PUT new bytes (raw body), DELETE. */
export async function attachmentRoute(ctx: RequestContext, target: DbTarget, docId: string, name: string): Promise<void> {
  if (isRead(ctx)) return getAttachment(ctx, target, docId, name);
  if (docId.startsWith('_design/')) requireDbAdmin(target.role);
  if (ctx.method === 'PUT') {
    const bytes = await readBody(ctx);
    const type = ctx.req.headers['content-type'] ?? 'application/octet-stream';
    const data = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const result = await target.db.putAttachment(docId, name, data, type, revOf(ctx), { userCtx: userContextOf(ctx, target) });
    sendJson(ctx, 201, result, { ETag: `"${result.rev}"`, Location: locationOf(ctx, target.name, docId, name) });
    return;
  }
  if (ctx.method === 'DELETE') {
    const rev = revOf(ctx);
    if (rev === undefined) throw new ConflictError('Document update conflict.');
    const result = await target.db.removeAttachment(docId, name, rev, { userCtx: userContextOf(ctx, target) });
    sendJson(ctx, 200, result);
    return;
  }
  throw methodNotAllowed('DELETE,GET,HEAD,PUT');
}
