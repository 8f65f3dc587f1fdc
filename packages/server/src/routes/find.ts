import { NotFoundError, type FindRequest, type IndexDefinition } from '@settee/core';
import { requireDbAdmin } from '../auth/security.js';
import { readJsonObject, readJsonTyped } from '../http/body.js';
import type { RequestContext } from '../http/context.js';
import { isRead, methodNotAllowed } from '../http/method.js';
import { sendJson } from '../http/respond.js';
import type { DbTarget } from './db-target.js';
import { bulkDeleteIndexes } from './index-bulk-delete.js';
import { pageOfIndexes } from './index-list-page.js';

/** `POST /db/_find`. */
export async function findRoute(ctx: RequestContext, target: DbTarget): Promise<void> {
  if (ctx.method !== 'POST') throw methodNotAllowed('POST');
  const request = await readJsonTyped(ctx);
  sendJson(ctx, 200, await target.db.find(request as FindRequest));
}

/** `POST /db/_explain`. */
export async function explainRoute(ctx: RequestContext, target: DbTarget): Promise<void> {
  if (ctx.method !== 'POST') throw methodNotAllowed('POST');
  const request = await readJsonTyped(ctx);
  sendJson(ctx, 200, await target.db.explain(request as FindRequest));
}

/** `GET|POST /db/_index`, `POST /db/_index/_bulk_delete` and `DELETE /db/_index/{ddoc}/json/{name}`. */
export async function indexRoute(ctx: RequestContext, target: DbTarget, rest: readonly string[]): Promise<void> {
  if (rest.length === 0) {
    if (isRead(ctx)) {
      sendJson(ctx, 200, pageOfIndexes(await target.db.getIndexes(), ctx.rawQuery));
      return;
    }
    // CouchDB names the methods as mango_httpd does, without HEAD.
    if (ctx.method !== 'POST') throw methodNotAllowed('GET,POST');
    requireDbAdmin(target.role, ctx.user);
    const definition = await readJsonTyped(ctx);
    sendJson(ctx, 200, await target.db.createIndex(definition as IndexDefinition));
    return;
  }
  if (rest.length === 1 && rest[0] === '_bulk_delete') {
    if (ctx.method !== 'POST') throw methodNotAllowed('POST');
    requireDbAdmin(target.role, ctx.user);
    sendJson(ctx, 200, await bulkDeleteIndexes(target.db, await readJsonObject(ctx)));
    return;
  }
  if (ctx.method !== 'DELETE') throw methodNotAllowed('DELETE');
  requireDbAdmin(target.role, ctx.user);
  // `_index/{ddoc}/json/{name}`, where the ddoc may be given with its `_design/` prefix.
  const parts = rest[0] === '_design' ? rest.slice(1) : rest;
  const [ddoc, type, name] = parts;
  // Only json indexes can be deleted; CouchDB answers 404 for the special `_all_docs` one and unknown types.
  if (ddoc === undefined || name === undefined || parts.length !== 3 || type !== 'json') throw new NotFoundError('missing');
  sendJson(ctx, 200, await target.db.deleteIndex(ddoc, name));
}
