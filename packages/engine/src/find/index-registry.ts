import type { JsonObject, JsonValue } from '@settee/core';
import type { DbContext } from '../database/db-context.js';
import { DESIGN_PREFIX } from '../database/doc-ids.js';
import { decodeRecordBody, SPACE } from '../database/records.js';
import type { KeyRange, Storage } from '../storage/storage.js';
import { compareUtf8 } from '../storage/compare-utf8.js';
import { indexesOfDesignDoc, type JsonIndex } from './json-index.js';
import { SortedEntries, type IndexEntry } from './sorted-entries.js';

/**
 * The storage space of JSON index entries: `<index tag> \u0001 <doc id>` → JSON of the document's key. Rows are
 * stored by document id (a write replaces or deletes its own rows without reading them) and sorted in memory.
 */
export const INDEX_SPACE = 'mango';

const SEPARATOR = '\u0001';

/** The storage key of document `id`'s row in the index tagged `tag`. */
export function entryKey(tag: string, id: string): string {
  return `${tag}${SEPARATOR}${id}`;
}

/** The storage range holding every row of the index tagged `tag`. */
export function entryRange(tag: string): KeyRange {
  return { gte: `${tag}${SEPARATOR}`, lt: `${tag}\u0002` };
}

/** The range of the docs space where design documents live. */
export const DESIGN_RANGE: KeyRange = { gte: DESIGN_PREFIX, lt: '_design0' };

/**
 * The JSON indexes of one open database: their definitions, read from the `language: "query"` design documents,
 * and their rows, loaded from storage the first time a query needs them. The write path keeps both current
 * through {@link stageIndexUpdates}; nothing here writes on its own.
 */
export class IndexRegistry {
  private definitions: readonly JsonIndex[];
  private readonly loaded = new Map<string, SortedEntries>();

  constructor(
    private readonly storage: Storage,
    /** The database is partitioned: its indexes are, unless their design document says otherwise. */
    readonly partitionedDb = false,
  ) {
    this.definitions = readDefinitions(storage, partitionedDb);
  }

  /** Every JSON index, ordered by design document id then name (as CouchDB lists them). */
  get indexes(): readonly JsonIndex[] {
    return this.definitions;
  }

  /** The rows of `index` in view order, loading them from storage on first use. */
  entries(index: JsonIndex): SortedEntries {
    let entries = this.loaded.get(index.tag);
    if (entries === undefined) {
      const rows: IndexEntry[] = [];
      const skip = index.tag.length + SEPARATOR.length;
      for (const [key, value] of this.storage.range(INDEX_SPACE, entryRange(index.tag))) {
        rows.push({ id: key.slice(skip), key: JSON.parse(value) as JsonValue[] });
      }
      entries = SortedEntries.from(rows);
      this.loaded.set(index.tag, entries);
    }
    return entries;
  }

  /** Replaces the definitions after a committed batch changed design documents. */
  replaceDefinitions(next: readonly JsonIndex[]): void {
    const kept = new Set(next.map((index) => index.tag));
    for (const tag of this.loaded.keys()) if (!kept.has(tag)) this.loaded.delete(tag);
    this.definitions = next;
  }

  /** Rows built for a new index in a committed batch: used as they are instead of being read back. */
  adoptBuilt(index: JsonIndex, rows: IndexEntry[]): void {
    this.loaded.set(index.tag, SortedEntries.from(rows));
  }

  /** Applies a committed batch's changes to an index whose rows are in memory (others load later, current). */
  applyCommitted(index: JsonIndex, changes: ReadonlyArray<readonly [string, JsonValue[] | undefined]>): void {
    this.loaded.get(index.tag)?.apply(changes);
  }
}

const registries = new WeakMap<DbContext, IndexRegistry>();

/** The index registry of an open database (one per `DbContext`, created on first use). */
export function indexRegistry(ctx: DbContext): IndexRegistry {
  let registry = registries.get(ctx);
  if (registry === undefined) {
    registry = new IndexRegistry(ctx.storage, ctx.partitioned === true);
    registries.set(ctx, registry);
  }
  return registry;
}

function readDefinitions(storage: Storage, partitionedDb: boolean): JsonIndex[] {
  const indexes: JsonIndex[] = [];
  for (const [id, text] of storage.range(SPACE.docs, DESIGN_RANGE)) {
    indexes.push(...indexesOfDesignDoc(id, JSON.parse(decodeRecordBody(text).body) as JsonObject, partitionedDb));
  }
  return sortIndexes(indexes);
}

/** CouchDB's index order: by design document id, then by name (both as raw bytes). */
export function sortIndexes(indexes: JsonIndex[]): JsonIndex[] {
  return indexes.sort((a, b) => compareUtf8(a.ddoc, b.ddoc) || compareUtf8(a.name, b.name));
}
