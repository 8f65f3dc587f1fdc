import { isObject } from '../http/body.js';
import type { RequestContext } from '../http/context.js';
import { sendJson } from '../http/respond.js';

/**
 * CouchDB 3 dropped `_bulk_docs`' `all_or_nothing`: it answers 417 with a `not_implemented` entry per document.
 * Returns true when it answered so.
 */
export function refuseAllOrNothing(ctx: RequestContext, body: Record<string, unknown>): boolean {
  const docs = body['docs'];
  if (body['all_or_nothing'] !== true || !Array.isArray(docs)) return false;
  const entries = docs.map((doc: unknown) => ({
    id: isObject(doc) ? doc['_id'] : undefined,
    rev: '0-',
    error: 'not_implemented',
    reason: 'all_or_nothing is not supported',
  }));
  sendJson(ctx, 417, entries);
  return true;
}
