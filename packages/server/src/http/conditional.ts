import { createHash } from 'node:crypto';
import { BadRequestError } from '@settee/core';
import type { RequestContext } from './context.js';
import { parseQuery, type QueryOptions } from './query.js';

/** A quoted ETag made of the md5 of `text` (the answer, or what it depends on). */
export function md5Etag(text: string): string {
  return `"${createHash('md5').update(text).digest('hex')}"`;
}

/**
 * The ETag of a `_local` document's answer: a hash of its revision and body (CouchDB's couch_httpd doc_etag hashes
 * the Erlang term of both, so the value is opaque and only needs to change with either), written in base 36 as
 * CouchDB writes its computed ETags.
 */
function localDocEtag(rev: string, body: Record<string, unknown>): string {
  const { _id: _id, _rev: _rev, _revisions: _revisions, _deleted: _deleted, ...members } = body;
  const digest = createHash('md5').update(JSON.stringify([rev, members])).digest('hex');
  return `"${BigInt(`0x${digest}`).toString(36).toUpperCase()}"`;
}

/** A document answer's ETag: its quoted revision, or for a `_local` document {@link localDocEtag}. */
export function docEtag(id: string, rev: string, body: Record<string, unknown>): string {
  return id.startsWith('_local/') ? localDocEtag(rev, body) : `"${rev}"`;
}

/**
 * True when `If-None-Match` names `etag` (quoted, as sent): CouchDB splits the header on commas and spaces and drops
 * weak `W/` prefixes (couch_httpd:etag_match).
 */
export function etagMatches(ctx: RequestContext, etag: string): boolean {
  const header = ctx.req.headers['if-none-match'];
  if (header === undefined) return false;
  return header
    .split(/[, ]+/)
    .map((tag) => (tag.startsWith('W/') ? tag.slice(2) : tag))
    .includes(etag);
}

/**
 * The revision a write names: `?rev=` or `If-Match`, which must agree when both are given (chttpd_db
 * extract_header_rev).
 */
export function requestRev(ctx: RequestContext, query: QueryOptions = parseQuery(ctx.rawQuery)): string | undefined {
  const fromQuery = typeof query['rev'] === 'string' ? query['rev'] : undefined;
  const ifMatch = ctx.req.headers['if-match'];
  const fromHeader = ifMatch === undefined ? undefined : ifMatch.trim().replace(/^"|"$/g, '');
  if (fromQuery !== undefined && fromHeader !== undefined && fromQuery !== fromHeader) {
    throw new BadRequestError('Document rev and etag have different values');
  }
  return fromQuery ?? fromHeader;
}
