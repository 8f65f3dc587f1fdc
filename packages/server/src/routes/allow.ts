import type { RequestContext } from '../http/context.js';
import { sendJson } from '../http/respond.js';

/**
 * CouchDB's 405 with its `Allow` header (`send_method_not_allowed`): `{"error":"method_not_allowed","reason":"Only
 * GET,HEAD allowed"}`. The thrown `methodNotAllowed` error carries no headers, hence this answer for the routes that
 * name their methods.
 */
export function sendMethodNotAllowed(ctx: RequestContext, allowed: string): void {
  sendJson(ctx, 405, { error: 'method_not_allowed', reason: `Only ${allowed} allowed` }, { Allow: allowed });
}
