import {
  BadRequestError,
  ConflictError,
  NotFoundError,
  errorFromCouch,
  isJsonObject,
  type AllDocsOptions,
  type AllDocsResponse,
  type AttachmentData,
  type BulkDocsInput,
  type BulkDocsOptions,
  type BulkGetOptions,
  type BulkGetRequest,
  type BulkGetResponse,
  type BulkWriteResult,
  type ChangesOptions,
  type ChangesResponse,
  type ChangesRow,
  type CreateIndexResponse,
  type DatabaseAdapter,
  type DbInfo,
  type Document,
  type DocumentInput,
  type ExplainResponse,
  type FindRequest,
  type FindResponse,
  type GetAttachmentOptions,
  type GetOptions,
  type IndexDefinition,
  type IndexListResponse,
  type JsonObject,
  type LiveChangesOptions,
  type LocalDocsResponse,
  type OkResponse,
  type OpenRevsEntry,
  type OpenRevsOptions,
  type PutOptions,
  type RevsDiffRequest,
  type RevsDiffResponse,
  type SecurityObject,
  type WriteResult,
  type DesignRequest,
  type DesignResponse,
  type JsonValue,
  type ListQueryOptions,
  type ViewQueryOptions,
  type ViewResponse,
  type WriteContextOptions,
  type UserContext,
  type PartitionAdapter,
} from '@settee/core';
import type { Observable } from 'rxjs';
import { createIndex, deleteIndex, listIndexes } from '../find/manage-indexes.js';
import { runExplain, runFind } from '../find/run-find.js';
import { checkRevList, missingRevisions, parseRev } from '../revs/rev-tree.js';
import { listAllDocs } from './all-docs.js';
import { deleteAttachment, readAttachment, writeAttachment } from './attachments.js';
import { readChanges } from './changes.js';
import type { CommitSignal } from './commit-signal.js';
import { compactDatabase } from './compact.js';
import { copyMeta, externalSize, metaOp, type DbContext } from './db-context.js';
import { assertDocId, isLocalId } from './doc-ids.js';
import { EnginePartition } from './partition.js';
import { limitBulkGet, limitOpenRevs, limitRevisions } from './limit-revisions.js';
import { bulkGetPartitioned } from './partition-bulk-get.js';
import { assertPartitionName, assertPartitionedDocId, assertReadablePartitionedId, generatedIdRefused } from './partition-ids.js';
import { liveChanges } from './live-changes.js';
import { loadRecord } from './load-record.js';
import { listLocalDocs, readLocalDoc } from './local-docs.js';
import { prepareDoc, type PreparedDoc } from './prepare-doc.js';
import { PARALLEL_HASH_MIN, precomputeRevHashes } from './precompute-rev-hashes.js';
import type { RevHashPool } from '../revs/rev-hash-pool.js';
import { purgeDocs } from './purge.js';
import { readBulkGet, readDoc, readOpenRevs } from './read-doc.js';
import { checkSecurityObject } from './security-object.js';
import { SPACE } from './records.js';
import { waitForCommit } from './wait-for-commit.js';
import { writeDocs } from './write-docs.js';
import { runList, runShow, runUpdate } from '../design/design-handlers.js';
import { runViewQuery } from '../views/run-view-query.js';
import { viewIndexInfo, type DesignInfo } from '../views/view-index-info.js';
import { designWriteErrorStatus } from '../design/validate-design-doc.js';

/** What an engine database needs from the engine: its open state, looked up on every call. */
export interface OpenDatabase {
  readonly ctx: DbContext;
  readonly signal: CommitSignal;
  readonly props: { partitioned?: boolean; q: number };
}

/**
 * One engine database behind the adapter contract. Every call resolves its open state first, so a handle made
 * before the database exists (or after it is deleted) answers "Database does not exist." like CouchDB.
 * Storage calls are synchronous: each method runs start to end without interleaving, which is what makes
 * a bulk write atomic and a read consistent.
 */
export class EngineDatabase implements DatabaseAdapter {
  constructor(
    readonly name: string,
    private readonly resolve: (name: string) => OpenDatabase,
    /** The contract's `location`: the engine's storage place plus the name. */
    readonly location: string = `settee-engine:${name}`,
    /** A second thread for the revision hashes of big batches, when the engine has one. */
    private readonly hashPool?: RevHashPool,
  ) {}

