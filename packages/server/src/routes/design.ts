import { NotImplementedDesignError } from './not-implemented.js';
import type { RequestContext } from '../http/context.js';
import type { DbTarget } from './db-target.js';
import { listRoute, showRoute, updateRoute } from './design-functions.js';
import { viewRoute } from './design-view.js';
import { designInfoRoute } from './design-info.js';
import { rewriteRoute } from './rewrite.js';

/**
 * A handler of a design document's function endpoint (`_view`, `_show`, `_list`, `_update`...): it gets the
 * database, the design document's name (without `_design/`) and the path segments after the endpoint name.
 */
export type DesignHandler = (ctx: RequestContext, target: DbTarget, ddoc: string, rest: readonly string[]) => Promise<void>;

/**
 * Where design-document endpoints are registered: `_view`, `_show`, `_list` and `_update` run on the engine
 * (`design-view.ts`, `design-functions.ts`); another endpoint can be added with `designHandlers.set(...)` and the
 * router needs no other change. `_info` reports the view index (`design-info.ts`); `_rewrite` sends the request on
 * to another endpoint (`rewrite.ts`). An endpoint with no handler (`_search`...) answers 501 `not_implemented`.
 */
export const designHandlers = new Map<string, DesignHandler>([
  ['_view', viewRoute],
  ['_show', showRoute],
  ['_list', listRoute],
  ['_update', updateRoute],
  ['_info', designInfoRoute],
  ['_rewrite', rewriteRoute],
]);

/** Segments after `_design/{name}/` that name a function endpoint rather than an attachment. */
export const DESIGN_ENDPOINTS: ReadonlySet<string> = new Set([
  '_view',
  '_show',
  '_list',
  '_update',
  '_info',
  '_rewrite',
  '_search',
  '_nouveau',
]);

/** Runs the registered handler of `endpoint`, or answers that it is not implemented yet. */
export async function designEndpoint(
  ctx: RequestContext,
  target: DbTarget,
  ddoc: string,
  endpoint: string,
  rest: readonly string[],
): Promise<void> {
  const handler = designHandlers.get(endpoint);
  if (handler === undefined) throw new NotImplementedDesignError(endpoint);
  await handler(ctx, target, ddoc, rest);
}
