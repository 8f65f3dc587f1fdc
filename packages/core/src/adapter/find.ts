import type { MangoSelector } from '../mango/selector-types.js';
import type { Document } from './documents.js';

/** One sort entry as JSON: a field name (ascending) or `{ field: 'asc' | 'desc' }`. */
export type MangoSortEntry = string | Record<string, 'asc' | 'desc'>;

/** A `_find` request, as CouchDB's `POST /{db}/_find` body. */
export interface FindRequest {
  selector: MangoSelector;
  /** Fields to return (dot paths); the whole document when absent. */
  fields?: string[];
  sort?: MangoSortEntry[];
  /** Default 25. */
  limit?: number;
  skip?: number;
  /** The `bookmark` of the previous page, to continue after it. */
  bookmark?: string;
  /** `"ddoc"` or `["ddoc", "name"]` of the index to use. */
  use_index?: string | [string, string];
  /** Include `_conflicts` in the documents. */
  conflicts?: boolean;
  execution_stats?: boolean;
  /** Accepted for compatibility (read quorum). */
  r?: number;
  /** Accepted for compatibility. */
  stable?: boolean;
  /** Accepted for compatibility: `false` reads the index without updating it. */
  update?: boolean;
  /** Accepted for compatibility: `"ok"` is `stable: true, update: false`. */
  stale?: 'ok' | false;
  /**
   * `false` refuses to fall back to another index when `use_index` names one that cannot serve the query (400
   * `invalid_index`), or when only `_all_docs` could. Default `true`.
   */
  allow_fallback?: boolean;
  /** Accepted for compatibility (partitioned databases only). */
  partition?: string;
}

/** `execution_stats` of a `_find` answer. */
export interface ExecutionStats {
  total_keys_examined: number;
  total_docs_examined: number;
  total_quorum_docs_examined: number;
  results_returned: number;
  execution_time_ms: number;
}

/** The answer of `_find`. Documents are whole unless `fields` projected them. */
export interface FindResponse<D = Document> {
  docs: D[];
  /**
   * Opaque; pass it back as `bookmark` for the next page, which starts after this page's last document. A page
   * without documents gives back the bookmark it was asked with (`"nil"` when none). Absent when the query matched
   * nothing by construction (`{"$or": []}`).
   */
  bookmark?: string;
  /** E.g. "No matching index found, create an index to optimize query time." */
  warning?: string;
  execution_stats?: ExecutionStats;
}

/** One field of an index definition: a name (ascending) or `{ name: 'asc' | 'desc' }`. */
export type IndexField = string | Record<string, 'asc' | 'desc'>;

/** A `POST /{db}/_index` body. */
export interface IndexDefinition {
  index: { fields: IndexField[]; partial_filter_selector?: MangoSelector };
  /** The design document to keep it in (without `_design/`); generated when absent. */
  ddoc?: string;
  /** The index name; generated when absent. */
  name?: string;
  type?: 'json';
  partitioned?: boolean;
}

/** The answer of `createIndex`. */
export interface CreateIndexResponse {
  result: 'created' | 'exists';
  /** `_design/<ddoc>`. */
  id: string;
  name: string;
}

/** One index as `GET /{db}/_index` lists it. The first is always the special `_all_docs` index. */
export interface IndexInfo {
  /** `_design/<ddoc>`, or null for the special `_all_docs` index. */
  ddoc: string | null;
  name: string;
  type: 'special' | 'json' | 'text';
  /** Absent on the special `_all_docs` index. */
  partitioned?: boolean;
  def: { fields: Array<Record<string, 'asc' | 'desc'>>; partial_filter_selector?: MangoSelector };
}

/** The answer of `getIndexes`. */
export interface IndexListResponse {
  total_rows: number;
  indexes: IndexInfo[];
}

/** The options of a `_find` as `_explain` shows them (CouchDB's parsed request, defaults filled in). */
export interface ExplainOptions {
  /** `[]`, `[ddoc]` or `[ddoc, name]`. */
  use_index: string[];
  /** `"nil"` when none was given. */
  bookmark: string;
  limit: number;
  skip: number;
  /** `{}` or `{ field: 'asc' | 'desc', ... }`. */
  sort: Record<string, 'asc' | 'desc'>;
  /** `[]` for whole documents. */
  fields: string[];
  partition: string;
  r: number;
  conflicts: boolean;
  stale: 'ok' | false;
  update: boolean;
  stable: boolean;
  execution_stats: boolean;
  allow_fallback: boolean;
}

/** Why `_explain` did not choose an index (CouchDB's `index_candidates[].analysis`). */
export interface IndexAnalysis {
  usable: boolean;
  /**
   * `field_mismatch`, `sort_order_mismatch`, `needs_text_search`, `is_partial`, `scope_mismatch`,
   * `excluded_by_user`, `unfavored_type`, `less_overlap`, `too_many_fields` or `alphabetically_comes_after`.
   */
  reasons: Array<{ name: string }>;
  /** How far the index is from being chosen: 1 is the closest. */
  ranking: number;
  /** Whether the index holds every field the query returns; null for special indexes. */
  covering: boolean | null;
}

/** The view query `_explain` would run (CouchDB's `mrargs`); `"<MAX>"` stands for the highest key. */
export interface ExplainMrArgs {
  include_docs: boolean;
  view_type: 'map';
  reduce: false;
  partition: string | null;
  start_key: unknown;
  end_key: unknown;
  direction: 'fwd' | 'rev';
  stable: boolean;
  update: boolean;
  /** `"undefined"` unless `conflicts: true` was asked for. */
  conflicts: boolean | 'undefined';
}

/** The answer of `_explain`: which index a `_find` would use and how. */
export interface ExplainResponse {
  dbname: string;
  /** Null when no index can serve the query (a sort without a matching index). */
  index: IndexInfo | null;
  partitioned: boolean;
  /** The selector in CouchDB's normal form. */
  selector: MangoSelector;
  opts: ExplainOptions;
  limit: number;
  skip: number;
  /** `[]` for whole documents. */
  fields: string[];
  /** Every index that was not chosen, and why. */
  index_candidates: Array<{ index: IndexInfo; analysis: IndexAnalysis }>;
  /** Which selector fields a JSON index could narrow the scan on. */
  selector_hints: Array<{ type: 'json'; indexable_fields: string[]; unindexable_fields: string[] }>;
  /** Absent when `index` is null. */
  mrargs?: ExplainMrArgs;
  /** True when the index alone answers the query (no document is read). Absent when `index` is null. */
  covering?: boolean;
}
