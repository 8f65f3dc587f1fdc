import {
  BadRequestError,
  ForbiddenError,
  NotFoundError,
  PreconditionFailedError,
  type AllDocsOptions,
  type BulkDocsOptions,
  type BulkGetOptions,
  type BulkGetRequest,
  type CreateDbOptions,
  type DocumentInput,
  type JsonObject,
  type SecurityObject,
} from '@settee/core';
import { assertPartitionedOption } from '@settee/engine';
import { createAdminOnlyDb, dbRole, requireDbAdmin, requireDbAdminOf, requireServerAdmin } from '../auth/security.js';
import { isObject, readJson, readJsonObject, readJsonTyped } from '../http/body.js';
import { bulkGetMultipart, bulkGetMultipartType, wantsMultipartBulkGet } from '../http/bulk-get-multipart.js';
import type { RequestContext } from '../http/context.js';
import { isRead, methodNotAllowed } from '../http/method.js';
import { parseQuery } from '../http/query.js';
import { newBoundary } from '../http/multipart.js';
import { sendBytes, sendJson } from '../http/respond.js';
import { engineDbName, PERMANENT_SYSTEM_DBS, USERS_DB } from '../server-state.js';
import { refuseAllOrNothing } from './all-or-nothing.js';
import { listingQueries } from './all-docs-queries.js';
import { attachmentRoute } from './attachments.js';
import { changesRoute } from './changes.js';
import { isUsersDb, locationOf, type DbTarget } from './db-target.js';
import { DESIGN_ENDPOINTS, designEndpoint } from './design.js';
import { userContextOf } from './design-user-ctx.js';
import { documentRoute, postDoc } from './documents.js';
import { explainRoute, findRoute, indexRoute } from './find.js';
import { partitionRoute } from './partition.js';
import { seenInUsersDb, usersBulkDocs, usersDbRoute } from './users-db.js';
import { tempViewRoute } from './temp-view.js';
import { systemDbListingPreflight } from '../auth/users-access.js';

const DB_MISSING = 'Database does not exist.';

/** `PUT /db`, `DELETE /db`, `GET|HEAD /db`, `POST /db`. */
async function databaseItself(ctx: RequestContext, name: string, engineName: string): Promise<void> {
  const query = parseQuery(ctx.rawQuery);
  if (ctx.method === 'PUT') {
    requireServerAdmin(ctx.user);
    // CouchDB checks `partitioned` before the name, so `_users?partitioned=true` is refused for being a system database.
    assertPartitionedOption(name, query['partitioned']);
    if (PERMANENT_SYSTEM_DBS.has(name)) {
      throw new PreconditionFailedError('The database could not be created, the file already exists.', { error: 'file_exists' });
    }
    const options: CreateDbOptions = {};
    if (query['q'] !== undefined) options.q = query['q'] as number;
    if (query['n'] !== undefined) options.n = query['n'] as number;
    // Only `true` and `false` are accepted; anything else is CouchDB's 400 (the engine says which).
    if (query['partitioned'] !== undefined) options.partitioned = query['partitioned'] as boolean;
    await createAdminOnlyDb(ctx.engine, engineName, options);
    // A request that read the deleted database's `_security` while it went may have cached it again.
    ctx.state.security.delete(engineName);
    sendJson(ctx, 201, { ok: true }, { Location: locationOf(ctx, name) });
    return;
  }
  if (ctx.method === 'DELETE') {
    requireServerAdmin(ctx.user);
    if (query['rev'] !== undefined) {
      throw new BadRequestError(
        'You tried to DELETE a database with a ?=rev parameter. Did you mean to DELETE a document instead?',
      );
    }
    if (PERMANENT_SYSTEM_DBS.has(name)) throw new BadRequestError('System databases cannot be deleted here.');
    ctx.state.security.delete(engineName);
    await ctx.engine.deleteDb(engineName);
    ctx.state.security.delete(engineName);
    sendJson(ctx, 200, { ok: true });
    return;
  }
  const target = await targetOf(ctx, name, engineName);
  if (isRead(ctx)) {
    const info = await target.db.info();
    sendJson(ctx, 200, { ...info, db_name: name });
    return;
  }
  if (ctx.method === 'POST') return postDoc(ctx, target);
  throw methodNotAllowed('DELETE,GET,HEAD,POST,PUT');
}

async function targetOf(ctx: RequestContext, name: string, engineName: string): Promise<DbTarget> {
  const role = await dbRole(ctx.state, engineName, ctx.user);
  return { name, engineName, db: ctx.engine.db(engineName), role };
}

