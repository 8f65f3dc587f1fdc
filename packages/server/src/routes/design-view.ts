import { BadRequestError, NotFoundError, type ViewQueryOptions, type ViewResponse } from '@settee/core';
import { isObject, readJsonObject, readJsonTyped } from '../http/body.js';
import type { RequestContext } from '../http/context.js';
import { isRead, methodNotAllowed } from '../http/method.js';
import { sendText } from '../http/respond.js';
import type { DbTarget } from './db-target.js';
import { viewOptionsFromObject, viewOptionsFromQuery } from './design-view-query.js';

/**
 * A view answer as CouchDB writes it: the meta members, then one row per line (`\r\n` between rows), so clients
 * that read the text see the same bytes as from CouchDB.
 */
export function viewText(response: ViewResponse): string {
  const head: string[] = [];
  if (response.total_rows !== undefined) head.push(`"total_rows":${JSON.stringify(response.total_rows)}`);
  if (response.offset !== undefined) head.push(`"offset":${JSON.stringify(response.offset)}`);
  if (response.update_seq !== undefined) head.push(`"update_seq":${JSON.stringify(response.update_seq)}`);
  head.push('"rows":[');
  return `{${head.join(',')}\r\n${response.rows.map((row) => JSON.stringify(row)).join(',\r\n')}\r\n]}`;
}

/** `POST .../_view/{view}/queries` and a POST body with `queries`: one answer per query, in order. */
async function multiQuery(ctx: RequestContext, target: DbTarget, ddoc: string, view: string, queries: unknown): Promise<void> {
  if (!Array.isArray(queries)) throw new BadRequestError('`queries` member must be an array.');
  const base = viewOptionsFromQuery(ctx.rawQuery);
  const options = queries.map((query) => viewOptionsFromObject(isObject(query) ? query : {}, base));
  const texts: string[] = [];
  for (const query of options) texts.push(viewText(await target.db.query(ddoc, view, query)));
  sendText(ctx, 200, `{"results":[\r\n${texts.join(',\r\n')}\r\n]}\n`);
}

async function answer(ctx: RequestContext, target: DbTarget, ddoc: string, view: string, options: ViewQueryOptions): Promise<void> {
  sendText(ctx, 200, `${viewText(await target.db.query(ddoc, view, options))}\n`);
}

/**
 * `GET|HEAD|POST /{db}/_design/{ddoc}/_view/{view}` (chttpd_view): GET takes every parameter in the query string
 * (`keys` as JSON too); POST takes `{keys}` or `{queries}` in a JSON body and the other parameters from the query
 * string; `POST .../_view/{view}/queries` runs several queries. Readers (members) may query.
 */
export async function viewRoute(ctx: RequestContext, target: DbTarget, ddoc: string, rest: readonly string[]): Promise<void> {
  const [view, more, ...extra] = rest;
  if (view === undefined || extra.length > 0 || (more !== undefined && more !== 'queries')) throw new NotFoundError('missing');
  if (more === 'queries') {
    if (ctx.method !== 'POST') throw methodNotAllowed('POST');
    const body = await readJsonTyped(ctx);
    const queries = isObject(body) ? body['queries'] : undefined;
    if (queries === undefined) throw new BadRequestError('POST body must include `queries` parameter.');
    return multiQuery(ctx, target, ddoc, view, queries);
  }
  if (isRead(ctx)) return answer(ctx, target, ddoc, view, viewOptionsFromQuery(ctx.rawQuery));
  if (ctx.method !== 'POST') throw methodNotAllowed('GET,POST,HEAD');
  const body = await readJsonObject(ctx);
  const { keys, queries } = body;
  if (queries !== undefined && keys !== undefined) throw new BadRequestError('`keys` and `queries` are mutually exclusive');
  if (queries !== undefined) return multiQuery(ctx, target, ddoc, view, queries);
  if (keys === undefined) throw new BadRequestError('POST body must contain `keys` or `queries` field');
  return answer(ctx, target, ddoc, view, viewOptionsFromQuery(ctx.rawQuery, { keys } as ViewQueryOptions));
}
