import { createHash } from 'node:crypto';
import { isJsonObject, normalizeSelector, type IndexInfo, type JsonObject, type JsonValue, type NormalizedSelector } from '@settee/core';

/** One column of a JSON index. The direction is only used to decide which sorts the index serves. */
export interface IndexColumn {
  readonly field: string;
  readonly direction: 'asc' | 'desc';
}

/**
 * One JSON index: the view `name` of the `language: "query"` design document `ddoc`, as CouchDB's mango_idx_view
 * reads it (`views.<name>.map.fields`, `map.partial_filter_selector`, `options`).
 */
export interface JsonIndex {
  /** `_design/...`. */
  readonly ddoc: string;
  readonly name: string;
  readonly columns: readonly IndexColumn[];
  /** Only documents matching it are indexed; undefined when the index is not partial. */
  readonly partialFilter: NormalizedSelector | undefined;
  readonly partitioned: boolean;
  /** `def` as `GET _index` shows it. */
  readonly def: IndexInfo['def'];
  /**
   * Names the index's entries in storage. It changes whenever what is indexed changes (ddoc, name, fields, partial
   * filter), so an edited design document gets fresh entries while an untouched one keeps its own.
   */
  readonly tag: string;
}

/** The special `_all_docs` index, as `GET _index` and `_explain` show it. */
export const ALL_DOCS_INDEX_INFO: IndexInfo = { ddoc: null, name: '_all_docs', type: 'special', def: { fields: [{ _id: 'asc' }] } };

/** What `GET _index` and `_explain` show for a JSON index (mango_idx_view:to_json). */
export function indexInfo(index: JsonIndex): IndexInfo {
  return { ddoc: index.ddoc, name: index.name, type: 'json', partitioned: index.partitioned, def: structuredClone(index.def) };
}

/** The indexed field names, in order (mango_idx:columns). */
export function columnNames(index: JsonIndex): string[] {
  return index.columns.map((column) => column.field);
}

/**
 * The JSON indexes a design document defines (`partitionedDb`: the database's default for `options.partitioned`).
 * Like CouchDB, only `language: "query"` documents count, and a view that is not a valid index definition (no
 * `map.fields` object, no `options` object, a bad partial filter) is skipped rather than failing the whole document.
 */
export function indexesOfDesignDoc(id: string, body: JsonObject, partitionedDb = false): JsonIndex[] {
  if (body['language'] !== 'query' || !isJsonObject(body['views'])) return [];
  const options = body['options'];
  // In a partitioned database an index is partitioned unless its design document says otherwise.
  const explicit = isJsonObject(options) ? options['partitioned'] : undefined;
  const partitioned = typeof explicit === 'boolean' ? explicit : partitionedDb;
  const indexes: JsonIndex[] = [];
  for (const [name, view] of Object.entries(body['views'])) {
    const index = readView(id, name, view, partitioned);
    if (index !== undefined) indexes.push(index);
  }
  return indexes;
}

function readView(ddoc: string, name: string, view: JsonValue, partitioned: boolean): JsonIndex | undefined {
  if (!isJsonObject(view) || !isJsonObject(view['map']) || !isJsonObject(view['options'])) return undefined;
  const map = view['map'];
  const fields = map['fields'];
  if (!isJsonObject(fields)) return undefined;
  const columns: IndexColumn[] = [];
  for (const [field, direction] of Object.entries(fields)) {
    if (direction !== 'asc' && direction !== 'desc') return undefined;
    columns.push({ field, direction });
  }
  let partialFilter: NormalizedSelector | undefined;
  const partial = map['partial_filter_selector'];
  if (partial !== undefined) {
    if (!isJsonObject(partial)) return undefined;
    try {
      partialFilter = Object.keys(partial).length === 0 ? undefined : normalizeSelector(partial);
    } catch {
      return undefined;
    }
  }
  return { ddoc, name, columns, partialFilter, partitioned, def: defToJson(map, columns), tag: indexTag(ddoc, name, columns, partialFilter) };
}

/** mango_idx_view:def_to_json: `fields` as a list of one-member objects, an empty partial filter left out. */
function defToJson(map: JsonObject, columns: readonly IndexColumn[]): IndexInfo['def'] {
  const def: JsonObject = {};
  for (const [key, value] of Object.entries(map)) {
    if (key === 'fields') def[key] = columns.map(({ field, direction }) => ({ [field]: direction }));
    else if (key === 'partial_filter_selector' && isJsonObject(value) && Object.keys(value).length === 0) continue;
    else def[key] = value;
  }
  return def as unknown as IndexInfo['def'];
}

function indexTag(ddoc: string, name: string, columns: readonly IndexColumn[], partial: NormalizedSelector | undefined): string {
  const identity = JSON.stringify([ddoc, name, columns.map((c) => c.field), partial ?? null]);
  return createHash('sha1').update(identity).digest('hex').slice(0, 20);
}
