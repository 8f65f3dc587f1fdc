import { BadRequestError, NotFoundError, type JsonObject } from '@settee/core';
import { requireServerAdmin } from '../auth/security.js';
import type { RequestContext } from '../http/context.js';
import { isRead, methodNotAllowed } from '../http/method.js';
import { parseQuery, queryParams } from '../http/query.js';
import { sendJson } from '../http/respond.js';
import { REPLICATOR } from '../replication/index.js';

function nonNegative(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new BadRequestError(`\`${name}\` must be a non-negative integer`, { error: 'query_parse_error' });
  }
  return value;
}

/** `_scheduler/jobs`' `limit` and `skip`: integers from 0, with CouchDB's `query_parse_error` reasons. */
function jobsParam(ctx: RequestContext, name: 'limit' | 'skip', fallback: number): number {
  const raw = queryParams(ctx.rawQuery).get(name);
  if (raw === null) return fallback;
  if (!/^[+-]?\d+$/.test(raw)) throw new BadRequestError(`${name} must be an integer`, { error: 'query_parse_error' });
  const value = Number(raw);
  if (value < 0) throw new BadRequestError(`${name} not in range of [0,infinity]`, { error: 'query_parse_error' });
  return value;
}

/** CouchDB lists at most this many jobs unless `limit` says otherwise. */
const DEFAULT_JOBS_LIMIT = 100;

/** One page of a listing, CouchDB's `{total_rows, offset, <key>: [...]}`. */
function page(ctx: RequestContext, key: 'jobs' | 'docs', all: JsonObject[]): JsonObject {
  let limit: number;
  let skip: number;
  if (key === 'jobs') {
    limit = jobsParam(ctx, 'limit', DEFAULT_JOBS_LIMIT);
    skip = jobsParam(ctx, 'skip', 0);
  } else {
    const query = parseQuery(ctx.rawQuery);
    limit = nonNegative(query['limit'], 'limit', Number.MAX_SAFE_INTEGER);
    skip = nonNegative(query['skip'], 'skip', 0);
  }
  const offset = Math.min(skip, all.length);
  return { total_rows: all.length, offset, [key]: all.slice(offset, offset + limit) };
}

/** `?states=running,failed`: only documents in these states. */
function byStates(ctx: RequestContext, docs: JsonObject[]): JsonObject[] {
  const states = parseQuery(ctx.rawQuery)['states'];
  if (states === undefined) return docs;
  const wanted = new Set(String(states).split(',').map((s) => s.trim()).filter((s) => s !== ''));
  return docs.filter((doc) => wanted.has(String(doc['state'])));
}

/**
 * `GET /_scheduler/jobs[/{id}]` and `GET /_scheduler/docs[/_replicator[/{docid}]]`: the replications running and
 * the `_replicator` documents' states. Server admins only.
 */
export async function schedulerRoute(ctx: RequestContext): Promise<void> {
  if (!isRead(ctx)) throw methodNotAllowed('GET,HEAD');
  requireServerAdmin(ctx.user);
  const [, kind, ...rest] = ctx.segments;
  const scheduler = ctx.state.replication;
  if (kind === 'jobs' && rest.length === 0) return sendJson(ctx, 200, page(ctx, 'jobs', scheduler.jobs()));
  if (kind === 'jobs' && rest.length === 1) {
    const job = scheduler.job(rest[0] ?? '');
    if (job === undefined) throw new NotFoundError('missing');
    return sendJson(ctx, 200, job);
  }
  if (kind === 'docs') {
    const [db = REPLICATOR, docId, ...more] = rest;
    if (db !== REPLICATOR || more.length > 0) throw new NotFoundError('missing');
    if (docId === undefined) return sendJson(ctx, 200, page(ctx, 'docs', byStates(ctx, scheduler.docs())));
    const doc = scheduler.doc(docId);
    if (doc === undefined) throw new NotFoundError('missing');
    return sendJson(ctx, 200, doc);
  }
  throw new NotFoundError('missing');
}
