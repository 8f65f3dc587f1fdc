import { BadRequestError, NotFoundError, type AllDocsOptions, type DatabaseAdapter, type FindRequest, type PartitionAdapter } from '@settee/core';
import { assertPartitionName } from '@settee/engine';
import { isObject, readJsonTyped } from '../http/body.js';
import type { RequestContext } from '../http/context.js';
import { isRead, methodNotAllowed } from '../http/method.js';
import { parseQuery } from '../http/query.js';
import { sendJson } from '../http/respond.js';
import type { DbTarget } from './db-target.js';
import { DESIGN_ENDPOINTS, designEndpoint } from './design.js';
import { indexRoute } from './find.js';
import { listingQueries } from './all-docs-queries.js';

/**
 * The target as a partition's endpoints see it: the database, except that view queries, and the view a `_list`
 * reads, run in the partition (chttpd hands `/_partition/{p}/_design/...` to the design handlers with `partition`
 * added to the query string).
 */
function partitionTarget(target: DbTarget, partitionName: string, partition: PartitionAdapter): DbTarget {
  const list: DatabaseAdapter['list'] = (ddoc, listName, view, options, request) =>
    target.db.list(ddoc, listName, view, { ...options, partition: partitionName }, request);
  const db = new Proxy(target.db, {
    get(real, property) {
      if (property === 'query') return partition.query.bind(partition);
      if (property === 'list') return list;
      const value: unknown = Reflect.get(real, property, real);
      // Methods run on the real adapter (it may keep private fields).
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(real) : value;
    },
  }) satisfies DatabaseAdapter;
  return { ...target, db };
}

/** `GET|HEAD|POST .../_all_docs`: parameters from the query string, and from the JSON body on POST. */
async function allDocs(ctx: RequestContext, partition: PartitionAdapter): Promise<void> {
  const options: Record<string, unknown> = parseQuery(ctx.rawQuery);
  delete options['partition'];
  if (ctx.method === 'POST') {
    const body = await readJsonTyped(ctx);
    if (isObject(body)) Object.assign(options, body);
  } else if (!isRead(ctx)) {
    throw methodNotAllowed('GET,HEAD,POST');
  }
  sendJson(ctx, 200, await partition.allDocs(options as AllDocsOptions));
}

/** `POST .../_all_docs/queries` within the partition (the partition is the path's, not a listing parameter). */
function allDocsQueries(ctx: RequestContext, partition: PartitionAdapter): Promise<void> {
  const { partition: _given, ...base } = parseQuery(ctx.rawQuery);
  return listingQueries(ctx, base, (options) => partition.allDocs(options as AllDocsOptions));
}

/** `POST .../_find` and `POST .../_explain`. */
async function mango(ctx: RequestContext, partition: PartitionAdapter, endpoint: '_find' | '_explain'): Promise<void> {
  if (ctx.method !== 'POST') throw methodNotAllowed('POST');
  const request = (await readJsonTyped(ctx)) as FindRequest;
  sendJson(ctx, 200, endpoint === '_find' ? await partition.find(request) : await partition.explain(request));
}

/**
 * Everything under `/{db}/_partition` (chttpd_db:handle_partition_req): `GET /{db}/_partition/{p}` is the
 * partition's info; under it `_all_docs`, `_find`, `_explain`, `_index` and the design document endpoints
 * (`_design/{ddoc}/_view/{view}`...) answer as the database's, within the partition. The database must be
 * partitioned (400 "database is not partitioned"), the partition valid (400 `illegal_partition`), and a `partition`
 * query parameter, when given, the same.
 */
export async function partitionRoute(ctx: RequestContext, target: DbTarget, rest: readonly string[]): Promise<void> {
  const [name, endpoint, ...more] = rest;
  if (name === undefined) throw new BadRequestError('invalid_partition_req');
  const partition = target.db.partition(name);
  if (endpoint === undefined) {
    if (isRead(ctx)) {
      sendJson(ctx, 200, await partition.info());
      return;
    }
    // chttpd refuses a POST to an `_`-named partition for its name before the method.
    if (ctx.method === 'POST' && name.startsWith('_')) assertPartitionName(name);
    throw methodNotAllowed('GET');
  }
  const info = await target.db.info();
  if (info.props?.partitioned !== true) throw new BadRequestError('database is not partitioned');
  // Checked here, not by the partition's calls: in chttpd's order, before the `partition` parameter and `_index`.
  assertPartitionName(name);
  const given = parseQuery(ctx.rawQuery)['partition'];
  if (given !== undefined && String(given) !== name) throw new BadRequestError('Conflicting value for `partition` in query string');
  if (endpoint === '_all_docs' && more.length === 0) return allDocs(ctx, partition);
  if (endpoint === '_all_docs' && more.length === 1 && more[0] === 'queries') return allDocsQueries(ctx, partition);
  if ((endpoint === '_find' || endpoint === '_explain') && more.length === 0) return mango(ctx, partition, endpoint);
  if (endpoint === '_index') return indexRoute(ctx, target, more);
  const [ddoc, action, ...after] = more;
  if (endpoint === '_design' && ddoc !== undefined && action !== undefined && action.startsWith('_')) {
    if (!DESIGN_ENDPOINTS.has(action)) throw new NotFoundError('missing');
    return designEndpoint(ctx, partitionTarget(target, name, partition), ddoc, action, after);
  }
  throw new NotFoundError('missing');
}