  private get open(): OpenDatabase {
    return this.resolve(this.name);
  }

  private get ctx(): DbContext {
    return this.open.ctx;
  }

  async info(): Promise<DbInfo> {
    const { ctx, props } = this.open;
    const { meta } = ctx;
    const file = ctx.storage.sizeInBytes();
    const external = externalSize(ctx);
    return {
      instance_start_time: String(meta.createdAt * 1000),
      db_name: this.name,
      purge_seq: String(meta.purgeSeq),
      update_seq: String(meta.updateSeq),
      sizes: { file, external, active: Math.min(file, external) },
      props: props.partitioned ? { partitioned: true } : {},
      doc_del_count: meta.delCount,
      doc_count: meta.docCount,
      disk_format_version: 8,
      compact_running: false,
      cluster: { q: props.q, n: 1, w: 1, r: 1 },
    };
  }

  async get<T extends object = JsonObject>(id: string, options: GetOptions = {}): Promise<Document<T>> {
    const ctx = this.ctx;
    assertReadableId(id);
    checkReadId(ctx, id);
    if (isLocalId(id)) return readLocalDoc(ctx.storage, id, options.revs === true) as Document<T>;
    return limitRevisions(readDoc(ctx.storage, id, options), ctx.meta.revsLimit) as Document<T>;
  }

  async getOpenRevs(id: string, revs: 'all' | string[], options: OpenRevsOptions = {}): Promise<OpenRevsEntry[]> {
    const ctx = this.ctx;
    assertReadableId(id);
    checkReadId(ctx, id);
    if (revs !== 'all') checkRevList(revs);
    return limitOpenRevs(readOpenRevs(ctx.storage, id, revs, options), ctx.meta.revsLimit);
  }

  async put<T extends object = JsonObject>(doc: DocumentInput<T> & { _id: string }, options: PutOptions = {}): Promise<WriteResult> {
    if (!isJsonObject(doc)) throw new BadRequestError('Document must be a JSON object');
    const prepared = prepareWithRev(doc, options.rev, doc._id);
    return this.writeOne(checkWriteDoc(this.ctx, prepared), options.new_edits !== false, options.userCtx);
  }

  async post<T extends object = JsonObject>(doc: DocumentInput<T>, options: PutOptions = {}): Promise<WriteResult> {
    const prepared = prepareWithRev(doc, options.rev, undefined);
    return this.writeOne(checkWriteDoc(this.ctx, prepared), options.new_edits !== false, options.userCtx);
  }

  async remove(id: string, rev: string, options: WriteContextOptions = {}): Promise<WriteResult> {
    const ctx = this.ctx;
    assertDocId(id);
    checkWriteId(ctx, id);
    if (typeof rev !== 'string') throw new ConflictError('Document update conflict.', { id });
    if (!isLocalId(id)) {
      // CouchDB reads the document first: deleting a missing or deleted one is a 404, not a conflict.
      const record = loadRecord(ctx.storage, id);
      if (!record) throw new NotFoundError('missing', { id });
      if (record.deleted) throw new NotFoundError('deleted', { id });
    }
    const prepared = prepareDoc({ _id: id, _rev: rev, _deleted: true });
    return this.writeOne(prepared, true, options.userCtx);
  }

  async bulkDocs<T extends object = JsonObject>(docs: BulkDocsInput<T>, options: BulkDocsOptions = {}): Promise<BulkWriteResult[]> {
    const ctx = this.ctx;
    if (!Array.isArray(docs)) throw new BadRequestError('`docs` parameter must be an array.');
    const given: unknown = options.new_edits;
    if (given !== undefined && typeof given !== 'boolean') throw new BadRequestError('`new_edits` parameter must be a boolean.');
    // Every document is validated before anything is written: one bad document fails the whole request.
    const prepared = docs.map((doc: unknown) => prepareDoc(doc)).map((doc) => checkWriteDoc(ctx, doc));
    const newEdits = options.new_edits !== false;
    if (!newEdits) {
      for (const doc of prepared) {
        if (!doc.rev && !doc.revisions) {
          throw new BadRequestError('When `new_edits: false`, the document needs `_rev` or `_revisions` specified');
        }
      }
    }
    // The hashing thread works through the batch while writeDocs applies it.
    const hashes = newEdits && this.hashPool && prepared.length >= PARALLEL_HASH_MIN ? precomputeRevHashes(this.hashPool, prepared) : undefined;
    try {
      return writeDocs(ctx, prepared, newEdits, options.userCtx);
    } finally {
      hashes?.finish();
    }
  }

