import {
  BadRequestError,
  ForbiddenError,
  type SetteeError,
  type BulkDocsOptions,
  type BulkGetOptions,
  type BulkGetRequest,
  type BulkWriteResult,
  type DocumentInput,
  type FindRequest,
  type JsonObject,
} from '@settee/core';
import {
  assertMayReadUserDoc,
  mayReadUserDoc,
  ownUserDocId,
  USERS_DESIGN_FORBIDDEN,
  usersDbWriter,
} from '../auth/users-access.js';
import { currentDoc, prepareUserDoc } from '../auth/users.js';
import { isObject, readJsonObject, readJsonTyped } from '../http/body.js';
import { refuseAllOrNothing } from './all-or-nothing.js';
import type { RequestContext } from '../http/context.js';
import { isRead, methodNotAllowed } from '../http/method.js';
import { parseQuery } from '../http/query.js';
import { sendJson } from '../http/respond.js';
import { isUsersDb, type DbTarget } from './db-target.js';
import { userContextOf } from './design-user-ctx.js';

/**
 * `POST /_users/_find` for a non-admin: CouchDB reads each candidate through `after_doc_read`, which hides every
 * document but the user's own, so the query runs restricted to that one id (nothing for anonymous clients).
 */
async function ownFind(ctx: RequestContext, target: DbTarget): Promise<void> {
  if (ctx.method !== 'POST') throw methodNotAllowed('POST');
  const request = await readJsonTyped(ctx);
  if (!isObject(request) || !isObject(request['selector'])) {
    // Malformed: the engine gives CouchDB's error for it.
    sendJson(ctx, 200, await target.db.find(request as FindRequest));
    return;
  }
  const own = ownUserDocId(ctx.user);
  const onlyOwn = own === undefined ? { _id: { $in: [] } } : { _id: own };
  const restricted = { ...request, selector: { $and: [request['selector'], onlyOwn] } };
  sendJson(ctx, 200, await target.db.find(restricted as unknown as FindRequest));
}

/** `POST /_users/_bulk_get` for a non-admin: documents they may not read come back as per-document errors. */
async function ownBulkGet(ctx: RequestContext, target: DbTarget): Promise<void> {
  if (ctx.method !== 'POST') throw methodNotAllowed('POST');
  const body = await readJsonTyped(ctx);
  const docs = isObject(body) ? body['docs'] : undefined;
  const answer = await target.db.bulkGet(docs as BulkGetRequest[], parseQuery(ctx.rawQuery) as BulkGetOptions);
  const reader = usersDbWriter(ctx.user, target.role);
  const requests = Array.isArray(docs) ? docs : [];
  const results = answer.results.map((result, i) => {
    const asked: unknown = requests[i];
    const id = result.id;
    if (id === null || mayReadUserDoc(reader, id)) return result;
    const rev = isObject(asked) && typeof asked['rev'] === 'string' ? asked['rev'] : 'undefined';
    const [error, reason] = id.startsWith('_design/') ? ['forbidden', USERS_DESIGN_FORBIDDEN] : ['not_found', 'missing'];
    return { id, docs: [{ error: { id, rev, error, reason } }] };
  });
  sendJson(ctx, 200, { results });
}

/**
 * A listing (`_design_docs`, `_local_docs`) as it reaches a non-admin of `_users`: CouchDB loads each `include_docs`
 * document through `after_doc_read` and shows `null` for the ones it refuses (design documents, other users').
 */
export function seenInUsersDb(ctx: RequestContext, target: DbTarget, answer: unknown): unknown {
  if (!isUsersDb(target) || target.role === 'admin' || !isObject(answer) || !Array.isArray(answer['rows'])) return answer;
  const reader = usersDbWriter(ctx.user, target.role);
  const rows = answer['rows'].map((row: unknown) =>
    isObject(row) && row['doc'] !== undefined && typeof row['id'] === 'string' && !mayReadUserDoc(reader, row['id']) ? { ...row, doc: null } : row,
  );
  return { ...answer, rows };
}

/** Design endpoints for a non-admin: views and lists read the design document, which only admins may. */
async function guardDesign(ctx: RequestContext, target: DbTarget, rest: readonly string[]): Promise<void> {
  const [ddoc, endpoint, ...more] = rest;
  if (ddoc === undefined || endpoint === undefined) return;
  const reader = usersDbWriter(ctx.user, target.role);
  if (endpoint === '_view' || endpoint === '_list') {
    await assertMayReadUserDoc(target.db, reader, `_design/${ddoc}`);
  } else if (endpoint === '_show' && more[1] !== undefined) {
    // The shown document is read as the user: someone else's is 404.
    await assertMayReadUserDoc(target.db, reader, more.slice(1).join('/'));
  }
}

/** The revision a request names: `?rev=`, else `If-Match`. */
function revisionOf(ctx: RequestContext): string | undefined {
  const rev = parseQuery(ctx.rawQuery)['rev'];
  if (typeof rev === 'string') return rev;
  return ctx.req.headers['if-match']?.replace(/^"|"$/g, '');
}

