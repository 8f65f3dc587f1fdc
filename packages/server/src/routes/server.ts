import { BadRequestError, NotFoundError, type AllDbsOptions } from '@settee/core';
import { requireServerAdmin } from '../auth/security.js';
import { isObject, readJsonTyped } from '../http/body.js';
import type { RequestContext } from '../http/context.js';
import { isRead, methodNotAllowed } from '../http/method.js';
import { parseQuery } from '../http/query.js';
import { etagMatches, md5Etag } from '../http/conditional.js';
import { sendJson, sendNotModified } from '../http/respond.js';
import { engineDbName, NODE_NAME, visibleDbName } from '../server-state.js';
import { SERVER_VERSION } from '../version.js';
import { nodeResource } from './node-stats.js';

/** Features the welcome object lists: CouchDB's own that the server honours, plus Settee's. */
const FEATURES = ['partitioned', 'settee-server'];

/** `GET /`: the welcome object with `version` and `features`. */
export async function welcome(ctx: RequestContext): Promise<void> {
  if (!isRead(ctx)) throw methodNotAllowed('GET,HEAD');
  const info = await ctx.engine.info();
  const features = [...FEATURES, ...(info.features ?? [])];
  sendJson(ctx, 200, {
    couchdb: 'Welcome',
    version: info.version,
    ...(info.uuid === undefined ? {} : { uuid: info.uuid }),
    features,
    vendor: { name: 'Settee', version: SERVER_VERSION },
  });
}

/** `GET /_up`: health check, public. */
export async function up(ctx: RequestContext): Promise<void> {
  if (!isRead(ctx)) throw methodNotAllowed('GET,HEAD');
  sendJson(ctx, 200, { status: 'ok', seeds: {} });
}

/** `GET /_uuids?count=N`. */
export async function uuids(ctx: RequestContext): Promise<void> {
  if (!isRead(ctx)) throw methodNotAllowed('GET');
  const { count } = parseQuery(ctx.rawQuery);
  const list = await ctx.engine.uuids(count === undefined ? 1 : (count as number));
  const body = { uuids: list };
  // CouchDB tags the answer with an ETag of the uuids themselves (chttpd_misc), a new one every time.
  sendJson(ctx, 200, body, { 'Cache-Control': 'no-cache', Pragma: 'no-cache', ETag: md5Etag(JSON.stringify(body)) });
}

/** Database names as clients see them: the internal users database shows as `_users`. */
async function visibleDbNames(ctx: RequestContext): Promise<string[]> {
  const names = (await ctx.engine.allDbs()).map(visibleDbName);
  // System names start with `_`, which sorts before every letter in UTF-8 order.
  return names.sort((a, b) => (Buffer.compare(Buffer.from(a), Buffer.from(b))));
}

function positiveInteger(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number') throw new BadRequestError(`Invalid value for integer: ${JSON.stringify(String(value))}`, { error: 'query_parse_error' });
  if (value < 0) throw new BadRequestError(`Invalid value for positive integer: "${value}"`, { error: 'query_parse_error' });
  return value;
}

/** `_all_dbs` range options applied to the visible names (UTF-8 order, as CouchDB). */
function rangeOf(names: string[], options: AllDbsOptions): string[] {
  const { startkey, endkey, descending } = options;
  const ordered = descending ? [...names].reverse() : names;
  const before = (a: string, b: string): boolean => (descending ? a > b : a < b);
  const inRange = ordered.filter(
    (n) =>
      (startkey === undefined || !before(n, startkey)) &&
      (endkey === undefined || before(n, endkey) || (options.inclusive_end !== false && n === endkey)),
  );
  const skip = options.skip ?? 0;
  return inRange.slice(skip, options.limit === undefined ? undefined : skip + options.limit);
}