  async bulkGet(docs: readonly BulkGetRequest[], options: BulkGetOptions = {}): Promise<BulkGetResponse> {
    const ctx = this.ctx;
    if (!Array.isArray(docs)) throw new BadRequestError("Missing JSON list of 'docs'.");
    const answer = ctx.partitioned === true ? bulkGetPartitioned(ctx.storage, docs, options) : readBulkGet(ctx.storage, docs, options);
    return limitBulkGet(answer, ctx.meta.revsLimit);
  }

  async allDocs(options: AllDocsOptions = {}): Promise<AllDocsResponse> {
    const ctx = this.ctx;
    checkListingOptions(options);
    return listAllDocs(ctx.storage, ctx.meta, options);
  }

  async localDocs(options: Parameters<DatabaseAdapter['localDocs']>[0] = {}): Promise<LocalDocsResponse> {
    const ctx = this.ctx;
    checkListingOptions(options);
    return listLocalDocs(ctx.storage, options);
  }

  async changes(options: ChangesOptions = {}): Promise<ChangesResponse> {
    const { ctx, signal } = this.open;
    let answer = readChanges(ctx, options);
    if (options.feed !== 'longpoll' || options.limit === 0) return answer;
    // A longpoll answers with the first change its filter keeps: commits it leaves out only move `since` on.
    const deadline = Date.now() + (options.timeout ?? 60_000);
    while (answer.results.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0 || !(await waitForCommit(signal, left))) return answer;
      answer = readChanges(this.ctx, { ...options, since: answer.last_seq });
    }
    return answer;
  }

  liveChanges(options: LiveChangesOptions = {}): Observable<ChangesRow> {
    return liveChanges(() => this.ctx, this.open.signal, options);
  }

  async revsDiff(request: RevsDiffRequest): Promise<RevsDiffResponse> {
    const ctx = this.ctx;
    if (!isJsonObject(request)) throw new BadRequestError('Request body must be a JSON object');
    const response: RevsDiffResponse = {};
    for (const [id, revs] of Object.entries(request)) {
      if (!Array.isArray(revs)) throw new BadRequestError(`Revisions of ${id} must be a list`);
      // No revisions asked about, nothing missing (chttpd_db leaves such documents out).
      if (revs.length === 0) continue;
      revs.forEach((rev) => parseRev(rev));
      const record = loadRecord(ctx.storage, id);
      if (!record) {
        response[id] = { missing: [...revs] };
        continue;
      }
      const { missing, possibleAncestors } = missingRevisions(record.tree, revs);
      if (missing.length === 0) continue;
      response[id] = possibleAncestors.length > 0 ? { missing, possible_ancestors: possibleAncestors } : { missing };
    }
    return response;
  }

  async getAttachment(docId: string, name: string, options: GetAttachmentOptions = {}): Promise<AttachmentData> {
    const ctx = this.ctx;
    assertReadableId(docId);
    checkReadId(ctx, docId);
    return readAttachment(ctx, docId, name, options);
  }

  async putAttachment(
    docId: string,
    name: string,
    data: Uint8Array,
    contentType: string,
    rev?: string,
    options: WriteContextOptions = {},
  ): Promise<WriteResult> {
    const ctx = this.ctx;
    assertDocId(docId);
    checkWriteId(ctx, docId);
    if (!(data instanceof Uint8Array)) throw new BadRequestError('Attachment data must be a Uint8Array');
    return writeAttachment(ctx, docId, name, data, contentType, rev, options.userCtx);
  }

  async removeAttachment(docId: string, name: string, rev: string, options: WriteContextOptions = {}): Promise<WriteResult> {
    const ctx = this.ctx;
    assertDocId(docId);
    checkWriteId(ctx, docId);
    if (typeof rev !== 'string') throw new ConflictError('Document update conflict.', { id: docId });
    return deleteAttachment(ctx, docId, name, rev, options.userCtx);
  }

  async find<T extends object = JsonObject>(request: FindRequest): Promise<FindResponse<Document<T>>> {
    return runFind(this.ctx, request) as FindResponse<Document<T>>;
  }

  async explain(request: FindRequest): Promise<ExplainResponse> {
    const { ctx, props } = this.open;
    return runExplain(ctx, props.partitioned === true, request);
  }

  async createIndex(definition: IndexDefinition): Promise<CreateIndexResponse> {
    return createIndex(this.ctx, definition);
  }

  async getIndexes(): Promise<IndexListResponse> {
    return listIndexes(this.ctx);
  }

  async deleteIndex(ddoc: string, name: string): Promise<OkResponse> {
    return deleteIndex(this.ctx, ddoc, name);
  }

  async getSecurity(): Promise<SecurityObject> {
    const text = this.ctx.storage.get(SPACE.meta, 'security');
    return text === undefined ? {} : (JSON.parse(text) as SecurityObject);
  }

  async putSecurity(security: SecurityObject): Promise<OkResponse> {
    const ctx = this.ctx;
    checkSecurityObject(security);
    ctx.storage.write([{ type: 'put', space: SPACE.meta, key: 'security', value: JSON.stringify(security) }]);
    return { ok: true };
  }

  async getRevsLimit(): Promise<number> {
    return this.ctx.meta.revsLimit;
  }

  async putRevsLimit(limit: number): Promise<OkResponse> {
    const ctx = this.ctx;
    if (!Number.isInteger(limit) || limit < 1) throw new BadRequestError(`revs_limit must be a positive integer, got ${String(limit)}`);
    const meta = copyMeta(ctx.meta);
    meta.revsLimit = limit;
    ctx.storage.write([metaOp(meta)]);
    ctx.meta = meta;
    return { ok: true };
  }

  async getPurgedInfosLimit(): Promise<number> {
    return this.ctx.meta.purgedInfosLimit;
  }

  async putPurgedInfosLimit(limit: number): Promise<OkResponse> {
    const ctx = this.ctx;
    // CouchDB's check and reason (chttpd_db), so the engine and a server answer alike.
    if (!Number.isSafeInteger(limit) || limit < 1) throw new BadRequestError('`purge_infos_limit` must be positive integer');
    const meta = copyMeta(ctx.meta);
    meta.purgedInfosLimit = limit;
    ctx.storage.write([metaOp(meta)]);
    ctx.meta = meta;
    return { ok: true };
  }

  async compact(): Promise<OkResponse> {
    compactDatabase(this.ctx);
    return { ok: true };
  }

  async query<K = JsonValue, V = JsonValue>(ddoc: string, view: string, options: ViewQueryOptions<K> = {}): Promise<ViewResponse<K, V>> {
    const { partition, ...rest } = options as ViewQueryOptions;
    // couch_mrview_http:parse_params checks the partition name as it reads the parameter.
    if (partition !== undefined) assertPartitionName(partition);
    return runViewQuery(this.ctx, ddoc, view, rest, partition) as ViewResponse<K, V>;
  }

  /**
   * CouchDB's `GET /{db}/_design/{ddoc}/_info`: the state of the design document's view index (not on the adapter
   * contract; the server uses it when it serves an engine). 404 when the design document is missing.
   */
  async designInfo(ddoc: string): Promise<DesignInfo> {
    return viewIndexInfo(this.ctx, ddoc);
  }

  async show(ddoc: string, name: string, docId?: string, request: DesignRequest = {}): Promise<DesignResponse> {
    return runShow(this.ctx, await this.info(), ddoc, name, docId, request);
  }

  async list(ddoc: string, name: string, view: string, options: ListQueryOptions = {}, request: DesignRequest = {}): Promise<DesignResponse> {
    return runList(this.ctx, await this.info(), ddoc, name, view, options, request);
  }

  async update(ddoc: string, name: string, docId?: string, request: DesignRequest = {}): Promise<DesignResponse> {
    return runUpdate(this.ctx, await this.info(), ddoc, name, docId, request, (doc, userCtx) => this.put(doc, { userCtx }));
  }

  async purge(request: Record<string, string[]>): Promise<{ purge_seq: null; purged: Record<string, string[]> }> {
    const ctx = this.ctx;
    if (isJsonObject(request)) Object.keys(request).forEach((id) => checkWriteId(ctx, id));
    return { purge_seq: null, purged: purgeDocs(ctx, request) };
  }

  /** One partition of this database (see {@link PartitionAdapter}); its calls check the name and the database. */
  partition(name: string): PartitionAdapter {
    return new EnginePartition(this, name, () => this.open);
  }

  private writeOne(doc: PreparedDoc, newEdits: boolean, userCtx?: UserContext): WriteResult {
    const ctx = this.ctx;
    if (!newEdits && !doc.rev && !doc.revisions) {
      throw new BadRequestError('When `new_edits: false`, the document needs `_rev` or `_revisions` specified');
    }
    const [result] = writeDocs(ctx, [doc], newEdits, userCtx);
    if (!result) {
      // Replicated writes report only failures; success answers with the revision stored.
      const rev = doc.revisions ? `${doc.revisions.start}-${doc.revisions.ids[0]}` : `${doc.rev!.pos}-${doc.rev!.hash}`;
      return { ok: true, id: doc.id!, rev };
    }
    if ('ok' in result) return result;
    throw errorFromCouch(result, designWriteErrorStatus(result.error));
  }
}

