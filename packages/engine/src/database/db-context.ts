import type { KeyRange, Storage } from '../storage/storage.js';
import { SPACE } from './records.js';

/**
 * Counters and settings of one database, kept in memory. Only settings (`revsLimit`, `purgedInfosLimit`,
 * `purgeSeq`, `createdAt`) and a floor for `updateSeq` are persisted, when they change; the counters are derived from
 * the data when the database opens, so an ordinary commit writes no extra row (a page less per commit on SQLite).
 */
export interface DbMeta {
  updateSeq: number;
  purgeSeq: number;
  docCount: number;
  delCount: number;
  /** Bytes of the winning bodies (CouchDB's `sizes.external`, approximately); computed on first use. */
  externalSize: number | undefined;
  revsLimit: number;
  /** CouchDB's `_purged_infos_limit`: how many purge requests a database remembers (for replication). */
  purgedInfosLimit: number;
  createdAt: number;
}

/** What the parts of one open database share. */
export interface DbContext {
  readonly name: string;
  readonly storage: Storage;
  meta: DbMeta;
  /** Called after every committed batch that changed documents. */
  readonly notifyCommit: () => void;
  /** Created with `partitioned: true` (design documents may then ask for partitioned views). */
  readonly partitioned?: boolean;
  /** Generates a document id (32 hex chars, like CouchDB's default uuid algorithm). */
  readonly newId: () => string;
}

const META_KEY = 'state';

/** The persisted part of `DbMeta`. */
type StoredMeta = Pick<DbMeta, 'updateSeq' | 'purgeSeq' | 'revsLimit' | 'createdAt'> & Partial<Pick<DbMeta, 'purgedInfosLimit'>>;

/** CouchDB's default `_revs_limit` and `_purged_infos_limit`. */
const DEFAULT_REVS_LIMIT = 1000;
const DEFAULT_PURGED_INFOS_LIMIT = 1000;

/** Reads the settings and derives the counters from the data: the last seq, and the live and deleted counts. */
export function loadMeta(storage: Storage): DbMeta {
  const text = storage.get(SPACE.meta, META_KEY);
  const stored: StoredMeta = text ? (JSON.parse(text) as StoredMeta) : { updateSeq: 0, purgeSeq: 0, revsLimit: DEFAULT_REVS_LIMIT, createdAt: Date.now() };
  const [last] = storage.range(SPACE.seqs, { reverse: true, limit: 1 });
  return copyMeta({
    updateSeq: Math.max(stored.updateSeq, last ? Number(last[0]) : 0),
    purgeSeq: stored.purgeSeq,
    docCount: storage.count(SPACE.docs),
    delCount: storage.count(SPACE.tombs),
    externalSize: undefined,
    revsLimit: stored.revsLimit,
    // Files written before the setting existed have the default.
    purgedInfosLimit: stored.purgedInfosLimit ?? DEFAULT_PURGED_INFOS_LIMIT,
    createdAt: stored.createdAt,
  });
}

/**
 * A copy of `meta` to change (a batch changes its copy, which replaces the database's once committed). Every meta
 * object is made here, by one object literal, so all have one hidden class: the write path's optimized code checks
 * it, and a meta object of another shape (one per database, from spreading what was loaded) made that code
 * deoptimize and compile again (~30 ms of compiling) on the first batch of every database.
 */
export function copyMeta(meta: DbMeta): DbMeta {
  return {
    updateSeq: meta.updateSeq,
    purgeSeq: meta.purgeSeq,
    docCount: meta.docCount,
    delCount: meta.delCount,
    externalSize: meta.externalSize,
    revsLimit: meta.revsLimit,
    purgedInfosLimit: meta.purgedInfosLimit,
    createdAt: meta.createdAt,
  };
}

/** The op that persists the settings (and the current seq as a floor: purge can remove the newest seq entry). */
export function metaOp(meta: DbMeta): { type: 'put'; space: string; key: string; value: string } {
  const stored: StoredMeta = {
    updateSeq: meta.updateSeq,
    purgeSeq: meta.purgeSeq,
    revsLimit: meta.revsLimit,
    purgedInfosLimit: meta.purgedInfosLimit,
    createdAt: meta.createdAt,
  };
  return { type: 'put', space: SPACE.meta, key: META_KEY, value: JSON.stringify(stored) };
}

/** Sums the winning bodies once, on first use of `sizes.external`; writes keep it current from then on. */
export function externalSize(ctx: DbContext): number {
  ctx.meta.externalSize ??= winnerBodyChars(ctx.storage);
  return ctx.meta.externalSize;
}

/** The characters of the winning bodies of every document (live and deleted), or of the ids within `range`. */
export function winnerBodyChars(storage: Storage, range?: KeyRange): number {
  let total = 0;
  for (const space of [SPACE.docs, SPACE.tombs]) {
    // The body is the record's last line.
    for (const [, text] of storage.range(space, range)) total += text.length - text.lastIndexOf('\n') - 1;
  }
  return total;
}
