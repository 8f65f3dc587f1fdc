import { BadRequestError, NotFoundError, SetteeError, type JsonObject } from '@settee/core';
import type { RequestContext } from '../http/context.js';
import type { DbTarget } from './db-target.js';
import { dispatchRewritten, rewriteDepth } from './rewrite-dispatch.js';
import { rewriteByFunction } from './rewrite-js.js';
import { compileRules, matchRules, requestBindings } from './rewrite-rules.js';
import { rewrittenUrl } from './rewrite-url.js';

/** CouchDB's `[chttpd] rewrite_limit` default: rewrites one client request may go through (a loop ends there). */
export const REWRITE_LIMIT = 100;

/**
 * `/{db}/_design/{ddoc}/_rewrite/{path...}` (chttpd_rewrite, deprecated in CouchDB 3 but served): the design
 * document's `rewrites`, an array of rules (`rewrite-rules.ts`) or a JavaScript function (`rewrite-js.ts`), turns
 * the request into another one on this server, answered as the same user. Without `rewrites` it is a 404
 * `rewrite_error`.
 */
export async function rewriteRoute(ctx: RequestContext, target: DbTarget, ddoc: string, rest: readonly string[]): Promise<void> {
  const doc = (await target.db.get(`_design/${ddoc}`)) as JsonObject;
  if (rewriteDepth(ctx) >= REWRITE_LIMIT) throw new BadRequestError('Exceeded rewrite recursion limit');
  // chttpd splits the path into non-empty segments (`a//b/` is `a`, `b`).
  const segments = rest.filter((segment) => segment !== '');
  const rules = doc['rewrites'];
  if (typeof rules === 'string') {
    await rewriteByFunction(ctx, target, doc, ddoc, [target.name, '_design', ddoc, '_rewrite', ...segments]);
    return;
  }
  if (!Array.isArray(rules)) throw new SetteeError(404, 'rewrite_error', 'Invalid path.');
  const fromQuery = requestBindings(ctx.rawQuery);
  const compiled = compileRules(rules);
  // chttpd hands HEAD to handlers as GET (mochiweb drops the body), so rules for GET serve HEAD too.
  const method = ctx.method === 'HEAD' ? 'GET' : ctx.method;
  const found = matchRules(compiled, method, segments, fromQuery);
  if (found === undefined) throw new NotFoundError('missing');
  await dispatchRewritten(ctx, ctx.method, rewrittenUrl(target.name, ddoc, found.path, found.query));
}
