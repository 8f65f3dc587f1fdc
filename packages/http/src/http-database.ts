import type { Observable } from 'rxjs';
import type {
  CreateIndexResponse,
  ExplainResponse,
  FindRequest,
  FindResponse,
  IndexDefinition,
  IndexListResponse,
  AllDocsOptions,
  AllDocsResponse,
  AttachmentData,
  BulkDocsInput,
  BulkDocsOptions,
  BulkGetOptions,
  BulkGetRequest,
  BulkGetResponse,
  BulkWriteResult,
  ChangesOptions,
  ChangesResponse,
  ChangesRow,
  DatabaseAdapter,
  DbInfo,
  Document,
  DocumentInput,
  GetAttachmentOptions,
  GetOptions,
  JsonObject,
  JsonValue,
  LocalDocsResponse,
  OkResponse,
  OpenRevsEntry,
  OpenRevsOptions,
  PutOptions,
  RevsDiffRequest,
  RevsDiffResponse,
  SecurityObject,
  WriteResult,
  DesignRequest,
  DesignResponse,
  ListQueryOptions,
  ViewQueryOptions,
  ViewResponse,
  WriteContextOptions,
  PartitionAdapter,
  PartitionInfo,
} from '@settee/core';
import { changesRequest } from './changes-request.js';
import { callDesignFunction } from './design-requests.js';
import { withoutUserCtx } from './views-options.js';
import { copyDoc, getIfNoneMatch, headDoc, postMango, queryView } from './database-extras.js';
import type { ConditionalGet, CopyOptions } from './extras-types.js';
import type { HttpClient } from './http-client.js';
import {
  changesStream,
  liveChangesFeed,
  type ChangesStreamOptions,
  type HttpLiveChangesOptions,
  type LiveFeedSettings,
} from './live-changes.js';
import { callSpec, type CallOptions } from './options.js';
import { encodeAttachmentName, encodeDbName, encodeDocId, joinPath, type Query } from './url.js';

/** What a database handle shares with its server adapter. */
export interface DatabaseContext {
  readonly client: HttpClient;
  readonly feed: LiveFeedSettings;
  /** Tracks a live feed so that `close()` can end it; returns the unregister function. */
  readonly register: (controller: AbortController) => () => void;
}

type ListOptions = Pick<
  AllDocsOptions,
  'startkey' | 'endkey' | 'limit' | 'skip' | 'descending' | 'include_docs' | 'keys'
>;

const EMPTY = new Uint8Array(0);

const BASE64_MD5 = /^[A-Za-z0-9+/]{22}==$/;

/**
 * The attachment's MD5 (base64) from its headers: `Content-MD5` when sent, else CouchDB's ETag, which is the quoted
 * base64 MD5 of the attachment (the stub digest without `md5-`).
 */
export function attachmentMd5(headers: Headers): string | undefined {
  const md5 = headers.get('content-md5');
  if (md5 !== null && BASE64_MD5.test(md5)) return md5;
  const etag = headers.get('etag')?.replace(/^"|"$/g, '');
  return etag !== undefined && BASE64_MD5.test(etag) ? etag : undefined;
}

/** The id of a document to PUT; callers without types may pass a non-string, which CouchDB then refuses. */
function idOf(doc: { _id?: unknown }): string {
  return String(doc._id);
}

/**
 * One CouchDB database over HTTP: each contract method is one request to the endpoint of the same meaning, and
 * answers are passed through as CouchDB sends them. Every method takes an optional trailing `{ signal }`.
 */
export class HttpDatabase implements DatabaseAdapter {
  readonly name: string;
  readonly #context: DatabaseContext;
  readonly #path: string;

  constructor(context: DatabaseContext, name: string) {
    this.#context = context;
    this.name = name;
    this.#path = encodeDbName(name);
  }

  /** The database's URL without credentials (the replicator hashes it into replication ids). */
  get location(): string {
    return `${this.client.url.base}${this.#path}`;
  }

  /** The encoded database path, relative to the server root. */
  get path(): string {
    return this.#path;
  }

  protected get client(): HttpClient {
    return this.#context.client;
  }

