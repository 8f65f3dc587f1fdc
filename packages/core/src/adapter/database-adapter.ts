import type { Observable } from 'rxjs';
import type { JsonObject, JsonValue } from '../json.js';
import type { AllDocsOptions, AllDocsResponse, LocalDocsResponse } from './all-docs.js';
import type { AttachmentData, GetAttachmentOptions } from './attachments.js';
import type {
  BulkDocsInput,
  BulkDocsOptions,
  BulkGetOptions,
  BulkGetRequest,
  BulkGetResponse,
  BulkWriteResult,
  RevsDiffRequest,
  RevsDiffResponse,
} from './bulk.js';
import type { ChangesOptions, ChangesResponse, ChangesRow, LiveChangesOptions } from './changes.js';
import type {
  Document,
  DocumentInput,
  GetOptions,
  OpenRevsEntry,
  OpenRevsOptions,
  PutOptions,
  WriteResult,
} from './documents.js';
import type {
  CreateIndexResponse,
  ExplainResponse,
  FindRequest,
  FindResponse,
  IndexDefinition,
  IndexListResponse,
} from './find.js';
import type { DbInfo, OkResponse, SecurityObject } from './info.js';
import type { PartitionAdapter } from './partition.js';
import type {
  DesignRequest,
  DesignResponse,
  ListQueryOptions,
  ViewQueryOptions,
  ViewResponse,
  WriteContextOptions,
} from '../views/view-types.js';

/**
 * One CouchDB database, as every Settee backend exposes it. The shapes are CouchDB's HTTP API's, so an HTTP
 * adapter is a thin mapping and the engine answers exactly what a CouchDB server answers.
 *
 * Rules every implementation keeps (the conformance suite in `test/conformance` checks them on each backend):
 * - Inputs and outputs are plain JSON values (plus `Uint8Array` for attachment bytes). Returned objects belong to
 *   the caller: mutating them never changes stored data.
 * - Failures reject with a `SetteeError` subclass carrying CouchDB's status, `error` and `reason`
 *   (`ConflictError` 409 `conflict` "Document update conflict.", `NotFoundError` 404 `not_found` `missing` /
 *   `deleted` / "Database does not exist.", `BadRequestError` 400 `bad_request` "Invalid rev format", ...).
 *   A rejected request writes nothing.
 * - Revision ids are `N-<32 hex>`; the winner among leaves is the one that is not deleted, then has the highest
 *   generation, then the greatest hash; other live leaves are `_conflicts`, deleted ones `_deleted_conflicts`.
 * - Ids starting with `_` are refused (`illegal_docid`) except `_design/...` and `_local/...`. Unknown top-level
 *   `_` members are refused with `doc_validation`.
 * - In a database created with `partitioned: true`, other ids must be `partition:docid` (400 `illegal_docid` "Doc id
 *   must be of form partition:id", or `illegal_partition`) on every write path, and reads refuse ids without a colon;
 *   see {@link PartitionAdapter}.
 * - `_local/...` documents have no revision history or MVCC (revs `0-N`), never appear in `allDocs` or the
 *   changes feed, and are not counted in `info()`.
 * - Each committed write gets a new update sequence; the changes feed lists each document once, at its latest
 *   sequence, in sequence order, and a live feed never emits the same change twice.
 * - `bulkDocs` is atomic per document: per-document conflicts and validation rejections are result entries, while a
 *   malformed request (bad id, bad rev, `_foo` member) rejects the whole call and writes nothing.
 */
export interface DatabaseAdapter {
  /** The database's name. */
  readonly name: string;

  /**
   * Where this database lives, never with credentials: `http://host:5984/db` over HTTP, `settee-engine:sqlite:<dir>/db`
   * or `settee-engine:memory:<instance>/db` for the engine. Stable for as long as the data is, so the replicator
   * hashes it into replication ids (CouchDB hashes its endpoints' URLs the same way).
   */
  readonly location: string;

  /** Document and update counts, sizes and the current `update_seq`. */
  info(): Promise<DbInfo>;