/** A document (or one of its attachments) of `_users` as a non-admin reads, deletes or changes it. */
async function guardDocument(ctx: RequestContext, target: DbTarget, id: string, attachment: boolean): Promise<void> {
  const writer = usersDbWriter(ctx.user, target.role);
  if (isRead(ctx)) return assertMayReadUserDoc(target.db, writer, id);
  if (ctx.method === 'COPY') return assertMayReadUserDoc(target.db, writer, id);
  if (ctx.method === 'DELETE' && !attachment) {
    const rev = revisionOf(ctx);
    await prepareUserDoc(ctx.state, { _id: id, _deleted: true, ...(rev === undefined ? {} : { _rev: rev }) }, writer, target.db);
    return;
  }
  if (attachment && (ctx.method === 'PUT' || ctx.method === 'DELETE')) {
    // An attachment changes the stored document: judged as a write of it.
    const stored = (await currentDoc(target.db, id)) ?? { _id: id };
    await prepareUserDoc(ctx.state, stored, writer, target.db);
  }
}

/**
 * What `_users` allows a client that does not administer it, on top of its `_security` (which must let them in:
 * CouchDB 3 creates `_users` admin-only). Runs before the endpoint; answers the request itself for `_find` and
 * `_bulk_get` (returns true), throws CouchDB's errors for what is refused, and otherwise returns false to let the
 * usual route run (writes are then judged by `prepareUserDoc`).
 */
export async function usersDbRoute(ctx: RequestContext, target: DbTarget, second: string, rest: readonly string[]): Promise<boolean> {
  switch (second) {
    case '_find':
      await ownFind(ctx, target);
      return true;
    case '_bulk_get':
      await ownBulkGet(ctx, target);
      return true;
    case '_design':
      if (rest.length === 1 || (rest.length > 1 && !(rest[1] ?? '').startsWith('_'))) {
        // The design document itself or one of its attachments.
        // Writes are judged where every database's design writes are (guardDesignWrite).
        if (isRead(ctx) || ctx.method === 'COPY') await assertMayReadUserDoc(target.db, usersDbWriter(ctx.user, target.role), `_design/${rest[0] ?? ''}`);
        return false;
      }
      await guardDesign(ctx, target, rest);
      return false;
    default:
      if (second.startsWith('_')) return false;
      await guardDocument(ctx, target, second, rest.length > 0);
      return false;
  }
}

/** A per-document entry of `_bulk_docs` for a write the users database refuses. */
function refusal(doc: unknown, error: SetteeError): BulkWriteResult {
  const id = isObject(doc) && typeof doc['_id'] === 'string' ? doc['_id'] : null;
  return { id, error: error.error, reason: error.reason } as unknown as BulkWriteResult;
}

/**
 * `POST /_users/_bulk_docs`: every user document is judged as a single write would be (hashing its password); a
 * refused one becomes a `forbidden` entry in the 201 answer, as a validate_doc_update rejection does in CouchDB,
 * while writing someone else's document, or a design document, as a signed-in non-admin (CouchDB's
 * `before_doc_update` 404) fails the whole request. An anonymous client's design document is refused by the engine
 * as an `unauthorized` entry while the other documents are written (couch_db's per-document check).
 */
export async function usersBulkDocs(ctx: RequestContext, target: DbTarget): Promise<void> {
  if (ctx.method !== 'POST') throw methodNotAllowed('POST');
  const body = await readJsonObject(ctx);
  const docs = body['docs'];
  if (docs === undefined) throw new BadRequestError('POST body must include `docs` parameter.');
  if (!Array.isArray(docs) || body['all_or_nothing'] === true) return passThrough(ctx, target, body);
  const writer = usersDbWriter(ctx.user, target.role);
  const refused = new Map<number, BulkWriteResult>();
  const accepted: unknown[] = [];
  for (const [i, doc] of docs.entries()) {
    if (!isObject(doc)) {
      accepted.push(doc);
      continue;
    }
    try {
      accepted.push(await prepareUserDoc(ctx.state, doc, writer, target.db));
    } catch (error) {
      if (!(error instanceof ForbiddenError)) throw error;
      refused.set(i, refusal(doc, error));
    }
  }
  const options: BulkDocsOptions = { userCtx: userContextOf(ctx, target) };
  if (body['new_edits'] !== undefined) options.new_edits = body['new_edits'] as boolean;
  const written = accepted.length === 0 ? [] : await target.db.bulkDocs(accepted as DocumentInput<JsonObject>[], options);
  if (options.new_edits === false) {
    // Replicated writes answer with their failures only.
    sendJson(ctx, 201, [...refused.values(), ...written]);
    return;
  }
  const results: BulkWriteResult[] = [];
  let next = 0;
  for (let i = 0; i < docs.length; i++) {
    const entry = refused.get(i) ?? written[next++];
    if (entry !== undefined) results.push(entry);
  }
  sendJson(ctx, 201, results);
}

/** Requests the generic `_bulk_docs` answers (errors, `all_or_nothing`): the engine sees them unchanged. */
async function passThrough(ctx: RequestContext, target: DbTarget, body: Record<string, unknown>): Promise<void> {
  if (refuseAllOrNothing(ctx, body)) return;
  const results = await target.db.bulkDocs(body['docs'] as DocumentInput<JsonObject>[], { userCtx: userContextOf(ctx, target) });
  sendJson(ctx, 201, results);
}
