import type { Storage } from '../storage/storage.js';
import { SPACE } from './records.js';

/** Counters and settings of one database, kept in memory and persisted with every write batch. */
export interface DbMeta {
  updateSeq: number;
  purgeSeq: number;
  docCount: number;
  delCount: number;
  /** Bytes of the winning bodies (CouchDB's `sizes.external`, approximately). */
  externalSize: number;
  revsLimit: number;
  createdAt: number;
}

/** What the parts of one open database share. */
export interface DbContext {
  readonly name: string;
  readonly storage: Storage;
  meta: DbMeta;
  /** Called after every committed batch that changed documents. */
  readonly notifyCommit: () => void;
  /** Generates a document id (32 hex chars, like CouchDB's default uuid algorithm). */
  readonly newId: () => string;
}

const META_KEY = 'state';

export function loadMeta(storage: Storage): DbMeta {
  const text = storage.get(SPACE.meta, META_KEY);
  if (text) return JSON.parse(text) as DbMeta;
  return { updateSeq: 0, purgeSeq: 0, docCount: 0, delCount: 0, externalSize: 0, revsLimit: 1000, createdAt: Date.now() };
}

export function metaOp(meta: DbMeta): { type: 'put'; space: string; key: string; value: string } {
  return { type: 'put', space: SPACE.meta, key: META_KEY, value: JSON.stringify(meta) };
}