  /**
   * Reads a document: the winning revision, or `options.rev`. A missing document rejects with `NotFoundError`
   * reason `missing`; a deleted one (winner is a tombstone) with reason `deleted`, unless `rev` names a revision.
   */
  get<T extends object = JsonObject>(id: string, options?: GetOptions): Promise<Document<T>>;

  /** Reads several leaf revisions at once (CouchDB's `open_revs`): `'all'` leaves, or the listed revisions. */
  getOpenRevs(id: string, revs: 'all' | string[], options?: OpenRevsOptions): Promise<OpenRevsEntry[]>;

  /**
   * Creates or updates the document `doc._id`. Updating needs the current leaf as `_rev` (or `options.rev`); a
   * missing or stale one rejects with `ConflictError`. `_deleted: true` writes a tombstone. A document deleted
   * before can be re-created without `_rev`; its revision number continues.
   */
  put<T extends object = JsonObject>(doc: DocumentInput<T> & { _id: string }, options?: PutOptions): Promise<WriteResult>;

  /** Creates a document, generating its id unless `doc._id` is given. */
  post<T extends object = JsonObject>(doc: DocumentInput<T>, options?: PutOptions): Promise<WriteResult>;

  /** Deletes the document by writing a tombstone child of `rev`. */
  remove(id: string, rev: string, options?: WriteContextOptions): Promise<WriteResult>;

  /**
   * Writes many documents. Results come in request order: `{ok, id, rev}` or `{id, error, reason}` per document.
   * With `new_edits: false` documents are merged into their revision trees as given and only failures are listed.
   */
  bulkDocs<T extends object = JsonObject>(docs: BulkDocsInput<T>, options?: BulkDocsOptions): Promise<BulkWriteResult[]>;

  /** Reads many documents or revisions in one call (CouchDB's `_bulk_get`); every request entry gets a result. */
  bulkGet(docs: readonly BulkGetRequest[], options?: BulkGetOptions): Promise<BulkGetResponse>;

  /** Lists documents by id (raw UTF-8 byte order), CouchDB's `_all_docs`. */
  allDocs(options?: AllDocsOptions): Promise<AllDocsResponse>;

  /** Lists the `_local` documents (CouchDB's `_local_docs`). */
  localDocs(options?: Pick<AllDocsOptions, 'startkey' | 'endkey' | 'limit' | 'skip' | 'descending' | 'include_docs' | 'keys'>): Promise<LocalDocsResponse>;

  /**
   * One changes request, CouchDB's `_changes` with `feed=normal` or `feed=longpoll`. `last_seq` is the sequence to
   * pass as `since` next time; `pending` counts the changes left after it.
   */
  changes(options?: ChangesOptions): Promise<ChangesResponse>;

  /**
   * The live changes feed (CouchDB's `feed=continuous`) as an Observable: every change after `since`, then each new
   * committed change exactly once, in sequence order, until unsubscribed. Unsubscribing stops all work.
   * Nothing happens until subscription.
   */
  liveChanges(options?: LiveChangesOptions): Observable<ChangesRow>;

  /** For each document, the given revisions the database does not have (replication's `_revs_diff`). */
  revsDiff(request: RevsDiffRequest): Promise<RevsDiffResponse>;

  /** Reads an attachment's bytes and metadata. */
  getAttachment(docId: string, name: string, options?: GetAttachmentOptions): Promise<AttachmentData>;

  /**
   * Adds or replaces an attachment, creating a new revision of the document (`rev` is required when the document
   * exists; without a document, one is created). `options.userCtx` is who `validate_doc_update` sees writing.
   */
  putAttachment(docId: string, name: string, data: Uint8Array, contentType: string, rev?: string, options?: WriteContextOptions): Promise<WriteResult>;

  /** Removes an attachment, creating a new revision. */
  removeAttachment(docId: string, name: string, rev: string, options?: WriteContextOptions): Promise<WriteResult>;