/** Everything under `/{db}`: the database, its special endpoints, documents and attachments. */
export async function databaseRoute(ctx: RequestContext): Promise<void> {
  const [name = '', second, ...rest] = ctx.segments;
  const engineName = engineDbName(name);
  if (engineName === undefined) throw new NotFoundError(DB_MISSING);
  if (second === undefined) return databaseItself(ctx, name, engineName);
  if (PERMANENT_SYSTEM_DBS.has(name)) systemDbListingPreflight(ctx.user, second);
  // Compaction is for database admins, checked before membership (chttpd_auth_request require_db_admin).
  if (second === '_compact' || second === '_view_cleanup') await requireDbAdminOf(ctx.state, engineName, ctx.user);
  const target = await targetOf(ctx, name, engineName);
  // `_users` hides other users' documents from whoever does not administer it.
  if (isUsersDb(target) && target.role !== 'admin' && (await usersDbRoute(ctx, target, second, rest))) return;
  switch (second) {
    case '_all_docs':
    case '_design_docs':
    case '_local_docs':
      if (rest.length === 1 && rest[0] === 'queries') return multiQuery(ctx, target, second);
      if (rest.length > 0) throw new NotFoundError('missing');
      return listing(ctx, target, second, await listOptions(ctx));
    case '_bulk_docs':
      return isUsersDb(target) ? usersBulkDocs(ctx, target) : bulkDocs(ctx, target);
    case '_bulk_get':
      return bulkGet(ctx, target);
    case '_changes':
      return changesRoute(ctx, target);
    case '_revs_diff':
      return revsDiff(ctx, target, false);
    case '_missing_revs':
      return revsDiff(ctx, target, true);
    case '_find':
      return findRoute(ctx, target);
    case '_explain':
      return explainRoute(ctx, target);
    case '_index':
      return indexRoute(ctx, target, rest);
    case '_security':
      return security(ctx, target);
    case '_revs_limit':
      return revsLimit(ctx, target);
    case '_purged_infos_limit':
      // Other methods fall through to the document of that name, as in chttpd_db.
      if (rest.length === 0 && (isRead(ctx) || ctx.method === 'PUT')) return purgedInfosLimit(ctx, target);
      return rest.length === 0 ? documentRoute(ctx, target, second) : attachmentRoute(ctx, target, second, rest.join('/'));
    case '_compact':
    case '_view_cleanup':
      return compact(ctx, target, second, rest[0]);
    case '_ensure_full_commit':
      return ensureFullCommit(ctx);
    case '_purge':
      return purge(ctx, target);
    case '_partition':
      return partitionRoute(ctx, target, rest);
    case '_temp_view':
      return tempViewRoute(target);
    case '_local': {
      const [localId, ...attachment] = rest;
      // CouchDB's answers (chttpd_db:db_req), whatever the method.
      if (localId === undefined || localId === '') throw new BadRequestError('Invalid _local document id.');
      if (attachment.length > 0) throw new BadRequestError('_local documents do not accept attachments.');
      return documentRoute(ctx, target, `_local/${localId}`);
    }
    case '_local/':
      // `/db/_local%2F` is the path part `_local/` (chttpd_db:db_req), whatever the method.
      if (rest.length === 0) throw new BadRequestError('Invalid _local document id.');
      return attachmentRoute(ctx, target, second, rest.join('/'));
    case '_design': {
      const [ddoc, endpoint, ...more] = rest;
      // `/db/_design` is the document `_design`: missing to a read, an illegal id to a write.
      if (ddoc === undefined) return documentRoute(ctx, target, '_design');
      const id = `_design/${ddoc}`;
      if (endpoint === undefined) return documentRoute(ctx, target, id);
      if (DESIGN_ENDPOINTS.has(endpoint)) return designEndpoint(ctx, target, ddoc, endpoint, more);
      return attachmentRoute(ctx, target, id, [endpoint, ...more].join('/'));
    }
    default:
      if (second.startsWith('_design/') && isRead(ctx)) {
        // `/db/_design%2Fx`: CouchDB redirects to the canonical path.
        ctx.res.writeHead(301, { Location: `${locationOf(ctx, name)}/_design/${encodeURIComponent(second.slice(8))}` });
        ctx.res.end();
        return;
      }
      if (rest.length === 0) return documentRoute(ctx, target, second);
      return attachmentRoute(ctx, target, second, rest.join('/'));
  }
}

/** Query options, merged with a POST body's members (`keys` and others); the query string wins, as in CouchDB. */
async function listOptions(ctx: RequestContext): Promise<Record<string, unknown>> {
  const options: Record<string, unknown> = parseQuery(ctx.rawQuery);
  if (ctx.method === 'POST') {
    const body = await readJsonObject(ctx);
    return { ...body, ...options };
  } else if (!isRead(ctx)) {
    throw methodNotAllowed('GET,HEAD,POST');
  }
  if (options['keys'] !== undefined && !Array.isArray(options['keys'])) throw new BadRequestError('`keys` parameter must be an array.');
  return options;
}

