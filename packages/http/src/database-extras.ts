// Database endpoints beyond the adapter contract, as plain functions over the client; HttpDatabase exposes them.
import type { Document, FindRequest, JsonObject, ViewQueryOptions, ViewResponse, WriteResult } from '@settee/core';
import type { ConditionalGet, CopyOptions } from './extras-types.js';
import { viewRequest } from './views-options.js';
import type { HttpClient } from './http-client.js';
import { callSpec, type CallOptions } from './options.js';
import { encodeDocId, joinPath, type Query } from './url.js';

/** The revision in an ETag (`"1-abc"`), or undefined when there is none. */
export function revFromEtag(etag: string | null): string | undefined {
  if (etag === null) return undefined;
  const value = etag.replace(/^W\//, '').replace(/^"|"$/g, '');
  return value === '' ? undefined : value;
}

/** `HEAD /{db}/{id}`: the current revision (from the ETag), or undefined when the document is missing or deleted. */
export async function headDoc(client: HttpClient, docPath: string, call?: CallOptions): Promise<string | undefined> {
  const answer = await client.head({ method: 'HEAD', path: docPath, accept: [404], ...callSpec(call) });
  return answer.status === 404 ? undefined : revFromEtag(answer.headers.get('etag'));
}

/** `GET` with `If-None-Match`: CouchDB answers 304 while the ETag (the winning revision) is unchanged. */
export async function getIfNoneMatch<T extends object>(
  client: HttpClient,
  docPath: string,
  etag: string,
  query: Query,
  call?: CallOptions,
): Promise<ConditionalGet<T>> {
  const quoted = etag.startsWith('"') || etag.startsWith('W/') ? etag : `"${etag}"`;
  const answer = await client.answer<Document<T>>({
    method: 'GET',
    path: docPath,
    query,
    headers: { 'if-none-match': quoted },
    accept: [304],
    ...callSpec(call),
  });
  if (answer.status === 304) return { modified: false, etag: answer.headers.get('etag') ?? quoted };
  return { modified: true, etag: answer.headers.get('etag') ?? undefined, doc: answer.body };
}

/**
 * Header values are byte strings: CouchDB reads `Destination` raw (no percent-decoding), so a non-ASCII id goes as
 * its UTF-8 bytes, one Latin-1 character each.
 */
function utf8AsLatin1(text: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(text)) out += String.fromCharCode(byte);
  return out;
}

/** `COPY /{db}/{id}` with `Destination: {target}[?rev=...]`. */
export function copyDoc(
  client: HttpClient,
  dbPath: string,
  sourceId: string,
  destinationId: string,
  options: CopyOptions = {},
  call?: CallOptions,
): Promise<WriteResult> {
  const destination = utf8AsLatin1(destinationId) + (options.destinationRev ? `?rev=${options.destinationRev}` : '');
  return client.json({
    method: 'COPY',
    path: joinPath(dbPath, encodeDocId(sourceId)),
    query: { rev: options.rev },
    headers: { destination },
    ...callSpec(call),
  });
}

/** `_design/x` or `x` as the design document's path segment pair. */
export function designPath(ddoc: string): string {
  return encodeDocId(ddoc.startsWith('_design/') ? ddoc : `_design/${ddoc}`);
}

/** A view query: GET with JSON-encoded parameters, or POST `{keys}` when `keys` is given. */
export function queryView<K, V>(
  client: HttpClient,
  basePath: string,
  ddoc: string,
  view: string,
  options: ViewQueryOptions<K> = {},
  call?: CallOptions,
): Promise<ViewResponse<K, V>> {
  const { keys, query } = viewRequest(options);
  return client.json({
    method: keys === undefined ? 'GET' : 'POST',
    path: joinPath(basePath, designPath(ddoc), '_view', encodeURIComponent(view)),
    query,
    ...(keys === undefined ? {} : { json: { keys } }),
    idempotent: true,
    ...callSpec(call),
  });
}

/** A Mango request (`_find` or `_explain`) under a database or a partition: POST, safe to retry. */
export function postMango<T>(client: HttpClient, basePath: string, endpoint: '_find' | '_explain', request: FindRequest, call?: CallOptions): Promise<T> {
  return client.json({ method: 'POST', path: joinPath(basePath, endpoint), json: request, idempotent: true, ...callSpec(call) });
}

