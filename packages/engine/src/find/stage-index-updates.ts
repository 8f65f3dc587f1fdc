import type { JsonObject, JsonValue } from '@settee/core';
import type { DbContext } from '../database/db-context.js';
import { DESIGN_PREFIX } from '../database/doc-ids.js';
import { decodeRecordBody, decodeRecordHead, SPACE } from '../database/records.js';
import { parseField } from '../mango/parse-field.js';
import type { StorageOp } from '../storage/storage.js';
import { indexKeyFunction } from './index-keys.js';
import { entryKey, entryRange, INDEX_SPACE, indexRegistry, sortIndexes } from './index-registry.js';
import { indexesOfDesignDoc, type JsonIndex } from './json-index.js';
import { selectorFields } from './selector-fields.js';
import type { IndexEntry } from './sorted-entries.js';
import { readTopLevelFields } from './top-level-fields.js';

/** What one write batch did to one document, as the index hook needs it. */
export interface IndexedDocChange {
  readonly id: string;
  /** True when the document had a live winner before the batch (so it may have index rows to remove). */
  readonly wasLive: boolean;
  /** The winner after the batch (its body as stored: JSON without special members), or undefined when purged. */
  readonly after: { readonly rev: string; readonly deleted: boolean; readonly body: string } | undefined;
}

/** Called once the batch is durably written: brings the in-memory indexes up to date. */
export type AfterCommit = () => void;

const nothing: AfterCommit = () => undefined;

/** Documents read per storage call while building a new index. */
const BUILD_CHUNK = 1000;

/**
 * The write path's index hook. Appends to `ops` every index change the batch implies, so that the documents and
 * their index rows are committed by the same atomic storage write:
 * - rows of changed documents, in every index (put the new key, or delete the row when the document left it);
 * - all rows of an index whose design document was added or changed (built from every live document);
 * - deletion of all rows of an index whose design document no longer defines it.
 * Returns what to run after the write succeeded; if the write fails, nothing in memory has changed.
 */
export function stageIndexUpdates(ctx: DbContext, changes: readonly IndexedDocChange[], ops: StorageOp[]): AfterCommit {
  if (changes.length === 0) return nothing;
  const registry = indexRegistry(ctx);
  const before = registry.indexes;
  const after = changes.some((change) => change.id.startsWith(DESIGN_PREFIX)) ? definitionsAfter(before, changes, ctx.partitioned === true) : before;
  if (before.length === 0 && after.length === 0) return nothing;

  const beforeTags = new Set(before.map((index) => index.tag));
  const afterTags = new Set(after.map((index) => index.tag));
  for (const index of before) {
    if (afterTags.has(index.tag)) continue;
    for (const [key] of ctx.storage.range(INDEX_SPACE, entryRange(index.tag))) ops.push({ type: 'del', space: INDEX_SPACE, key });
  }
  const kept = after.filter((index) => beforeTags.has(index.tag));
  const added = after.filter((index) => !beforeTags.has(index.tag));
  const docs = changes.filter((change) => !change.id.startsWith(DESIGN_PREFIX));
  const parsed = new Map<string, JsonObject>();
  const updates = kept.map((index) => updateRows(index, docs, parsed, ops));
  const built = added.length > 0 ? buildRows(ctx, added, docs, parsed, ops) : [];

  return () => {
    if (after !== before) registry.replaceDefinitions(after);
    kept.forEach((index, i) => registry.applyCommitted(index, updates[i]!));
    added.forEach((index, i) => registry.adoptBuilt(index, built[i]!));
  };
}

/** The index definitions once the batch's design document changes are applied. */
function definitionsAfter(before: readonly JsonIndex[], changes: readonly IndexedDocChange[], partitionedDb: boolean): JsonIndex[] {
  const changedDesigns = new Map(changes.filter((c) => c.id.startsWith(DESIGN_PREFIX)).map((c) => [c.id, c] as const));
  const next = before.filter((index) => !changedDesigns.has(index.ddoc));
  for (const [id, change] of changedDesigns) {
    if (change.after === undefined || change.after.deleted) continue;
    next.push(...indexesOfDesignDoc(id, JSON.parse(change.after.body) as JsonObject, partitionedDb));
  }
  // Rows are kept by tag: a view edited without changing what it indexes (a direction, its options) keeps them.
  return sortIndexes(next);
}

