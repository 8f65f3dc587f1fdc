import { BadRequestError, type Document, type ExplainResponse, type FindResponse } from '@settee/core';
import type { DbContext } from '../database/db-context.js';
import { executeFind } from './execute-find.js';
import { explainFind } from './explain-find.js';
import { parseFindRequest, type FindOptions } from './find-request.js';
import { indexRegistry } from './index-registry.js';
import { planQuery } from './query-plan.js';

/** `_find`: checks the request, chooses the index, runs the scan. */
export function runFind(ctx: DbContext, request: unknown): FindResponse<Document> {
  const options = scopeChecked(ctx, parseFindRequest(request));
  const registry = indexRegistry(ctx);
  return executeFind(ctx, registry, planQuery(registry.indexes, options, 'find'));
}

/** `_explain`: how `_find` would run the same request (no error when no index can serve it). */
export function runExplain(ctx: DbContext, partitioned: boolean, request: unknown): ExplainResponse {
  const options = scopeChecked(ctx, parseFindRequest(request));
  return explainFind(ctx.name, partitioned, planQuery(indexRegistry(ctx).indexes, options, 'explain'));
}

/** A `partition` (which scopes the query to it) needs a partitioned database. */
function scopeChecked(ctx: DbContext, options: FindOptions): FindOptions {
  if (options.partition !== '' && ctx.partitioned !== true) {
    throw new BadRequestError('`partition` parameter is not supported on this db', { error: 'query_parse_error' });
  }
  return options;
}
