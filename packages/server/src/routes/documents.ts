import {
  BadRequestError,
  ConflictError,
  type DocumentInput,
  type GetOptions,
  type JsonObject,
  type OpenRevsOptions,
  type PutOptions,
  type WriteResult,
} from '@settee/core';
import { prepareUserDoc } from '../auth/users.js';
import { usersDbWriter } from '../auth/users-access.js';
import { isObject, mediaType, readBody, readJson, readJsonTyped } from '../http/body.js';
import { docEtag, etagMatches, requestRev } from '../http/conditional.js';
import type { RequestContext } from '../http/context.js';
import { isRead, methodNotAllowed } from '../http/method.js';
import { documentFromMultipart, documentToMultipart, newBoundary, openRevsMultipart } from '../http/multipart.js';
import { parseQuery, type QueryOptions } from '../http/query.js';
import { sendBytes, sendJson, sendNotModified } from '../http/respond.js';
import { guardDesignWrite } from './design-write-guard.js';
import { formUpload } from './form-upload.js';
import { isUsersDb, locationOf, type DbTarget } from './db-target.js';
import { userContextOf } from './design-user-ctx.js';

const NOT_AN_OBJECT = 'Document must be a JSON object';

/**
 * Applies the users database's rules (who may write, hashing passwords, validation against the revision `rev` or
 * `_rev` names). Cached credentials need no forgetting: their key holds the user document's revision.
 */
export async function prepareForWrite(
  ctx: RequestContext,
  target: DbTarget,
  doc: Record<string, unknown>,
  rev?: string,
): Promise<Record<string, unknown>> {
  if (!isUsersDb(target)) return doc;
  return prepareUserDoc(ctx.state, doc, usersDbWriter(ctx.user, target.role), target.db, rev);
}

/** True when the client takes multipart answers (it did not ask for JSON only). */
function acceptsMultipart(ctx: RequestContext): boolean {
  const accept = ctx.req.headers.accept ?? '*/*';
  return !accept.includes('application/json');
}

function hasInlineAttachments(doc: Record<string, unknown>): boolean {
  const atts = doc['_attachments'];
  return isObject(atts) && Object.values(atts).some((att) => isObject(att) && typeof att['data'] === 'string');
}

/** `GET|HEAD /db/doc`: the document (or `open_revs` leaves), with its ETag; 304 when `If-None-Match` still holds. */
async function getDoc(ctx: RequestContext, target: DbTarget, id: string): Promise<void> {
  const query = parseQuery(ctx.rawQuery);
  const openRevs = query['open_revs'];
  if (openRevs !== undefined) {
    const revs = openRevs as 'all' | string[];
    if (acceptsMultipart(ctx)) {
      // Every attachment follows, with its encoding info: CouchDB ignores `atts_since` next to `open_revs`.
      const { atts_since: _since, ...options } = query as OpenRevsOptions;
      const entries = await target.db.getOpenRevs(id, revs, { ...options, attachments: true, att_encoding_info: true });
      const boundary = newBoundary();
      sendBytes(ctx, 200, openRevsMultipart(entries, boundary, newBoundary()), { 'Content-Type': `multipart/mixed; boundary="${boundary}"` });
      return;
    }
    sendJson(ctx, 200, await target.db.getOpenRevs(id, revs, query as OpenRevsOptions));
    return;
  }
  // A multipart answer's JSON part always carries encoding info, stubs included (chttpd_db:send_doc_efficiently).
  // `atts_since` asks for attachments by itself, as `attachments=true` does.
  const multipart = (query['attachments'] === true || query['atts_since'] !== undefined) && acceptsMultipart(ctx);
  const options = (multipart ? { ...query, att_encoding_info: true } : query) as GetOptions;
  const doc = (await target.db.get(id, options)) as unknown as Record<string, unknown>;
  const etag = docEtag(id, String(doc['_rev']), doc);
  if (etagMatches(ctx, etag)) {
    sendNotModified(ctx.res, etag);
    return;
  }
  const headers: Record<string, string> = { ETag: etag };
  if (multipart && hasInlineAttachments(doc)) {
    const boundary = newBoundary();
    sendBytes(ctx, 200, documentToMultipart(doc, boundary), {
      ...headers,
      'Content-Type': `multipart/related; boundary="${boundary}"`,
    });
    return;
  }
  sendJson(ctx, 200, doc, headers);
}

