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

/**
 * Loads the records of many documents with one lookup per space (the write path's batch preload). Documents that do
 * not exist are left out of the map.
 */
export function loadRecords(storage: Storage, ids: readonly string[]): Map<string, DocRecord> {
  const records = new Map<string, DocRecord>();
  const live = storage.getMany(SPACE.docs, ids);
  const missing: string[] = [];
  for (let i = 0; i < ids.length; i++) {
    const text = live[i];
    if (text === undefined) missing.push(ids[i]!);
    else records.set(ids[i]!, decodeRecord(ids[i]!, text));
  }
  if (missing.length === 0) return records;
  const dead = storage.getMany(SPACE.tombs, missing);
  for (let i = 0; i < missing.length; i++) {
    const text = dead[i];
    if (text !== undefined) records.set(missing[i]!, decodeRecord(missing[i]!, text));
  }
  return records;
}