/** `_rev` may come in the body or as an option (CouchDB's `?rev=`); both must agree. */
function prepareWithRev(doc: object, rev: string | undefined, id: string | undefined): PreparedDoc {
  if (!isJsonObject(doc)) throw new BadRequestError('Document must be a JSON object');
  if (rev !== undefined && doc._rev !== undefined && rev !== doc._rev) {
    throw new BadRequestError('Document rev from request body and query string have different values');
  }
  const merged = rev !== undefined && doc._rev === undefined ? { ...doc, _rev: rev } : doc;
  return prepareDoc(merged, id);
}

/**
 * In a partitioned database, writes need `partition:docid` ids (or `_design/`, `_local/`), so a generated id will
 * not do; nothing is written otherwise. Returns the document.
 */
function checkWriteDoc(ctx: DbContext, doc: PreparedDoc): PreparedDoc {
  if (ctx.partitioned === true && doc.id === undefined) throw generatedIdRefused();
  if (doc.id !== undefined) checkWriteId(ctx, doc.id);
  return doc;
}

/** The partitioned database's id rule for a write of `id` (see partition-ids.ts). */
function checkWriteId(ctx: DbContext, id: string): void {
  if (ctx.partitioned === true) assertPartitionedDocId(id);
}

/** Reads of a partitioned database refuse ids without a partition, as CouchDB's shard lookup does. */
function checkReadId(ctx: DbContext, id: string): void {
  if (ctx.partitioned === true) assertReadablePartitionedId(id);
}

