import { NotFoundError, isJsonObject, type JsonObject } from '@settee/core';
import type { DbContext } from '../database/db-context.js';
import { DESIGN_PREFIX } from '../database/doc-ids.js';
import { loadRecord } from '../database/load-record.js';
import { decodeRecordHead, SPACE } from '../database/records.js';
import { DesignSandbox } from './sandbox.js';

/** A live design document, with its sandbox and compiled functions (per revision). */
export interface LoadedDesignDoc {
  readonly id: string;
  readonly rev: string;
  /** The body with `_id` and `_rev`. */
  readonly doc: JsonObject;
  /** Compiles (once per source text) a function of this design document in its sandbox. */
  compiled(source: string): number;
  readonly sandbox: DesignSandbox;
}

/** `x` or `_design/x` → `_design/x`. */
export function designDocId(ddoc: string): string {
  return ddoc.startsWith(DESIGN_PREFIX) ? ddoc : `${DESIGN_PREFIX}${ddoc}`;
}

/** Compiled design documents of each open database, by id; an entry is reused while the revision is the same. */
const cache = new WeakMap<DbContext, Map<string, LoadedDesignDoc>>();

/** The live design document `ddoc`, compiled lazily. Missing or deleted ones reject like CouchDB (404). */
export function loadDesignDoc(ctx: DbContext, ddoc: string): LoadedDesignDoc {
  const id = designDocId(ddoc);
  const found = findDesignDoc(ctx, id);
  if (!found) {
    const record = loadRecord(ctx.storage, id);
    throw new NotFoundError(record?.deleted ? 'deleted' : 'missing', { id });
  }
  return found;
}

/** The live design document `id`, or undefined. */
export function findDesignDoc(ctx: DbContext, id: string): LoadedDesignDoc | undefined {
  const text = ctx.storage.get(SPACE.docs, id);
  if (text === undefined) {
    // Deleted or purged: its compiled functions go with it.
    cache.get(ctx)?.delete(id);
    return undefined;
  }
  const head = decodeRecordHead(text);
  let byId = cache.get(ctx);
  if (!byId) {
    byId = new Map();
    cache.set(ctx, byId);
  }
  const known = byId.get(id);
  if (known && known.rev === head.winner) return known;
  const record = loadRecord(ctx.storage, id)!;
  const body: unknown = JSON.parse(record.winnerBody.body);
  const doc: JsonObject = { _id: id, _rev: record.winner, ...(isJsonObject(body) ? body : {}) };
  const loaded = makeLoaded(id, record.winner, doc);
  byId.set(id, loaded);
  return loaded;
}

/**
 * Every live design document, in id order. Design documents deleted since the last listing leave the cache here
 * (validators are listed again after every batch that writes a design document), so that creating and deleting
 * design documents does not pile up their sandboxes.
 */
export function allDesignDocs(ctx: DbContext): LoadedDesignDoc[] {
  const out: LoadedDesignDoc[] = [];
  for (const [id] of ctx.storage.range(SPACE.docs, { gte: DESIGN_PREFIX, lt: '_design0' })) {
    const found = findDesignDoc(ctx, id);
    if (found) out.push(found);
  }
  const byId = cache.get(ctx);
  if (byId !== undefined && byId.size > out.length) {
    const live = new Set(out.map((ddoc) => ddoc.id));
    for (const id of byId.keys()) if (!live.has(id)) byId.delete(id);
  }
  return out;
}

/** How many compiled design documents a database holds in memory (for tests). */
export function loadedDesignDocCount(ctx: DbContext): number {
  return cache.get(ctx)?.size ?? 0;
}

function makeLoaded(id: string, rev: string, doc: JsonObject): LoadedDesignDoc {
  let sandbox: DesignSandbox | undefined;
  const handles = new Map<string, number>();
  const loaded: LoadedDesignDoc = {
    id,
    rev,
    doc,
    get sandbox() {
      sandbox ??= new DesignSandbox(id);
      return sandbox;
    },
    compiled(source: string): number {
      let handle = handles.get(source);
      if (handle === undefined) {
        handle = loaded.sandbox.compile(source, doc);
        handles.set(source, handle);
      }
      return handle;
    },
  };
  return loaded;
}
