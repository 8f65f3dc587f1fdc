import { requireServerAdmin } from '../auth/security.js';
import { readJsonTyped } from '../http/body.js';
import type { RequestContext } from '../http/context.js';
import { methodNotAllowed } from '../http/method.js';
import { sendJson } from '../http/respond.js';

/**
 * `POST /_replicate`: server admins only on this server (a local database name bypasses `_security`). One-shot
 * replications answer when done (200 with the history), continuous ones at once (202 with `_local_id`),
 * `cancel: true` stops one (404 when none runs).
 */
export async function replicateRoute(ctx: RequestContext): Promise<void> {
  if (ctx.method !== 'POST') throw methodNotAllowed('POST');
  requireServerAdmin(ctx.user);
  const body = await readJsonTyped(ctx);
  const answer = await ctx.state.replication.replicate(body, ctx.user.name);
  sendJson(ctx, answer.status, answer.body);
}