/** A PUT body: JSON, or `multipart/related` as CouchDB's replicator sends documents with attachments. */
async function readDocBody(ctx: RequestContext): Promise<unknown> {
  if (mediaType(ctx) === 'multipart/related') {
    return documentFromMultipart(await readBody(ctx), ctx.req.headers['content-type'] ?? '');
  }
  return readJson(ctx);
}

/** `PUT /db/doc`: create or update; 201 (200 for a tombstone), 202 with `batch=ok`. */
async function putDoc(ctx: RequestContext, target: DbTarget, id: string): Promise<void> {
  guardDesignWrite(ctx, target, id);
  const query = parseQuery(ctx.rawQuery);
  const body = await readDocBody(ctx);
  if (!isObject(body)) throw new BadRequestError(NOT_AN_OBJECT);
  const rev = bodyAwareRev(ctx, query, body['_rev']);
  const doc = await prepareForWrite(ctx, target, { ...body, _id: id }, rev);
  const options: PutOptions = { userCtx: userContextOf(ctx, target) };
  if (rev !== undefined) options.rev = rev;
  if (query['new_edits'] !== undefined) options.new_edits = query['new_edits'] as boolean;
  const write = target.db.put(doc as DocumentInput<JsonObject> & { _id: string }, options);
  if (query['batch'] === 'ok') {
    sendJson(ctx, 202, { ok: true, id: await batchedId(write, id) });
    return;
  }
  const result = await write;
  const status = doc['_deleted'] === true ? 200 : 201;
  sendJson(ctx, status, result, { Location: locationOf(ctx, target.name, result.id), ETag: docEtag(id, result.rev, doc) });
}

/**
 * The revision a PUT names, checked in CouchDB's order (chttpd_db couch_doc_from_req, extract_header_rev): the
 * body's `_rev` against `?rev=` first, then the revision so named against `If-Match`.
 */
function bodyAwareRev(ctx: RequestContext, query: QueryOptions, bodyRev: unknown): string | undefined {
  const queryRev = typeof query['rev'] === 'string' ? query['rev'] : undefined;
  if (typeof bodyRev !== 'string') return requestRev(ctx, query);
  if (queryRev !== undefined && queryRev !== bodyRev) {
    throw new BadRequestError('Document rev from request body and query string have different values');
  }
  const rev = requestRev(ctx, query);
  if (rev !== undefined && rev !== bodyRev) throw new BadRequestError('Document rev and etag have different values');
  return rev;
}

/** `POST /db`: create a document (id generated unless given). */
export async function postDoc(ctx: RequestContext, target: DbTarget): Promise<void> {
  const body = await readJsonTyped(ctx);
  if (!isObject(body)) throw new BadRequestError(NOT_AN_OBJECT);
  if (typeof body['_id'] === 'string') guardDesignWrite(ctx, target, body['_id']);
  const doc = await prepareForWrite(ctx, target, body);
  const query = parseQuery(ctx.rawQuery);
  const write = target.db.post(doc as DocumentInput<JsonObject>, { userCtx: userContextOf(ctx, target) });
  if (query['batch'] === 'ok') {
    sendJson(ctx, 202, { ok: true, id: await batchedId(write, typeof body['_id'] === 'string' ? body['_id'] : undefined) });
    return;
  }
  const result = await write;
  sendJson(ctx, 201, result, { Location: locationOf(ctx, target.name, result.id) });
}