/**
 * The top-level members the indexes' columns and partial filters read, or undefined when one reads a special
 * member other than `_id` and `_rev` (not in the stored body).
 */
function fieldsRead(indexes: readonly JsonIndex[]): Set<string> | undefined {
  const names = new Set<string>();
  try {
    for (const index of indexes) {
      const fields = [...index.columns.map((c) => c.field), ...(index.partialFilter ? selectorFields(index.partialFilter) : [])];
      for (const field of fields) {
        const first = parseField(field)[0]!;
        if (first === '_id' || first === '_rev') continue;
        if (first.startsWith('_')) return undefined;
        names.add(first);
      }
    }
  } catch {
    return undefined;
  }
  return names;
}

/** Parses a document body once for all indexes, adding `_id` and `_rev` (indexes and filters may use them). */
function docOf(id: string, rev: string, body: string): JsonObject {
  const doc = JSON.parse(body) as JsonObject;
  doc['_id'] = id;
  doc['_rev'] = rev;
  return doc;
}

function liveDoc(change: IndexedDocChange, cache: Map<string, JsonObject>): JsonObject | undefined {
  const after = change.after;
  if (after === undefined || after.deleted) return undefined;
  let doc = cache.get(change.id);
  if (doc === undefined) {
    doc = docOf(change.id, after.rev, after.body);
    cache.set(change.id, doc);
  }
  return doc;
}

/** The row changes of one existing index for the batch's documents (storage ops appended). */
function updateRows(
  index: JsonIndex,
  docs: readonly IndexedDocChange[],
  cache: Map<string, JsonObject>,
  ops: StorageOp[],
): Array<[string, JsonValue[] | undefined]> {
  const keyOf = indexKeyFunction(index);
  const changes: Array<[string, JsonValue[] | undefined]> = [];
  for (const change of docs) {
    const doc = liveDoc(change, cache);
    const key = doc === undefined ? undefined : keyOf(doc);
    if (key !== undefined) {
      ops.push({ type: 'put', space: INDEX_SPACE, key: entryKey(index.tag, change.id), value: JSON.stringify(key) });
      changes.push([change.id, key]);
    } else if (change.wasLive) {
      ops.push({ type: 'del', space: INDEX_SPACE, key: entryKey(index.tag, change.id) });
      changes.push([change.id, undefined]);
    }
  }
  return changes;
}

/**
 * Every row of newly defined indexes: one pass over the live documents as stored (each parsed once for all the new
 * indexes), with the batch's own documents taken in their new state.
 */
function buildRows(
  ctx: DbContext,
  added: readonly JsonIndex[],
  docs: readonly IndexedDocChange[],
  cache: Map<string, JsonObject>,
  ops: StorageOp[],
): IndexEntry[][] {
  const keyFunctions = added.map(indexKeyFunction);
  const rows = added.map((): IndexEntry[] => []);
  const index = (id: string, doc: JsonObject): void => {
    for (let i = 0; i < added.length; i++) {
      const key = keyFunctions[i]!(doc);
      if (key === undefined) continue;
      rows[i]!.push({ key, id });
      ops.push({ type: 'put', space: INDEX_SPACE, key: entryKey(added[i]!.tag, id), value: JSON.stringify(key) });
    }
  };
  const inBatch = new Set(docs.map((change) => change.id));
  const names = fieldsRead(added);
  // Read in chunks, so that a large database is never held in memory whole.
  for (let after: string | undefined; ; ) {
    const chunk = ctx.storage.range(SPACE.docs, after === undefined ? { limit: BUILD_CHUNK } : { gt: after, limit: BUILD_CHUNK });
    for (const [id, text] of chunk) {
      if (inBatch.has(id) || id.startsWith(DESIGN_PREFIX)) continue;
      const body = decodeRecordBody(text).body;
      // Only the members the indexes read are parsed (the whole body when that cannot be done).
      const doc = (names && readTopLevelFields(body, names)) || (JSON.parse(body) as JsonObject);
      doc['_id'] = id;
      doc['_rev'] = decodeRecordHead(text).winner;
      index(id, doc);
    }
    if (chunk.length < BUILD_CHUNK) break;
    after = chunk[chunk.length - 1]![0];
  }
  for (const change of docs) {
    const doc = liveDoc(change, cache);
    if (doc !== undefined) index(change.id, doc);
  }
  return rows;
}