  /**
   * Mango query (CouchDB's `_find`): documents matching `selector`, sorted, projected and paged. Uses the best JSON
   * index (or `use_index`); without a usable one it scans all documents and says so in `warning`. A sort no index
   * can serve rejects with 400 `no_usable_index`. Bookmarks page through a result set returning each document once.
   */
  find<T extends object = JsonObject>(request: FindRequest): Promise<FindResponse<Document<T>>>;

  /** How `find` would run `request` (CouchDB's `_explain`). */
  explain(request: FindRequest): Promise<ExplainResponse>;

  /**
   * Creates a JSON index (CouchDB's `POST _index`), stored as a `language: "query"` design document; `exists` when
   * an identical one is already there. Indexes are kept up to date on every write.
   */
  createIndex(definition: IndexDefinition): Promise<CreateIndexResponse>;

  /** Lists the indexes, the special `_all_docs` index first (CouchDB's `GET _index`). */
  getIndexes(): Promise<IndexListResponse>;

  /** Deletes an index (CouchDB's `DELETE _index/{ddoc}/json/{name}`). */
  deleteIndex(ddoc: string, name: string): Promise<OkResponse>;

  /** Reads the database's `_security` object (`{}` when never set). */
  getSecurity(): Promise<SecurityObject>;

  /** Replaces the database's `_security` object. */
  putSecurity(security: SecurityObject): Promise<OkResponse>;

  /** How many revisions of history each document keeps (CouchDB's `_revs_limit`, default 1000). */
  getRevsLimit(): Promise<number>;

  /** Sets `_revs_limit`; older history is stemmed on the next write of each document. */
  putRevsLimit(limit: number): Promise<OkResponse>;

  /** How many purge requests the database remembers for replication (CouchDB's `_purged_infos_limit`, default 1000). */
  getPurgedInfosLimit(): Promise<number>;

  /** Sets `_purged_infos_limit`: a positive integer, else `BadRequestError` `bad_request`. */
  putPurgedInfosLimit(limit: number): Promise<OkResponse>;

  /** Compacts storage: bodies of non-leaf revisions are dropped. Resolves once accepted. */
  compact(): Promise<OkResponse>;

  /**
   * Queries a view of a design document (`ddoc` with or without `_design/`), CouchDB's `_view`. Rows come in view
   * collation order (key, then document id); reduce views answer reduced rows unless `reduce: false`. A missing
   * design document rejects with `NotFoundError` `missing`, a missing view with `missing_named_view`; invalid
   * option combinations with `BadRequestError` `query_parse_error` and CouchDB's reasons.
   */
  query<K = JsonValue, V = JsonValue>(ddoc: string, view: string, options?: ViewQueryOptions<K>): Promise<ViewResponse<K, V>>;

  /** Runs a show function (CouchDB's `_show/{name}[/{docId}]`); a missing document gives the function `null`. */
  show(ddoc: string, name: string, docId?: string, request?: DesignRequest): Promise<DesignResponse>;

  /** Runs a list function over a view (CouchDB's `_list/{name}/{view}`); `view` may be `otherddoc/view`. */
  list(ddoc: string, name: string, view: string, options?: ListQueryOptions, request?: DesignRequest): Promise<DesignResponse>;

  /**
   * Runs an update handler (CouchDB's `_update/{name}[/{docId}]`, POST by default). A document the handler returns
   * is saved (through `validate_doc_update`) and the answer carries `X-Couch-Id` and `X-Couch-Update-NewRev`.
   */
  update(ddoc: string, name: string, docId?: string, request?: DesignRequest): Promise<DesignResponse>;

  /** Removes revisions entirely, as if never written (CouchDB's `_purge`). */
  purge(request: Record<string, string[]>): Promise<{ purge_seq: string | number | null; purged: Record<string, string[]> }>;

  /**
   * One partition of a partitioned database (CouchDB's `/{db}/_partition/{name}`). Creating the handle checks
   * nothing; its calls reject as CouchDB does when the database is not partitioned or the name is not valid.
   */
  partition(name: string): PartitionAdapter;
}
