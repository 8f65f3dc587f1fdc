import { BadRequestError, ForbiddenError, SetteeError } from '@settee/core';
import { isObject, parseJson, readBody, requireJsonType } from '../http/body.js';
import { etagMatches, md5Etag } from '../http/conditional.js';
import type { RequestContext } from '../http/context.js';
import { methodNotAllowed } from '../http/method.js';
import { sendNotModified } from '../http/respond.js';
import { isUsersDb, type DbTarget } from './db-target.js';
import { designRequestOf } from './design-request.js';
import { sendDesignResponse } from './design-response.js';
import { viewOptionsFromQuery } from './design-view-query.js';

/** The revision of `id`, or null when it is missing or deleted. */
async function revisionOf(target: DbTarget, id: string): Promise<string | null> {
  try {
    return (await target.db.get(id))._rev;
  } catch (error) {
    if (error instanceof SetteeError && error.status === 404) return null;
    throw error;
  }
}

/**
 * CouchDB's show ETag (couch_mrview_show:show_etag): the design document's and the document's revisions, the
 * `Accept` header and who asks. It does not cover the query string, as in CouchDB. Reading the design document
 * first also gives CouchDB's 404 `missing` before anything else.
 */
async function showEtag(ctx: RequestContext, target: DbTarget, ddoc: string, docId: string | undefined): Promise<string> {
  const ddocRev = (await target.db.get(`_design/${ddoc}`))._rev;
  const docRev = docId === undefined ? null : await revisionOf(target, docId);
  const parts = [ddocRev, docRev, ctx.req.headers.accept ?? null, ctx.user.name, ctx.user.roles];
  return md5Etag(JSON.stringify(parts));
}

/** `/{db}/_design/{ddoc}/_show/{name}[/{docid...}]`, any method; 304 when `If-None-Match` still holds. */
export async function showRoute(ctx: RequestContext, target: DbTarget, ddoc: string, rest: readonly string[]): Promise<void> {
  const [name, ...docParts] = rest;
  if (name === undefined) throw new SetteeError(404, 'show_error', 'Invalid path.');
  // A document id may contain slashes: the segments after the name are joined back, as CouchDB does.
  const docId = docParts.length === 0 ? undefined : docParts.join('/');
  const etag = await showEtag(ctx, target, ddoc, docId);
  if (etagMatches(ctx, etag)) {
    sendNotModified(ctx.res, etag);
    return;
  }
  const request = await designRequestOf(ctx, target);
  const response = await target.db.show(ddoc, name, docId, request);
  sendDesignResponse(ctx, 'show', response, { ETag: etag, Vary: 'Accept' });
}

/**
 * `/{db}/_design/{ddoc}/_list/{name}/{view}` and `.../_list/{name}/{otherddoc}/{view}`: GET (HEAD) with the view's
 * parameters in the query string, or POST `{keys}` as JSON. Other methods get 405 like CouchDB.
 */
export async function listRoute(ctx: RequestContext, target: DbTarget, ddoc: string, rest: readonly string[]): Promise<void> {
  const [name, ...viewParts] = rest;
  if (name === undefined || viewParts.length < 1 || viewParts.length > 2) throw new SetteeError(404, 'list_error', 'Bad path.');
  const view = viewParts.join('/');
  let options = viewOptionsFromQuery(ctx.rawQuery);
  let bodyText: string | undefined;
  if (ctx.method === 'POST') {
    requireJsonType(ctx);
    bodyText = (await readBody(ctx)).toString('utf8');
    const body = parseJson(bodyText);
    if (!isObject(body)) throw new BadRequestError('Request body must be a JSON object');
    if (body['keys'] !== undefined) options = { ...options, keys: body['keys'] as NonNullable<typeof options.keys> };
  } else if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
    throw methodNotAllowed('GET,POST,HEAD');
  }
  const request = await designRequestOf(ctx, target, bodyText);
  const response = await target.db.list(ddoc, name, view, options, request);
  sendDesignResponse(ctx, 'list', response);
}

/**
 * `/{db}/_design/{ddoc}/_update/{name}[/{docid...}]`: runs the handler and saves the document it returns as the
 * requesting user (so `validate_doc_update` sees them); 201 with `X-Couch-Id` and `X-Couch-Update-NewRev` when it
 * saved one. Members may call it, as they may write documents; GET is refused by the engine with CouchDB's 405.
 */
export async function updateRoute(ctx: RequestContext, target: DbTarget, ddoc: string, rest: readonly string[]): Promise<void> {
  const [name, ...docParts] = rest;
  if (name === undefined) throw new SetteeError(404, 'update_error', 'Invalid path.');
  const docId = docParts.length === 0 ? undefined : docParts.join('/');
  // The engine saves what the handler returns as is: in the users database a `password` would be stored in clear,
  // since the hashing every other write path applies (prepareForWrite) cannot run in between.
  if (isUsersDb(target)) throw new ForbiddenError('Update handlers are not supported in the users database.');
  const request = await designRequestOf(ctx, target);
  const response = await target.db.update(ddoc, name, docId, request);
  sendDesignResponse(ctx, 'update', response);
}