function allDbsOptions(raw: string): AllDbsOptions {
  const q = parseQuery(raw);
  const options: AllDbsOptions = {};
  if (typeof q['startkey'] === 'string') options.startkey = q['startkey'];
  if (typeof q['endkey'] === 'string') options.endkey = q['endkey'];
  if (q['descending'] === true) options.descending = true;
  if (q['inclusive_end'] === false) options.inclusive_end = false;
  const limit = positiveInteger('limit', q['limit']);
  const skip = positiveInteger('skip', q['skip']);
  if (limit !== undefined) options.limit = limit;
  if (skip !== undefined) options.skip = skip;
  return options;
}

/** `GET /_all_dbs`: server admins only, as CouchDB 3. */
export async function allDbs(ctx: RequestContext): Promise<void> {
  if (!isRead(ctx)) throw methodNotAllowed('GET,HEAD');
  requireServerAdmin(ctx.user);
  const options = allDbsOptions(ctx.rawQuery);
  const names = await visibleDbNames(ctx);
  // The ETag follows the whole list of databases, whatever the range asked (chttpd_misc tags it with the info of
  // its database of databases): a client polling with If-None-Match hears of every creation and deletion.
  const etag = md5Etag(JSON.stringify(names));
  if (etagMatches(ctx, etag)) {
    sendNotModified(ctx.res, etag);
    return;
  }
  sendJson(ctx, 200, rangeOf(names, options), { ETag: etag });
}

async function infoEntry(ctx: RequestContext, key: string): Promise<Record<string, unknown>> {
  const engineName = engineDbName(key);
  try {
    if (engineName === undefined) throw new NotFoundError('Database does not exist.');
    const info = await ctx.engine.db(engineName).info();
    return { key, info: { ...info, db_name: key } };
  } catch {
    return { key, error: 'not_found' };
  }
}

/** `GET /_dbs_info` (range like `_all_dbs`) and `POST /_dbs_info {keys}`. */
export async function dbsInfo(ctx: RequestContext): Promise<void> {
  requireServerAdmin(ctx.user);
  if (isRead(ctx)) {
    const names = rangeOf(await visibleDbNames(ctx), allDbsOptions(ctx.rawQuery));
    sendJson(ctx, 200, await Promise.all(names.map((name) => infoEntry(ctx, name))));
    return;
  }
  if (ctx.method !== 'POST') throw methodNotAllowed('GET,HEAD,POST');
  const body = await readJsonTyped(ctx);
  if (!isObject(body) || body['keys'] === undefined) throw new BadRequestError('`keys` member must exist.');
  const keys = body['keys'];
  if (!Array.isArray(keys)) throw new BadRequestError('`keys` member must be an array.');
  sendJson(ctx, 200, await Promise.all(keys.map((key) => infoEntry(ctx, String(key)))));
}

/** `GET /_active_tasks`: the running replications (`type: replication`, with their counters). */
export async function activeTasks(ctx: RequestContext): Promise<void> {
  if (!isRead(ctx)) throw methodNotAllowed('GET,HEAD');
  requireServerAdmin(ctx.user);
  sendJson(ctx, 200, ctx.state.replication.activeTasks());
}

/** `GET /_membership`: one node. */
export async function membership(ctx: RequestContext): Promise<void> {
  if (!isRead(ctx)) throw methodNotAllowed('GET,HEAD');
  requireServerAdmin(ctx.user);
  sendJson(ctx, 200, { all_nodes: [NODE_NAME], cluster_nodes: [NODE_NAME] });
}

/** `GET /_node/_local`: the node's name (server admins); deeper paths go to `node-stats.ts`. */
export async function node(ctx: RequestContext): Promise<void> {
  // `_stats`, `_system`, `_restart` and other paths under a node.
  if (ctx.segments.length > 2) return nodeResource(ctx);
  // chttpd_auth_request: every `_` path but a few public ones (`_up`, `_uuids`, `_session`...) is for server admins.
  requireServerAdmin(ctx.user);
  if (!isRead(ctx)) throw methodNotAllowed('GET,HEAD');
  if (ctx.segments.length === 2 && (ctx.segments[1] === '_local' || ctx.segments[1] === NODE_NAME)) {
    sendJson(ctx, 200, { name: NODE_NAME });
    return;
  }
  throw new NotFoundError('missing');
}
