import type { BulkGetResponse } from '@settee/core';
import type { RequestContext } from './context.js';
import { newBoundary, revisionPart } from './multipart.js';

/**
 * True when `_bulk_get` should answer multipart: the client takes `multipart/mixed` or `multipart/related` and not
 * JSON (`*` + `/*` counts as JSON), as chttpd_db decides with mochiweb's `accepts_content_type`.
 */
export function wantsMultipartBulkGet(ctx: RequestContext): boolean {
  const types = acceptedTypes(ctx);
  const json = types.some((type) => type === 'application/json' || type === 'application/*' || type === '*/*');
  return !json && types.some((type) => type === 'multipart/mixed' || type === 'multipart/related');
}

/** The multipart type the client asked for: `multipart/mixed` when it takes it, else `multipart/related`. */
export function bulkGetMultipartType(ctx: RequestContext): string {
  return acceptedTypes(ctx).includes('multipart/mixed') ? 'multipart/mixed' : 'multipart/related';
}

/** The media types the Accept header lists, lower-cased, without their parameters. */
function acceptedTypes(ctx: RequestContext): string[] {
  return (ctx.req.headers.accept ?? '').split(',').map((type) => type.split(';')[0]!.trim().toLowerCase());
}

/**
 * `_bulk_get` as CouchDB's multipart answer (chttpd_db send_docs_multipart_bulk_get): one part per revision. A
 * revision without attachments is an `application/json` part; one with attachments is a `multipart/related` part
 * (with `X-Doc-Id` and `X-Rev-Id`) holding its JSON and then each attachment's bytes; an error entry is an
 * `application/json; error="true"` part. The documents must have been read with their attachments inline.
 */
export function bulkGetMultipart(answer: BulkGetResponse, boundary: string): Buffer {
  const chunks: Buffer[] = [];
  // One inner boundary serves every nested part, as in CouchDB.
  const inner = newBoundary();
  for (const result of answer.results) {
    for (const entry of result.docs) {
      if ('error' in entry) {
        chunks.push(Buffer.from(`\r\n--${boundary}\r\nContent-Type: application/json; error="true"\r\n\r\n${JSON.stringify(entry.error)}`));
        continue;
      }
      const doc = entry.ok as unknown as Record<string, unknown>;
      const { type, body } = revisionPart(doc, inner);
      // A nested multipart part names its revision, so a reader can route it before parsing it.
      const ids = type === 'application/json' ? '' : `X-Doc-Id: ${String(doc['_id'])}\r\nX-Rev-Id: ${String(doc['_rev'])}\r\n`;
      chunks.push(Buffer.from(`\r\n--${boundary}\r\n${ids}Content-Type: ${type}\r\n\r\n`), body);
    }
  }
  // No entries, no parts and no closing delimiter, as CouchDB answers an empty `docs` list.
  if (chunks.length > 0) chunks.push(Buffer.from(`\r\n--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}
