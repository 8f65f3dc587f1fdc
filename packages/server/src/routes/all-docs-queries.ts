import { BadRequestError } from '@settee/core';
import { isObject, readJsonTyped } from '../http/body.js';
import type { RequestContext } from '../http/context.js';
import { methodNotAllowed } from '../http/method.js';
import type { QueryOptions } from '../http/query.js';
import { sendJson } from '../http/respond.js';

/**
 * `POST .../_all_docs/queries` and its `_design_docs`/`_local_docs` kin (chttpd_db multi_all_docs_view): one
 * answer per entry of the body's `queries`, each entry's parameters applied over `base` (the URL's own).
 */
export async function listingQueries(ctx: RequestContext, base: QueryOptions, run: (options: Record<string, unknown>) => Promise<unknown>): Promise<void> {
  if (ctx.method !== 'POST') throw methodNotAllowed('POST');
  const body = await readJsonTyped(ctx);
  const queries = isObject(body) ? body['queries'] : undefined;
  if (!Array.isArray(queries)) throw new BadRequestError('`queries` member must be an array.');
  const results: unknown[] = [];
  for (const query of queries) results.push(await run({ ...base, ...(isObject(query) ? query : {}) }));
  sendJson(ctx, 200, { results });
}