/** Reads take any id a document could have, with the same message as writes for obviously wrong ones. */
function assertReadableId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || id === '') {
    throw new BadRequestError(`Document id must be a non-empty string, got ${JSON.stringify(id) ?? typeof id}.`, { error: 'illegal_docid' });
  }
}

/** CouchDB's query-parameter checks for `_all_docs`-style listings, with its reasons. */
function checkListingOptions(options: AllDocsOptions): void {
  for (const name of ['limit', 'skip'] as const) {
    const value = options[name];
    if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
      throw new BadRequestError(`Invalid value for positive integer: "${String(value)}"`, { error: 'query_parse_error' });
    }
  }
  for (const name of ['descending', 'include_docs', 'inclusive_end', 'conflicts', 'attachments', 'att_encoding_info', 'update_seq'] as const) {
    const value: unknown = options[name];
    if (value !== undefined && typeof value !== 'boolean') {
      throw new BadRequestError(`Invalid boolean parameter: "${String(value)}"`, { error: 'query_parse_error' });
    }
  }
  for (const name of ['key', 'startkey', 'endkey'] as const) {
    const value: unknown = options[name];
    if (value !== undefined && typeof value !== 'string') {
      throw new BadRequestError(`\`${name}\` must be a document id (a string), got ${JSON.stringify(value)}.`, { error: 'query_parse_error' });
    }
  }
  if (options.keys === undefined) return;
  if (!Array.isArray(options.keys)) throw new BadRequestError('`keys` body member must be an array.');
  if (options.key !== undefined || options.startkey !== undefined || options.endkey !== undefined) {
    throw new BadRequestError('`keys` is incompatible with `key`, `start_key` and `end_key`', { error: 'query_parse_error' });
  }
}
