import { BadRequestError, type ChangesOptions, type ChangesResponse, type ChangesRow, type Document, type Seq } from '@settee/core';
import { projectFields } from '../mango/find-fields.js';
import { sortedLeaves } from '../revs/rev-tree.js';
import type { Storage } from '../storage/storage.js';
import { buildDoc } from './build-doc.js';
import { buildChangesFilter, decidePage, passingRevs, type ChangesFilter } from './changes-filter.js';
import type { DbContext, DbMeta } from './db-context.js';
import { decodeRecord, decodeRecordBody, decodeRecordHead, seqKey, SPACE, type DocRecord } from './records.js';

const PAGE = 512;
const MALFORMED_SINCE = "Malformed sequence supplied in 'since' parameter.";

/**
 * The engine's seqs are decimal strings; `0`, numbers and `'now'` are accepted as `since` too, and so is a seq in
 * JSON quotes, as CouchDB takes one (fabric_view_changes unpack_seq_regex_match): a browser's EventSource sends
 * back the `id:` line it saw, which is the seq's JSON.
 */
export function parseSince(since: Seq | 'now' | undefined, meta: DbMeta): number {
  if (since === undefined) return 0;
  if (since === 'now') return meta.updateSeq;
  const digits = typeof since === 'string' ? /^"?(\d+)"?$/.exec(since)?.[1] : undefined;
  const value = typeof since === 'number' ? since : digits !== undefined ? Number(digits) : NaN;
  if (!Number.isSafeInteger(value) || value < 0) throw new BadRequestError(MALFORMED_SINCE);
  return value;
}

/** Validates the options every changes request shares. */
export function checkChangesOptions(options: ChangesOptions): void {
  if (options.limit !== undefined && (!Number.isInteger(options.limit) || options.limit < 0)) {
    throw new BadRequestError(`\`limit\` must be a non-negative integer, got ${String(options.limit)}.`);
  }
  if (options.style !== undefined && options.style !== 'main_only' && options.style !== 'all_docs') {
    throw new BadRequestError(`\`style\` must be "main_only" or "all_docs", got ${JSON.stringify(options.style)}.`);
  }
}

/** What one scan of the seq index found, before it is shaped into CouchDB's answer. */
export interface ChangesScan {
  results: ChangesRow[];
  since: number;
  /** The last seq the scan looked at (matching or not). */
  lastScanned: number;
  /** True when the scan reached the end of the index. */
  exhausted: boolean;
}

/**
 * One normal changes request: each document once, at its latest seq, in seq order (or reversed). `last_seq` is
 * the last seq the scan covered, so a filtered feed still advances past documents it skipped.
 */
export function readChanges(ctx: DbContext, options: ChangesOptions): ChangesResponse {
  const { storage, meta } = ctx;
  const filter = buildChangesFilter(options, ctx);
  const scan = scanChanges(storage, meta, options, filter);
  return finish(storage, meta, scan, filter, options.descending === true, options.limit ?? Infinity);
}

/** Scans the seq index from `since`, page by page, until `limit` rows matched or the index ends. */
export function scanChanges(storage: Storage, meta: DbMeta, options: ChangesOptions, filter: ChangesFilter | undefined): ChangesScan {
  checkChangesOptions(options);
  const descending = options.descending === true;
  // CouchDB starts a descending feed at the current update_seq whatever `since` says (fabric_view_changes
  // get_start_seq), so it always runs back to the first change.
  const since = descending ? 0 : parseSince(options.since, meta);
  const limit = options.limit ?? Infinity;
  const results: ChangesRow[] = [];
  let cursor = descending ? Infinity : since;
  let lastScanned = since;
  let exhausted = false;
  while (results.length < limit && !exhausted) {
    const page = storage.range(SPACE.seqs, descending
      ? { gt: seqKey(since), ...(cursor === Infinity ? {} : { lt: seqKey(cursor) }), reverse: true, limit: PAGE }
      : { gt: seqKey(cursor), limit: PAGE });
    exhausted = page.length < PAGE;
    // Filters that run user code judge the whole page in one sandbox call.
    const pageFilter = filter?.acceptsMany ? decidePage(storage, page.map(([, id]) => id), options.style === 'all_docs', filter) : filter;
    for (let i = 0; i < page.length; i++) {
      const [key, value] = page[i]!;
      const seq = Number(key);
      cursor = seq;
      lastScanned = seq;
      const row = toRow(storage, seq, value, options, pageFilter);
      if (row) results.push(row);
      if (results.length >= limit) {
        exhausted = exhausted && i === page.length - 1;
        break;
      }
    }
  }
  return { results, since, lastScanned, exhausted };
}