const DESIGN_RANGE = { startkey: '_design/', endkey: '_design0', inclusive_end: false } as const;

/** One `_all_docs`, `_design_docs` or `_local_docs` answer. */
async function listRows(target: DbTarget, endpoint: string, options: Record<string, unknown>): Promise<unknown> {
  if (endpoint === '_local_docs') return target.db.localDocs(options as AllDocsOptions);
  if (endpoint === '_all_docs') {
    const { partition, ...rest } = options;
    if (partition === undefined) return target.db.allDocs(options as AllDocsOptions);
    // `?partition=` lists one partition, as `/_partition/{p}/_all_docs` does (couch_mrview_util validate_all_docs_args).
    if ((await target.db.info()).props?.partitioned !== true) {
      throw new BadRequestError('`partition` parameter is not supported on this db', { error: 'query_parse_error' });
    }
    return target.db.partition(String(partition)).allDocs(rest as AllDocsOptions);
  }
  // `_design_docs` counts design documents only: its total_rows and offset are within them.
  const totalRows = (await target.db.allDocs(DESIGN_RANGE)).rows.length;
  if (options['keys'] !== undefined) return { ...(await target.db.allDocs(options as AllDocsOptions)), total_rows: totalRows, offset: null };
  const descending = options['descending'] === true;
  const range = descending ? { startkey: '_design0', endkey: '_design/', inclusive_end: false } : DESIGN_RANGE;
  const clamp = (key: unknown, bound: string, low: boolean): string => {
    if (typeof key !== 'string') return bound;
    return (low ? key > bound : key < bound) ? key : bound;
  };
  const startkey = clamp(options['startkey'], range.startkey, !descending);
  const endkey = clamp(options['endkey'], range.endkey, descending);
  const answer = await target.db.allDocs({
    ...(options as AllDocsOptions),
    startkey,
    endkey,
    ...(options['endkey'] === undefined ? { inclusive_end: false } : {}),
  });
  const before = await target.db.allDocs({ ...(descending ? { startkey: '_design0', endkey: startkey, inclusive_end: false, descending: true } : { startkey: '_design/', endkey: startkey, inclusive_end: false }) });
  return { ...answer, total_rows: totalRows, offset: before.rows.length + ((options['skip'] as number | undefined) ?? 0) };
}

async function listing(ctx: RequestContext, target: DbTarget, endpoint: string, options: Record<string, unknown>): Promise<void> {
  sendJson(ctx, 200, seenInUsersDb(ctx, target, await listRows(target, endpoint, options)));
}

/** `POST /db/_all_docs/queries`: several listings in one request. */
function multiQuery(ctx: RequestContext, target: DbTarget, endpoint: string): Promise<void> {
  return listingQueries(ctx, parseQuery(ctx.rawQuery), async (options) => seenInUsersDb(ctx, target, await listRows(target, endpoint, options)));
}

/** `POST /db/_bulk_docs`: 201 with one result per document. */
async function bulkDocs(ctx: RequestContext, target: DbTarget): Promise<void> {
  if (ctx.method !== 'POST') throw methodNotAllowed('POST');
  const body = await readJsonObject(ctx);
  const docs = body['docs'];
  if (docs === undefined) throw new BadRequestError('POST body must include `docs` parameter.');
  if (refuseAllOrNothing(ctx, body)) return;
  // A design document from someone who is not a db admin is that document's error entry (couch_db
  // validate_doc_update), not the whole request's: the engine refuses it by the user context.
  const options: BulkDocsOptions = { userCtx: userContextOf(ctx, target) };
  if (body['new_edits'] !== undefined) options.new_edits = body['new_edits'] as boolean;
  const results = await target.db.bulkDocs(docs as DocumentInput<JsonObject>[], options);
  sendJson(ctx, 201, results);
}

/** `POST /db/_bulk_get`. */
async function bulkGet(ctx: RequestContext, target: DbTarget): Promise<void> {
  if (ctx.method !== 'POST') throw methodNotAllowed('POST');
  const query = parseQuery(ctx.rawQuery);
  // Per-document parameters belong in the body's entries (chttpd_db bulk_get_parse_doc_query).
  for (const name of ['rev', 'open_revs', 'atts_since', 'w', 'new_edits']) {
    if (query[name] !== undefined) throw new BadRequestError(`"${name}" query parameter is not acceptable`);
  }
  const body = await readJsonObject(ctx);
  const docs = body['docs'] as BulkGetRequest[];
  if (!wantsMultipartBulkGet(ctx)) {
    sendJson(ctx, 200, await target.db.bulkGet(docs, query as BulkGetOptions));
    return;
  }
  // A multipart answer always carries the attachments, as parts of their revision (chttpd_db).
  const answer = await target.db.bulkGet(docs, { ...(query as BulkGetOptions), attachments: true, att_encoding_info: true });
  const boundary = newBoundary();
  sendBytes(ctx, 200, bulkGetMultipart(answer, boundary), { 'Content-Type': `${bulkGetMultipartType(ctx)}; boundary="${boundary}"` });
}

