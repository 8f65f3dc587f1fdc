import {
  BadRequestError,
  formatErlangTerm,
  InternalServerError,
  isJsonObject,
  NotFoundError,
  type CreateIndexResponse,
  type IndexListResponse,
  type JsonObject,
  type OkResponse,
} from '@settee/core';
import type { DbContext } from '../database/db-context.js';
import { loadRecord } from '../database/load-record.js';
import { prepareDoc } from '../database/prepare-doc.js';
import { writeDocs } from '../database/write-docs.js';
import { indexRegistry } from './index-registry.js';
import { parseIndexRequest } from './index-request.js';
import { ALL_DOCS_INDEX_INFO, indexInfo } from './json-index.js';
import { designId } from './query-plan.js';

/**
 * `POST _index`: adds the index as view `name` of the `language: "query"` design document `ddoc` (created when
 * missing), CouchDB's layout: `{map: {fields, partial_filter_selector}, reduce: "_count", options: {def}}`.
 * Answers `exists` when the design document already says exactly that. Writing the design document builds the
 * index in the same atomic write (see stageIndexUpdates).
 */
export function createIndex(ctx: DbContext, request: unknown): CreateIndexResponse {
  const index = parseIndexRequest(request);
  const existing = loadDesignDoc(ctx, index.ddoc);
  const body: JsonObject = existing === undefined ? { language: 'query' } : structuredClone(existing.body);
  if (existing !== undefined && body['language'] !== 'query') {
    const language = body['language'];
    const shown = language === undefined ? 'undefined' : formatErlangTerm(language);
    throw new BadRequestError(`Existing design doc has an invalid language: ${shown}`, { error: 'invalid_ddoc_lang' });
  }
  const views: JsonObject = isJsonObject(body['views']) ? body['views'] : {};
  views[index.name] = { map: index.map, reduce: '_count', options: { def: index.rawDef } };
  body['views'] = views;
  setPartitioned(body, index.ddoc, index.partitioned, existing === undefined);
  if (existing !== undefined && JSON.stringify(body) === JSON.stringify(existing.body)) {
    return { result: 'exists', id: index.ddoc, name: index.name };
  }
  saveDesignDoc(ctx, index.ddoc, existing?.rev, body);
  return { result: 'created', id: index.ddoc, name: index.name };
}

/**
 * `DELETE _index/{ddoc}/json/{name}`: removes the view from its design document, and the design document itself
 * when nothing but `language: "query"` is left. 404 `missing` when there is no such JSON index.
 */
export function deleteIndex(ctx: DbContext, ddoc: string, name: string): OkResponse {
  if (typeof ddoc !== 'string' || typeof name !== 'string') throw new NotFoundError('missing');
  const id = designId(ddoc);
  const found = indexRegistry(ctx).indexes.some((index) => index.ddoc === id && index.name === name);
  const existing = found ? loadDesignDoc(ctx, id) : undefined;
  if (existing === undefined) throw new NotFoundError('missing');
  const body = structuredClone(existing.body);
  const views = body['views'] as JsonObject;
  delete views[name];
  if (Object.keys(views).length === 0) delete body['views'];
  const onlyLanguage = Object.keys(body).length === 1 && body['language'] === 'query';
  saveDesignDoc(ctx, id, existing.rev, onlyLanguage ? { _deleted: true } : body);
  return { ok: true };
}

/** `GET _index`: the special `_all_docs` index, then every JSON index by design document id and name. */
export function listIndexes(ctx: DbContext): IndexListResponse {
  const indexes = [structuredClone(ALL_DOCS_INDEX_INFO), ...indexRegistry(ctx).indexes.map(indexInfo)];
  return { total_rows: indexes.length, indexes };
}

/** The live design document `id`, or undefined (a deleted one counts as missing). */
function loadDesignDoc(ctx: DbContext, id: string): { rev: string; body: JsonObject } | undefined {
  const record = loadRecord(ctx.storage, id);
  if (record === undefined || record.deleted) return undefined;
  return { rev: record.winner, body: JSON.parse(record.winnerBody.body) as JsonObject };
}

/**
 * mango_idx:set_ddoc_partitioned: a new design document records an explicit `partitioned`; an existing one must
 * already agree with it.
 */
function setPartitioned(body: JsonObject, ddoc: string, partitioned: boolean | undefined, isNew: boolean): void {
  const options = body['options'];
  const current = isJsonObject(options) ? options['partitioned'] : undefined;
  if (partitioned === current) return;
  if (!isNew) {
    throw new BadRequestError(`Requested partitioned option does not match existing value on design document ${ddoc}`, {
      error: 'invalid_partitioned_option',
    });
  }
  if (partitioned === undefined) return;
  body['options'] = { ...(isJsonObject(options) ? options : {}), partitioned };
}

/** mango_crud:insert of the design document; a failed save is CouchDB's 500 error_saving_ddoc. */
function saveDesignDoc(ctx: DbContext, id: string, rev: string | undefined, body: JsonObject): void {
  const doc = prepareDoc({ ...body, _id: id, ...(rev === undefined ? {} : { _rev: rev }) });
  const [result] = writeDocs(ctx, [doc], true);
  if (result !== undefined && 'error' in result) {
    if (result.error === 'conflict') {
      throw new InternalServerError('Encountered a conflict while saving the design document.', { error: 'error_saving_ddoc' });
    }
    throw new InternalServerError(`Unknown error while saving the design document: ${result.error}`, { error: 'error_saving_ddoc' });
  }
}
