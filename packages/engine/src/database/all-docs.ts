import type { AllDocsOptions, AllDocsResponse, AllDocsRow } from '@settee/core';
import { sortedLeaves } from '../revs/rev-tree.js';
import type { Storage } from '../storage/storage.js';
import { buildDoc } from './build-doc.js';
import type { DbMeta } from './db-context.js';
import { rangeForListing } from './key-range.js';
import { decodeRecord, decodeRecordHead, decodeRecordWinner, SPACE } from './records.js';

/**
 * CouchDB's `_all_docs`. Live documents sit in their own space, so a listing is one range scan, `total_rows` is
 * the live count and `offset` counts the live ids before the first row. With `keys`, each key gets a row in key
 * order: deleted documents show `value.deleted` and `doc: null`, unknown ones `error: "not_found"`.
 */
export function listAllDocs(storage: Storage, meta: DbMeta, options: AllDocsOptions): AllDocsResponse {
  const skip = options.skip ?? 0;
  const rows: AllDocsResponse['rows'] = [];
  let offset: number | null = null;
  if (options.keys) {
    const keys = options.descending ? [...options.keys].reverse() : options.keys;
    const end = options.limit === undefined ? undefined : skip + options.limit;
    for (const key of keys.slice(skip, end)) rows.push(rowForKey(storage, key, options));
  } else {
    const range = rangeForListing(options, skip);
    const entries = storage.range(SPACE.docs, range);
    for (let i = skip; i < entries.length; i++) {
      const [id, text] = entries[i]!;
      rows.push(liveRow(storage, id, text, options));
    }
    offset = countBefore(storage, range, options.descending === true) + Math.min(skip, entries.length);
  }
  const response: AllDocsResponse = { total_rows: meta.docCount, offset, rows };
  if (options.update_seq) response.update_seq = String(meta.updateSeq);
  return response;
}

function countBefore(storage: Storage, range: ReturnType<typeof rangeForListing>, descending: boolean): number {
  if (descending) return range.lte === undefined ? 0 : storage.count(SPACE.docs, { gt: range.lte });
  return range.gte === undefined ? 0 : storage.count(SPACE.docs, { lt: range.gte });
}

function liveRow(storage: Storage, id: string, text: string, options: AllDocsOptions): AllDocsRow {
  if (!options.include_docs) return { id, key: id, value: { rev: decodeRecordHead(text).winner } };
  const attachments = { inline: options.attachments === true, encodingInfo: options.att_encoding_info === true };
  if (!options.conflicts) {
    const { winner, body } = decodeRecordWinner(text);
    return { id, key: id, value: { rev: winner }, doc: buildDoc(storage, id, winner, false, body, undefined, attachments) };
  }
  const record = decodeRecord(id, text);
  const conflicts = sortedLeaves(record.tree).slice(1).filter((l) => !l.deleted).map((l) => l.rev);
  const doc = buildDoc(storage, id, record.winner, false, record.winnerBody, { conflicts }, attachments);
  return { id, key: id, value: { rev: record.winner }, doc };
}

function rowForKey(storage: Storage, key: string, options: AllDocsOptions): AllDocsResponse['rows'][number] {
  const live = storage.get(SPACE.docs, key);
  if (live !== undefined) return liveRow(storage, key, live, options);
  const dead = storage.get(SPACE.tombs, key);
  if (dead === undefined) return { key, error: 'not_found' };
  const row: AllDocsRow = { id: key, key, value: { rev: decodeRecordHead(dead).winner, deleted: true } };
  if (options.include_docs) row.doc = null;
  return row;
}
