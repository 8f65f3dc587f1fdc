import { requireServerAdmin } from '../auth/security.js';
import { readJsonTyped } from '../http/body.js';
import type { RequestContext } from '../http/context.js';
import { methodNotAllowed } from '../http/method.js';
import { sendJson } from '../http/respond.js';

/**
 * `POST /_replicate`: open to signed-in users between URLs, to server admins only with local database names (they
 * bypass `_security`); anonymous requests are refused before their body is read. One-shot replications answer when
 * done (200 with the history), continuous ones at once (202 with `_local_id`), `cancel: true` stops one (404 when
 * none runs).
 */
export async function replicateRoute(ctx: RequestContext): Promise<void> {
  if (ctx.method !== 'POST') throw methodNotAllowed('POST');
  if (ctx.user.name === null) requireServerAdmin(ctx.user);
  const body = await readJsonTyped(ctx);
  // Who may replicate what depends on the endpoints: the scheduler decides.
  const answer = await ctx.state.replication.replicate(body, ctx.user);
  sendJson(ctx, answer.status, answer.body);
}