/** `POST /db/_revs_diff`, and the older `_missing_revs` built on it. */
async function revsDiff(ctx: RequestContext, target: DbTarget, legacy: boolean): Promise<void> {
  if (ctx.method !== 'POST') throw methodNotAllowed('POST');
  const body = await readJsonTyped(ctx);
  const diff = await target.db.revsDiff(body as Record<string, string[]>);
  if (!legacy) {
    sendJson(ctx, 200, diff);
    return;
  }
  const missing: Record<string, string[]> = {};
  for (const [id, entry] of Object.entries(diff)) missing[id] = entry.missing;
  sendJson(ctx, 200, { missing_revs: missing });
}

/** `GET|PUT /db/_security`; writing needs a db admin. */
async function security(ctx: RequestContext, target: DbTarget): Promise<void> {
  if (isRead(ctx)) {
    sendJson(ctx, 200, await target.db.getSecurity());
    return;
  }
  if (ctx.method !== 'PUT') throw methodNotAllowed('GET,HEAD,PUT');
  requireDbAdmin(target.role, ctx.user);
  if (target.engineName === USERS_DB && !ctx.state.usersDbSecurityEditable) {
    throw new ForbiddenError("You can't edit the security object of the user database.");
  }
  const body = await readJson(ctx);
  if (!isObject(body)) throw new BadRequestError('Security object must be a JSON object');
  ctx.state.security.delete(target.engineName);
  sendJson(ctx, 200, await target.db.putSecurity(body as SecurityObject));
}

/** `GET|PUT /db/_revs_limit`. */
async function revsLimit(ctx: RequestContext, target: DbTarget): Promise<void> {
  if (isRead(ctx)) {
    sendJson(ctx, 200, await target.db.getRevsLimit());
    return;
  }
  if (ctx.method !== 'PUT') throw methodNotAllowed('GET,HEAD,PUT');
  requireDbAdmin(target.role, ctx.user);
  const body = await readJson(ctx);
  sendJson(ctx, 200, await target.db.putRevsLimit(body as number));
}

/** `GET|PUT /db/_purged_infos_limit`: a PUT must be a positive integer (the engine checks it with CouchDB's reason). */
async function purgedInfosLimit(ctx: RequestContext, target: DbTarget): Promise<void> {
  if (isRead(ctx)) {
    sendJson(ctx, 200, await target.db.getPurgedInfosLimit());
    return;
  }
  requireDbAdmin(target.role, ctx.user);
  const body = await readJson(ctx);
  sendJson(ctx, 200, await target.db.putPurgedInfosLimit(body as number));
}

/**
 * `POST /db/_compact` (202), `/db/_compact/{ddoc}` (a view index: its design document must exist, else 404, as
 * chttpd_db opens it first) and `_view_cleanup`; all demand a JSON Content-Type like CouchDB.
 */
async function compact(ctx: RequestContext, target: DbTarget, which: string, ddoc: string | undefined): Promise<void> {
  if (ctx.method !== 'POST') throw methodNotAllowed('POST');
  requireDbAdmin(target.role, ctx.user);
  await readJsonTyped(ctx).catch((error: unknown) => {
    // The body is ignored: only the Content-Type is checked, and an empty body is fine.
    if (error instanceof BadRequestError) return undefined;
    throw error;
  });
  if (which === '_compact' && ddoc !== undefined) await target.db.get(`_design/${ddoc}`);
  // The engine's view indexes are brought up to date as they are read: there is nothing to compact in them.
  else if (which === '_compact') await target.db.compact();
  sendJson(ctx, 202, { ok: true });
}

async function ensureFullCommit(ctx: RequestContext): Promise<void> {
  if (ctx.method !== 'POST') throw methodNotAllowed('POST');
  sendJson(ctx, 201, { ok: true, instance_start_time: '0' });
}

/** `POST /db/_purge`: db admins only. */
async function purge(ctx: RequestContext, target: DbTarget): Promise<void> {
  if (ctx.method !== 'POST') throw methodNotAllowed('POST');
  requireDbAdmin(target.role, ctx.user);
  const body = await readJsonTyped(ctx);
  sendJson(ctx, 201, await target.db.purge(body as Record<string, string[]>));
}