function finish(
  storage: Storage,
  meta: DbMeta,
  { results, since, lastScanned }: ChangesScan,
  filter: ChangesFilter | undefined,
  descending: boolean,
  limit: number,
): ChangesResponse {
  if (filter?.countsRemainder) {
    const total = storage.count(SPACE.seqs, { gt: seqKey(since) });
    return { results, last_seq: String(meta.updateSeq), pending: total - results.length };
  }
  const lastRowSeq = results.length > 0 ? Number(results[results.length - 1]!.seq) : undefined;
  const hitLimit = results.length >= limit;
  const lastSeq = hitLimit && lastRowSeq !== undefined ? lastRowSeq : descending ? (lastRowSeq ?? since) : lastScanned;
  const pending = descending
    ? storage.count(SPACE.seqs, { gt: seqKey(since), lt: seqKey(lastSeq) })
    : storage.count(SPACE.seqs, { gt: seqKey(lastSeq) });
  return { results, last_seq: String(lastSeq), pending: descending && !hitLimit ? 0 : pending };
}

function toRow(storage: Storage, seq: number, id: string, options: ChangesOptions, filter: ChangesFilter | undefined): ChangesRow | undefined {
  if (filter && !filter.needsDoc && !filter.accepts(id, undefined)) return undefined;
  const text = storage.get(SPACE.docs, id) ?? storage.get(SPACE.tombs, id);
  if (text === undefined) return undefined;
  const head = decodeRecordHead(text);
  const allDocs = options.style === 'all_docs';
  const needsTree = allDocs || (options.include_docs === true && options.conflicts === true) || filter?.needsDoc === true;
  const record = needsTree ? decodeRecord(id, text) : undefined;
  let revs: string[];
  if (filter?.needsDoc && record) {
    revs = passingRevs(storage, record, allDocs, filter);
    if (revs.length === 0) return undefined;
  } else {
    revs = record && allDocs ? sortedLeaves(record.tree).map((leaf) => leaf.rev) : [head.winner];
  }
  const row: ChangesRow = { seq: String(seq), id, changes: revs.map((rev) => ({ rev })) };
  if (head.deleted) row.deleted = true;
  if (options.include_docs) row.doc = changedDoc(storage, id, head.winner, head.deleted, text, record, options);
  return row;
}

function changedDoc(
  storage: Storage,
  id: string,
  winner: string,
  deleted: boolean,
  text: string,
  record: DocRecord | undefined,
  options: ChangesOptions,
): Document {
  const conflicts = options.conflicts && record ? sortedLeaves(record.tree).slice(1).filter((l) => !l.deleted).map((l) => l.rev) : undefined;
  const body = record ? record.winnerBody : decodeRecordBody(text);
  const attachments = { inline: options.attachments === true, encodingInfo: options.att_encoding_info === true };
  const doc = buildDoc(storage, id, winner, deleted, body, { conflicts }, attachments);
  // A `_selector` feed with `fields` sends each document cut to them, as _find does (fabric_rpc).
  return options.filter === '_selector' && options.fields !== undefined ? (projectFields(doc, options.fields) as Document) : doc;
}
