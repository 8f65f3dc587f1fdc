import { BadRequestError, SetteeError, type CreateDbOptions, type JsonObject, type ReplicationOptions, type Seq } from '@settee/core';

/** A `_replicate` body or `_replicator` document, checked and turned into the replicator's options. */
export interface ReplicationRequestSpec {
  readonly source: unknown;
  readonly target: unknown;
  readonly continuous: boolean;
  readonly createTarget: boolean;
  /** `create_target_params`: how a created target is made (`q`, `n`, `partitioned`). */
  readonly createTargetParams: CreateDbOptions;
  /** Options handed to core's `replicate` (without `continuous` and `create_target`, handled by the job). */
  readonly options: ReplicationOptions;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A boolean member: CouchDB refuses anything else (`"true"` included) with a 400. */
export function booleanParam(body: Record<string, unknown>, name: string): boolean {
  const value = body[name];
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new BadRequestError(`parameter \`${name}\` must be a boolean`);
  return value;
}

/** `doc_ids` as CouchDB takes them: percent-decoded (the old replicator's form), unique, sorted. */
function decodedDocIds(ids: readonly string[]): string[] {
  const decoded = ids.map((id) => {
    try {
      return decodeURIComponent(id);
    } catch {
      return id;
    }
  });
  return [...new Set(decoded)].sort();
}

/** `create_target_params`: a JSON object whose `q`, `n` and `partitioned` shape the created target. */
function createTargetParamsOf(body: Record<string, unknown>): CreateDbOptions {
  const params = body['create_target_params'];
  if (params === undefined) return {};
  if (!isRecord(params)) throw new BadRequestError('parameter `create_target_params` must be a JSON object');
  const out: CreateDbOptions = {};
  const q = Number(params['q']);
  const n = Number(params['n']);
  if (Number.isInteger(q) && q > 0) out.q = q;
  if (Number.isInteger(n) && n > 0) out.n = n;
  if (params['partitioned'] === true) out.partitioned = true;
  return out;
}

/** The filtering members, with CouchDB's `parameter ...` reasons for wrong types. */
function selectionOf(body: Record<string, unknown>): Partial<Record<'doc_ids' | 'selector' | 'filter' | 'query_params' | 'since', unknown>> {
  const out: Partial<Record<'doc_ids' | 'selector' | 'filter' | 'query_params' | 'since', unknown>> = {};
  const docIds = body['doc_ids'];
  if (docIds !== undefined && docIds !== null) {
    if (!Array.isArray(docIds)) throw new BadRequestError('parameter `doc_ids` must be an array');
    if (!docIds.every((id) => typeof id === 'string')) throw new BadRequestError('parameter `doc_ids` must be an array of strings');
    out.doc_ids = decodedDocIds(docIds as string[]);
  }
  const selector = body['selector'];
  if (selector !== undefined && selector !== null) {
    if (!isRecord(selector)) throw new BadRequestError('parameter `selector` must be a JSON object');
    out.selector = selector;
  }
  const filter = body['filter'];
  if (filter !== undefined && filter !== null) {
    if (typeof filter !== 'string') throw new BadRequestError('parameter `filter` must be a string');
    out.filter = filter;
  }
  if ([out.doc_ids, out.selector, out.filter].filter((given) => given !== undefined).length > 1) {
    throw new BadRequestError('`doc_ids`,`filter`,`selector` are mutually exclusive');
  }
  // CouchDB's filter parse error surfaces as a 500 `error`, like a missing endpoint.
  if (typeof out.filter === 'string' && !out.filter.startsWith('_') && !/^[^/]*\/.*$/s.test(out.filter)) {
    throw new SetteeError(500, 'error', 'Invalid filter. Must match `ddocname/filtername`.');
  }
  const queryParams = body['query_params'];
  if (queryParams !== undefined && queryParams !== null) {
    if (!isRecord(queryParams)) throw new BadRequestError('parameter `query_params` should be an object');
    out.query_params = Object.fromEntries(Object.entries(queryParams).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  }
  const since = body['since_seq'];
  if (since !== undefined && since !== null) out.since = since;
  return out;
}

function positiveInteger(body: Record<string, unknown>, name: string): number | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 1) {
    throw new BadRequestError(`parameter \`${name}\` must be a positive integer`);
  }
  return number;
}

/**
 * Checks a replication request the way CouchDB does: both endpoints present (CouchDB 3.4 answers a missing one with
 * a 500 "Missing replicator database"), `doc_ids` an array, `selector` an object...
 */
export function parseReplicationRequest(body: unknown): ReplicationRequestSpec {
  if (!isRecord(body)) throw new BadRequestError('Request body must be a JSON object');
  // CouchDB checks the options before the endpoints.
  const continuous = booleanParam(body, 'continuous');
  const createTarget = booleanParam(body, 'create_target');
  const winningRevsOnly = booleanParam(body, 'winning_revs_only');
  const createTargetParams = createTargetParamsOf(body);
  const selection = selectionOf(body);
  const { source, target } = body;
  if (source === undefined || source === null || target === undefined || target === null) {
    throw new SetteeError(500, 'error', 'Missing replicator database');
  }
  const batchSize = positiveInteger(body, 'worker_batch_size');
  const options: ReplicationOptions = {
    ...(selection.doc_ids === undefined ? {} : { doc_ids: selection.doc_ids as string[] }),
    ...(selection.selector === undefined ? {} : { selector: selection.selector as JsonObject }),
    ...(selection.filter === undefined ? {} : { filter: selection.filter as string }),
    ...(selection.query_params === undefined ? {} : { query_params: selection.query_params as Record<string, string> }),
    ...(selection.since === undefined ? {} : { since: selection.since as Seq }),
    ...(batchSize === undefined ? {} : { batch_size: batchSize }),
    ...(body['use_checkpoints'] === false ? { checkpoint: false as const } : {}),
    ...(winningRevsOnly ? { winning_revs_only: true } : {}),
  };
  return { source, target, continuous, createTarget, createTargetParams, options };
}