/**
 * The id a `batch=ok` write answers with. CouchDB answers a batched write before it happens, so a conflict is only
 * logged there, never answered; any other failure still is.
 */
async function batchedId(write: Promise<WriteResult>, id: string | undefined): Promise<string> {
  try {
    return (await write).id;
  } catch (error) {
    if (error instanceof ConflictError && id !== undefined) return id;
    throw error;
  }
}

/** `DELETE /db/doc?rev=`: a tombstone; without a rev, 404 for a missing document and 409 otherwise (as CouchDB). */
async function deleteDoc(ctx: RequestContext, target: DbTarget, id: string): Promise<void> {
  guardDesignWrite(ctx, target, id);
  const rev = requestRev(ctx);
  if (rev === undefined) {
    if (id.startsWith('_local/')) {
      const result = await target.db.put({ _id: id, _deleted: true });
      sendJson(ctx, 200, result, { ETag: docEtag(id, result.rev, {}) });
      return;
    }
    await target.db.get(id);
    throw new ConflictError('Document update conflict.');
  }
  // chttpd_db opens the document before it reads the rev: a missing `_local` doc is 404 whatever rev comes.
  if (id.startsWith('_local/')) await target.db.get(id);
  const result = await target.db.remove(id, rev, { userCtx: userContextOf(ctx, target) });
  sendJson(ctx, 200, result, { ETag: docEtag(id, result.rev, {}) });
}

/** The target of `COPY`: `Destination: id` or `id?rev=...`. */
function destinationOf(ctx: RequestContext): { id: string; rev: string | undefined } {
  const header = ctx.req.headers['destination'];
  if (typeof header !== 'string' || header === '') throw new BadRequestError('Destination header is mandatory for COPY.');
  if (/^https?:\/\//i.test(header)) throw new BadRequestError('Destination URL must be relative.');
  const q = header.indexOf('?');
  const id = decodeURIComponent(q < 0 ? header : header.slice(0, q));
  const rev = q < 0 ? undefined : (new URLSearchParams(header.slice(q + 1)).get('rev') ?? undefined);
  return { id, rev };
}

/** `COPY /db/doc` with `Destination`: the source's body and attachments under another id. */
async function copyDoc(ctx: RequestContext, target: DbTarget, id: string): Promise<void> {
  const destination = destinationOf(ctx);
  guardDesignWrite(ctx, target, destination.id);
  const query = parseQuery(ctx.rawQuery);
  const source = (await target.db.get(id, {
    attachments: true,
    ...(typeof query['rev'] === 'string' ? { rev: query['rev'] } : {}),
  })) as unknown as Record<string, unknown>;
  const { _rev: _sourceRev, _revisions: _r, _id: _sourceId, ...body } = source;
  const copy = await prepareForWrite(ctx, target, {
    ...body,
    _id: destination.id,
    ...(destination.rev === undefined ? {} : { _rev: destination.rev }),
  });
  const result = await target.db.put(copy as DocumentInput<JsonObject> & { _id: string }, { userCtx: userContextOf(ctx, target) });
  sendJson(ctx, 201, result, { ETag: `"${result.rev}"`, Location: locationOf(ctx, target.name, result.id) });
}

/** `/db/{id}` for every method a document takes. */
export async function documentRoute(ctx: RequestContext, target: DbTarget, id: string): Promise<void> {
  if (isRead(ctx)) return getDoc(ctx, target, id);
  switch (ctx.method) {
    case 'PUT':
      return putDoc(ctx, target, id);
    case 'DELETE':
      return deleteDoc(ctx, target, id);
    case 'COPY':
      return copyDoc(ctx, target, id);
    case 'POST':
      // Only an HTML form posts to a document.
      return formUpload(ctx, target, id, (doc) => prepareForWrite(ctx, target, doc));
    default:
      throw methodNotAllowed('GET,HEAD,POST,PUT,DELETE,COPY');
  }
}
