import { NotFoundError, type DatabaseAdapter } from '@settee/core';
import type { DesignInfo } from '@settee/engine';
import type { RequestContext } from '../http/context.js';
import { isRead, methodNotAllowed } from '../http/method.js';
import { sendJson } from '../http/respond.js';
import type { DbTarget } from './db-target.js';
import { NotImplementedDesignError } from './not-implemented.js';

/** A database that can describe its view indexes: the engine's, which has this beyond the adapter contract. */
type WithDesignInfo = DatabaseAdapter & { designInfo(ddoc: string): Promise<DesignInfo> };

function hasDesignInfo(db: DatabaseAdapter): db is WithDesignInfo {
  return typeof (db as Partial<WithDesignInfo>).designInfo === 'function';
}

/**
 * `GET /{db}/_design/{ddoc}/_info` (couch_mrview_http's info request): the view index state of a design document,
 * 404 `missing` when there is none. Readers (members) may ask. Served only over an engine; another adapter gets 501.
 */
export async function designInfoRoute(ctx: RequestContext, target: DbTarget, ddoc: string, rest: readonly string[]): Promise<void> {
  if (!isRead(ctx)) throw methodNotAllowed('GET');
  if (rest.length > 0) throw new NotFoundError('missing');
  if (!hasDesignInfo(target.db)) throw new NotImplementedDesignError('_info');
  sendJson(ctx, 200, await target.db.designInfo(ddoc));
}