  protected docPath(id: string): string {
    return joinPath(this.#path, encodeDocId(id));
  }

  info(call?: CallOptions): Promise<DbInfo> {
    return this.client.json({ method: 'GET', path: this.#path, ...callSpec(call) });
  }

  get<T extends object = JsonObject>(id: string, options: GetOptions = {}, call?: CallOptions): Promise<Document<T>> {
    return this.client.json({ method: 'GET', path: this.docPath(id), query: options as Query, ...callSpec(call) });
  }

  getOpenRevs(id: string, revs: 'all' | string[], options: OpenRevsOptions = {}, call?: CallOptions): Promise<OpenRevsEntry[]> {
    return this.client.json({
      method: 'GET',
      path: this.docPath(id),
      query: { ...(options as Query), open_revs: revs === 'all' ? 'all' : revs },
      // Without it CouchDB answers multipart/mixed.
      headers: { accept: 'application/json' },
      ...callSpec(call),
    });
  }

  put<T extends object = JsonObject>(
    doc: DocumentInput<T> & { _id: string },
    options: PutOptions = {},
    call?: CallOptions,
  ): Promise<WriteResult> {
    return this.client.json({
      method: 'PUT',
      path: this.docPath(idOf(doc)),
      query: withoutUserCtx(options) as Query,
      json: doc,
      ...callSpec(call),
    });
  }

  post<T extends object = JsonObject>(doc: DocumentInput<T>, options: PutOptions = {}, call?: CallOptions): Promise<WriteResult> {
    return this.client.json({
      method: 'POST',
      path: this.#path,
      query: withoutUserCtx(options) as Query,
      json: doc,
      ...callSpec(call),
    });
  }

  /** The server decides who writes (its session), so a `userCtx` option is not sent. */
  remove(id: string, rev: string, _options?: WriteContextOptions | CallOptions, call?: CallOptions): Promise<WriteResult> {
    if (call === undefined && _options !== undefined && !('userCtx' in _options)) call = _options as CallOptions;
    return this.client.json({ method: 'DELETE', path: this.docPath(id), query: { rev }, ...callSpec(call) });
  }

  bulkDocs<T extends object = JsonObject>(
    docs: BulkDocsInput<T>,
    options: BulkDocsOptions = {},
    call?: CallOptions,
  ): Promise<BulkWriteResult[]> {
    return this.client.json({
      method: 'POST',
      path: joinPath(this.#path, '_bulk_docs'),
      json: { ...withoutUserCtx(options), docs },
      ...callSpec(call),
    });
  }

  bulkGet(docs: readonly BulkGetRequest[], options: BulkGetOptions = {}, call?: CallOptions): Promise<BulkGetResponse> {
    return this.client.json({
      method: 'POST',
      path: joinPath(this.#path, '_bulk_get'),
      query: options as Query,
      json: { docs },
      idempotent: true,
      ...callSpec(call),
    });
  }

  allDocs(options: AllDocsOptions = {}, call?: CallOptions): Promise<AllDocsResponse> {
    return this.#list('_all_docs', options, call);
  }

  localDocs(options: ListOptions = {}, call?: CallOptions): Promise<LocalDocsResponse> {
    return this.#list('_local_docs', options, call);
  }

  /** `_all_docs`-like listings: GET with query parameters, or POST when `keys` is given (it may be long). */
  #list<R>(endpoint: string, options: AllDocsOptions, call: CallOptions | undefined): Promise<R> {
    const { keys, ...query } = options;
    return this.client.json({
      method: keys === undefined ? 'GET' : 'POST',
      path: joinPath(this.#path, endpoint),
      query: query as Query,
      ...(keys === undefined ? {} : { json: { keys } }),
      idempotent: true,
      ...callSpec(call),
    });
  }

  changes(options: ChangesOptions = {}, call?: CallOptions): Promise<ChangesResponse> {
    return this.client.json({ ...changesRequest(this.#path, options), ...callSpec(call) });
  }

  /** The live changes feed; `feed: 'eventsource'` reads `text/event-stream` instead of JSON lines. */
  liveChanges(options: HttpLiveChangesOptions = {}): Observable<ChangesRow> {
    return liveChangesFeed(this.client, this.#path, options, this.#context.feed, this.#context.register);
  }

  /**
   * One streamed `_changes` request (`feed: 'continuous'` or `'eventsource'`): rows as they arrive, completing when
   * the server ends the answer (give `timeout` or `limit`); no reconnection. Unsubscribing aborts the request.
   */
  changesStream(options: ChangesStreamOptions): Observable<ChangesRow> {
    return changesStream(this.client, this.#path, options, this.#context.register);
  }

  revsDiff(request: RevsDiffRequest, call?: CallOptions): Promise<RevsDiffResponse> {
    return this.client.json({
      method: 'POST',
      path: joinPath(this.#path, '_revs_diff'),
      json: request,
      idempotent: true,
      ...callSpec(call),
    });
  }

  async getAttachment(
    docId: string,
    name: string,
    options: GetAttachmentOptions = {},
    call?: CallOptions,
  ): Promise<AttachmentData> {
    const answer = await this.client.bytes({
      method: 'GET',
      path: joinPath(this.docPath(docId), encodeAttachmentName(name)),
      query: options as Query,
      headers: { accept: '*/*' },
      ...callSpec(call),
    });
    const data = answer.body;
    const contentType = answer.headers.get('content-type') ?? 'application/octet-stream';
    const md5 = attachmentMd5(answer.headers);
    const digest = md5 === undefined ? await this.#stubDigest(docId, name, options.rev, call) : `md5-${md5}`;
    return { data, content_type: contentType, digest, length: data.byteLength };
  }

  /** Servers whose headers carry no MD5 (pouchdb-server): the digest from the document's attachment stub. */
  async #stubDigest(docId: string, name: string, rev: string | undefined, call: CallOptions | undefined): Promise<string> {
    const doc = await this.get(docId, rev === undefined ? {} : { rev }, call);
    const stub = doc._attachments?.[name];
    return stub?.digest ?? '';
  }

  putAttachment(
    docId: string,
    name: string,
    data: Uint8Array,
    contentType: string,
    rev?: string,
    _options?: WriteContextOptions,
    call?: CallOptions,
  ): Promise<WriteResult> {
    // Over HTTP the server's session decides who writes: a userCtx is not sent.
    return this.client.json({
      method: 'PUT',
      path: joinPath(this.docPath(docId), encodeAttachmentName(name)),
      query: { rev },
      body: data,
      contentType,
      ...callSpec(call),
    });
  }

  removeAttachment(docId: string, name: string, rev: string, _options?: WriteContextOptions, call?: CallOptions): Promise<WriteResult> {
    return this.client.json({
      method: 'DELETE',
      path: joinPath(this.docPath(docId), encodeAttachmentName(name)),
      query: { rev },
      ...callSpec(call),
    });
  }

  find<T extends object = JsonObject>(request: FindRequest, call?: CallOptions): Promise<FindResponse<Document<T>>> {
    return postMango<FindResponse<Document<T>>>(this.client, this.#path, '_find', request, call);
  }

  explain(request: FindRequest, call?: CallOptions): Promise<ExplainResponse> {
    return postMango<ExplainResponse>(this.client, this.#path, '_explain', request, call);
  }

  createIndex(definition: IndexDefinition, call?: CallOptions): Promise<CreateIndexResponse> {
    // Creating the same index twice answers `exists`, so a retry is harmless.
    return this.client.json({
      method: 'POST',
      path: joinPath(this.#path, '_index'),
      json: definition,
      idempotent: true,
      ...callSpec(call),
    });
  }

  getIndexes(call?: CallOptions): Promise<IndexListResponse> {
    return this.client.json({ method: 'GET', path: joinPath(this.#path, '_index'), ...callSpec(call) });
  }

  deleteIndex(ddoc: string, name: string, call?: CallOptions): Promise<OkResponse> {
    const designId = ddoc.startsWith('_design/') ? ddoc.slice('_design/'.length) : ddoc;
    return this.client.json({
      method: 'DELETE',
      path: joinPath(this.#path, '_index', encodeURIComponent(designId), 'json', encodeURIComponent(name)),
      ...callSpec(call),
    });
  }

  getSecurity(call?: CallOptions): Promise<SecurityObject> {
    return this.#getSetting('_security', call);
  }

  putSecurity(security: SecurityObject, call?: CallOptions): Promise<OkResponse> {
    return this.#putSetting('_security', security, call);
  }

  getRevsLimit(call?: CallOptions): Promise<number> {
    return this.#getSetting('_revs_limit', call);
  }

  putRevsLimit(limit: number, call?: CallOptions): Promise<OkResponse> {
    return this.#putSetting('_revs_limit', limit, call);
  }

  getPurgedInfosLimit(call?: CallOptions): Promise<number> {
    return this.#getSetting('_purged_infos_limit', call);
  }

  putPurgedInfosLimit(limit: number, call?: CallOptions): Promise<OkResponse> {
    return this.#putSetting('_purged_infos_limit', limit, call);
  }

  /** A database setting's JSON (`_security`, `_revs_limit`, `_purged_infos_limit`). */
  #getSetting<T>(name: string, call: CallOptions | undefined): Promise<T> {
    return this.client.json({ method: 'GET', path: joinPath(this.#path, name), ...callSpec(call) });
  }

  #putSetting(name: string, value: SecurityObject | number, call: CallOptions | undefined): Promise<OkResponse> {
    return this.client.json({ method: 'PUT', path: joinPath(this.#path, name), json: value, ...callSpec(call) });
  }

  compact(call?: CallOptions): Promise<OkResponse> {
    // CouchDB refuses _compact without a JSON content type (415), even though it reads no body.
    return this.client.json({
      method: 'POST',
      path: joinPath(this.#path, '_compact'),
      body: EMPTY,
      contentType: 'application/json',
      ...callSpec(call),
    });
  }

  purge(
    request: Record<string, string[]>,
    call?: CallOptions,
  ): Promise<{ purge_seq: string | number | null; purged: Record<string, string[]> }> {
    return this.client.json({ method: 'POST', path: joinPath(this.#path, '_purge'), json: request, ...callSpec(call) });
  }
  // Beyond the contract: HTTP-level document features, views and partitions.

  /** The current revision of a document from `HEAD` (its ETag), or undefined when missing or deleted. */
  head(id: string, call?: CallOptions): Promise<string | undefined> {
    return headDoc(this.client, this.docPath(id), call);
  }

  /** Reads a document unless it still has the revision `etag` names (CouchDB answers 304 then). */
  getIfNoneMatch<T extends object = JsonObject>(
    id: string,
    etag: string,
    options: GetOptions = {},
    call?: CallOptions,
  ): Promise<ConditionalGet<T>> {
    return getIfNoneMatch<T>(this.client, this.docPath(id), etag, options as Query, call);
  }

  /** Copies a document server-side (`COPY`), to a new id or over `destinationRev` of an existing one. */
  copy(sourceId: string, destinationId: string, options: CopyOptions = {}, call?: CallOptions): Promise<WriteResult> {
    return copyDoc(this.client, this.#path, sourceId, destinationId, options, call);
  }

  /** Queries a view of a design document (`ddoc` with or without `_design/`): CouchDB's `_view`. */
  query<K = JsonValue, V = JsonValue>(ddoc: string, view: string, options: ViewQueryOptions<K> = {}, call?: CallOptions): Promise<ViewResponse<K, V>> {
    return queryView<K, V>(this.client, this.#path, ddoc, view, options, call);
  }

  /** Runs a show function (`_show/{name}[/{docId}]`). */
  show(ddoc: string, name: string, docId?: string, request?: DesignRequest, call?: CallOptions): Promise<DesignResponse> {
    const segments = docId === undefined ? [name] : [name, docId];
    return callDesignFunction(this.client, this.#path, { kind: '_show', ddoc, segments, defaultMethod: 'GET' }, request, call);
  }

  /** Runs a list function over a view (`_list/{name}/{view}`, or `{ddoc}/{view}` of another design doc). */
  list(ddoc: string, name: string, view: string, options?: ListQueryOptions, request?: DesignRequest, call?: CallOptions): Promise<DesignResponse> {
    const segments = [name, ...view.split('/')];
    return callDesignFunction(this.client, this.#path, { kind: '_list', ddoc, segments, defaultMethod: 'GET', viewQuery: options }, request, call);
  }

  /** Runs an update handler (`_update/{name}[/{docId}]`, POST unless `request.method` says otherwise). */
  update(ddoc: string, name: string, docId?: string, request?: DesignRequest, call?: CallOptions): Promise<DesignResponse> {
    const segments = docId === undefined ? [name] : [name, docId];
    const method = docId === undefined ? 'POST' : 'PUT';
    return callDesignFunction(this.client, this.#path, { kind: '_update', ddoc, segments, defaultMethod: method }, request, call);
  }

  /** The endpoints of one partition of a partitioned database (`/{db}/_partition/{p}/...`). */
  partition(name: string): HttpPartition {
    return new HttpPartition(this.client, joinPath(this.#path, '_partition', encodeURIComponent(name)));
  }
}

/** One partition of a partitioned database: its info, `_all_docs`, `_find`, `_explain` and views. */
export class HttpPartition implements PartitionAdapter {
  readonly #client: HttpClient;
  readonly #path: string;

  constructor(client: HttpClient, path: string) {
    this.#client = client;
    this.#path = path;
  }

  info(call?: CallOptions): Promise<PartitionInfo> {
    return this.#client.json({ method: 'GET', path: this.#path, ...callSpec(call) });
  }

  /** GET with query parameters, or POST when `keys` is given (it may be long). */
  allDocs(options: AllDocsOptions = {}, call?: CallOptions): Promise<AllDocsResponse> {
    const { keys, ...query } = options;
    return this.#client.json({
      method: keys === undefined ? 'GET' : 'POST',
      path: joinPath(this.#path, '_all_docs'),
      query: query as Query,
      ...(keys === undefined ? {} : { json: { keys } }),
      idempotent: true,
      ...callSpec(call),
    });
  }

  find<T extends object = JsonObject>(request: FindRequest, call?: CallOptions): Promise<FindResponse<Document<T>>> {
    return postMango<FindResponse<Document<T>>>(this.#client, this.#path, '_find', request, call);
  }

  explain(request: FindRequest, call?: CallOptions): Promise<ExplainResponse> {
    return postMango<ExplainResponse>(this.#client, this.#path, '_explain', request, call);
  }

  /** Queries a view within the partition (`/_partition/{p}/_design/{ddoc}/_view/{view}`). */
  query<K = JsonValue, V = JsonValue>(ddoc: string, view: string, options: ViewQueryOptions<K> = {}, call?: CallOptions): Promise<ViewResponse<K, V>> {
    return queryView<K, V>(this.#client, this.#path, ddoc, view, options, call);
  }
}
