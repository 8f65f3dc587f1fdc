import type { JsonObject, JsonValue } from '../json.js';
import type { AllDocsOptions, AllDocsResponse } from './all-docs.js';
import type { Document } from './documents.js';
import type { ExplainResponse, FindRequest, FindResponse } from './find.js';
import type { ViewQueryOptions, ViewResponse } from '../views/view-types.js';

/** One partition's counts and sizes, as CouchDB's `GET /{db}/_partition/{partition}`. */
export interface PartitionInfo {
  db_name: string;
  sizes: { active: number; external: number };
  partition: string;
  doc_count: number;
  doc_del_count: number;
}

/**
 * One partition of a partitioned database (CouchDB's `/{db}/_partition/{partition}/...`), as every backend exposes
 * it. In a database created with `partitioned: true` every document id but `_design/` and `_local/` ones is
 * `partition:docid`; these calls only see the documents of one partition.
 *
 * Rules every implementation keeps:
 * - On a database that is not partitioned each call rejects with 400 `bad_request` "database is not partitioned";
 *   a bad partition name (empty, starting with `_`, with a `:`) with 400 `illegal_partition`.
 * - `allDocs` lists the partition's ids only (`keys` are looked up as given); `find` and `explain` use the
 *   partitioned indexes (and `_all_docs`) and return the partition's documents only.
 * - `query` reads a partitioned view (a design document of a partitioned database, unless it sets
 *   `options.partitioned: false`): a global view rejects with 400 `query_parse_error` "`partition` parameter is not
 *   supported in this design doc"; a partitioned view queried without a partition rejects with "`partition`
 *   parameter is mandatory for queries to this view."
 */
export interface PartitionAdapter {
  /** The partition's document counts and sizes. */
  info(): Promise<PartitionInfo>;

  /** CouchDB's `_all_docs` within the partition. */
  allDocs(options?: AllDocsOptions): Promise<AllDocsResponse>;

  /** A Mango query within the partition (`_find`). */
  find<T extends object = JsonObject>(request: FindRequest): Promise<FindResponse<Document<T>>>;

  /** How `find` would run `request` in the partition (`_explain`). */
  explain(request: FindRequest): Promise<ExplainResponse>;

  /** Queries a partitioned view (`ddoc` with or without `_design/`) within the partition. */
  query<K = JsonValue, V = JsonValue>(ddoc: string, view: string, options?: ViewQueryOptions<K>): Promise<ViewResponse<K, V>>;
}
