import { decodeRecord, decodeRevBody, revKey, SPACE, type DocRecord, type RevBody } from './records.js';
import type { Storage } from '../storage/storage.js';

/** Reads a document's record from whichever space holds it (live or tombstone). */
export function loadRecord(storage: Storage, id: string): DocRecord | undefined {
  const live = storage.get(SPACE.docs, id);
  if (live !== undefined) return decodeRecord(id, live);
  const dead = storage.get(SPACE.tombs, id);
  return dead === undefined ? undefined : decodeRecord(id, dead);
}

/** The stored body of `rev`, or undefined when it is not stored (never was, or compacted). */
export function loadRevBody(storage: Storage, record: DocRecord, rev: string): RevBody | undefined {
  if (rev === record.winner) return record.winnerBody;
  const text = storage.get(SPACE.revs, revKey(record.id, rev));
  return text === undefined ? undefined : decodeRevBody(text);
}
