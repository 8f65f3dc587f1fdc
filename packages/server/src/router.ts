import type { AuthMethod } from './auth/authenticate.js';
import type { RequestContext } from './http/context.js';
import { databaseRoute } from './routes/database.js';
import { activeTasks, allDbs, dbsInfo, membership, node, up, uuids, welcome } from './routes/server.js';
import { session } from './routes/session.js';
import { replicateRoute } from './routes/replicate.js';
import { schedulerRoute } from './routes/replication-scheduler.js';
import { clusterSetup } from './routes/cluster-setup.js';
import { favicon } from './routes/favicon.js';
import { dbUpdatesRoute } from './routes/db-updates.js';

type Route = (ctx: RequestContext) => Promise<void>;

/** Server-level endpoints by their first path segment; anything else names a database. */
const SERVER_ROUTES: ReadonlyMap<string, Route> = new Map<string, Route>([
  ['', welcome],
  ['_up', up],
  ['_uuids', uuids],
  ['_all_dbs', allDbs],
  ['_dbs_info', dbsInfo],
  ['_active_tasks', activeTasks],
  ['_membership', membership],
  ['_db_updates', dbUpdatesRoute],
  ['_replicate', replicateRoute],
  ['_node', node],
  ['_cluster_setup', clusterSetup],
  ['favicon.ico', favicon],
]);

/** How each request was authenticated, so a request the server derives from it answers the same (`_session`). */
const authMethods = new WeakMap<RequestContext, AuthMethod>();

/** Sends the request to its endpoint. */
export function route(ctx: RequestContext, method: AuthMethod): Promise<void> {
  authMethods.set(ctx, method);
  const first = ctx.segments[0] ?? '';
  if (first === '_session') return session(ctx, method);
  if (first === '_scheduler') return schedulerRoute(ctx);
  const server = ctx.segments.length === 1 || first === '_node' ? SERVER_ROUTES.get(first) : undefined;
  if (server !== undefined) return server(ctx);
  return databaseRoute(ctx);
}

/** Routes `next`, a request the server made from `from` (a `_rewrite` target), as authenticated as `from`. */
export function reroute(from: RequestContext, next: RequestContext): Promise<void> {
  return route(next, authMethods.get(from));
}
