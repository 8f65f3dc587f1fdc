import type { Document } from '../adapter/documents.js';
import type { JsonValue } from '../json.js';

/**
 * Query parameters of a view (CouchDB's `GET /{db}/_design/{ddoc}/_view/{view}`). Keys are JSON values; the HTTP
 * adapter encodes them, the engine compares them with CouchDB's view collation.
 */
export interface ViewQueryOptions<K = JsonValue> {
  /** Only rows with exactly this key. */
  key?: K;
  /** Only rows with these keys, in this order (a key may repeat). Not with `key`/`startkey`/`endkey`. */
  keys?: readonly K[];
  /** First key of the range (last one with `descending`). */
  startkey?: K | JsonValue;
  /** Last key of the range. */
  endkey?: K | JsonValue;
  /** Among rows whose key equals `startkey`, start at this document id. */
  startkey_docid?: string;
  /** Among rows whose key equals `endkey`, stop at this document id. */
  endkey_docid?: string;
  /** Include rows whose key equals `endkey` (default true). */
  inclusive_end?: boolean;
  /** Reverse order; `startkey` then comes after `endkey`. */
  descending?: boolean;
  limit?: number;
  skip?: number;
  /** Add each row's document as `doc` (map rows only). A value `{_id}` links to that document instead. */
  include_docs?: boolean;
  /** With `include_docs`: add `_conflicts` to the documents. Refused on a reduced query, even `false`. */
  conflicts?: boolean;
  /** With `include_docs`: attachment bodies inline as base64 instead of stubs. */
  attachments?: boolean;
  /** With `include_docs`: encoding details of compressed attachments (accepted; the engine stores none). */
  att_encoding_info?: boolean;
  /** Accepted for compatibility: `false` lets a cluster skip merge-sorting; one node always answers sorted rows. */
  sorted?: boolean;
  /** Use the view's reduce function (default true when it has one). */
  reduce?: boolean;
  /** Reduce per distinct key. */
  group?: boolean;
  /** Reduce per the first N elements of array keys; wins over `group`. `keys` needs exact grouping (`group` alone). */
  group_level?: number;
  /** `true` (default): bring the index up to date first; `false`: answer from the index as it is; `lazy`: answer, then update. */
  update?: boolean | 'true' | 'false' | 'lazy';
  /** Accepted for compatibility; a single-node index is always stable. */
  stable?: boolean;
  /** Add the database `update_seq` the index covers. */
  update_seq?: boolean;
  /**
   * Query a partitioned view within one partition of a partitioned database, as `db.partition(p).query` does
   * (CouchDB's `partition` parameter); refused on a global view.
   */
  partition?: string;
}

/** One row of a view answer. Reduced rows have no `id`. */
export interface ViewRow<K = JsonValue, V = JsonValue> {
  id?: string;
  key: K;
  value: V;
  /** With `include_docs`: the document (null when it is missing or deleted). */
  doc?: Document | null;
  /**
   * A row that stands for an error, with no `value`: `not_found` for a `keys` entry that matched nothing (some
   * servers), `reduce_overflow_error` for a group whose JavaScript reduce did not shrink (key null).
   */
  error?: string;
  /** With `error`: CouchDB's explanation (the overflowed output, for `reduce_overflow_error`). */
  reason?: string;
}

/** The answer of a view query: map rows carry `total_rows` and `offset`, reduced ones only `rows`. */
export interface ViewResponse<K = JsonValue, V = JsonValue> {
  total_rows?: number;
  offset?: number;
  update_seq?: string | number;
  rows: Array<ViewRow<K, V>>;
}

/** Who performs a write or a request, as CouchDB's `userCtx` (`validate_doc_update`'s third argument). */
export interface UserContext {
  /** The database name (CouchDB fills it in; backends default it). */
  db?: string;
  name: string | null;
  roles: string[];
}

/** Options every write takes: who writes (the engine runs `validate_doc_update` with it; HTTP ignores it). */
export interface WriteContextOptions {
  /** Defaults to the server admin: `{ name: null, roles: ['_admin'] }` on the engine, which has no users. */
  userCtx?: UserContext;
}

/** An HTTP-like request handed to show, list and update functions (CouchDB's `req` object is built from it). */
export interface DesignRequest {
  /** Default `GET` for shows and lists, `POST` for update handlers. */
  method?: string;
  /** Query parameters as strings (CouchDB's `req.query`). */
  query?: Record<string, string>;
  /** Request headers (CouchDB's `req.headers`, names as sent). */
  headers?: Record<string, string>;
  /** The raw request body (`req.body`); form-encoded bodies also fill `req.form`. */
  body?: string;
  /** Who calls (default: the admin). */
  userCtx?: UserContext;
  /** The client's address (`req.peer`). */
  peer?: string;
  /** Cookies (`req.cookie`). */
  cookie?: Record<string, string>;
}

/** What a show, list or update function answered, as CouchDB would send it. */
export interface DesignResponse {
  status: number;
  /** Response headers, names as the function gave them (`Content-Type` always present). */
  headers: Record<string, string>;
  /** The body bytes (UTF-8 text, or decoded `base64`). */
  body: Uint8Array;
}

/** Query options of a list call: the view's query (`_list/{list}/{view}?...`). */
export type ListQueryOptions = ViewQueryOptions;

/** A design document as stored: views, validation, shows, lists, updates and filters, functions as source text. */
export interface DesignDocument {
  _id: string;
  _rev?: string;
  language?: string;
  views?: Record<string, { map: string; reduce?: string }>;
  validate_doc_update?: string;
  shows?: Record<string, string>;
  lists?: Record<string, string>;
  updates?: Record<string, string>;
  filters?: Record<string, string>;
}
