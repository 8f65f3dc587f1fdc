import {
  isJsonObject,
  NotFoundError,
  SetteeError,
  type BulkGetOptions,
  type BulkGetError,
  type BulkGetRequest,
  type BulkGetResponse,
  type Document,
  type GetOptions,
  type OpenRevsEntry,
  type OpenRevsOptions,
} from '@settee/core';
import { checkRevList, compareRevHash, findRevision, historyOf, leavesUnder, parseRev, revsInfoOf, sortedLeaves } from '../revs/rev-tree.js';
import type { RevLeaf } from '../revs/rev-tree-types.js';
import type { Storage } from '../storage/storage.js';
import { buildDoc, type AttachmentMode, type DocExtras } from './build-doc.js';
import { assertDocId } from './doc-ids.js';
import { loadRecord, loadRevBody } from './load-record.js';
import { decodeRecordBody, decodeRecordHead, SPACE, type DocRecord } from './records.js';

/** `get` of a (non-local) document with CouchDB's options. */
export function readDoc(storage: Storage, id: string, options: GetOptions): Document {
  if (options.atts_since !== undefined) checkRevList(options.atts_since);
  if (needsOnlyWinner(options)) {
    // The common read: the live winner as it is, which the record's head and body give without its tree.
    const text = storage.get(SPACE.docs, id);
    if (text !== undefined) {
      const head = decodeRecordHead(text);
      const extras = options.local_seq ? { localSeq: head.seq } : undefined;
      return buildDoc(storage, id, head.winner, false, decodeRecordBody(text), extras, {
        inline: options.attachments === true,
        sinceRevpos: 0,
        encodingInfo: options.att_encoding_info === true,
      });
    }
  }
  const record = loadRecord(storage, id);
  if (!record) throw new NotFoundError('missing', { id });
  let rev = record.winner;
  let deleted = record.deleted;
  if (options.rev !== undefined) {
    parseRev(options.rev);
    const target = options.latest ? latestLeaf(record, options.rev) : findRevision(record.tree, options.rev);
    if (!target) throw new NotFoundError('missing', { id });
    rev = target.rev;
    deleted = target.deleted;
  } else if (record.deleted && options.deleted !== true) {
    throw new NotFoundError('deleted', { id });
  }
  const doc = renderRevision(storage, record, rev, deleted, options, attachmentMode(record, options));
  if (!doc) throw new NotFoundError('missing', { id });
  return doc;
}

/** True when the options ask for nothing but the winning revision (no tree, no other revision). */
function needsOnlyWinner(options: GetOptions): boolean {
  return (
    options.rev === undefined &&
    !options.revs &&
    !options.revs_info &&
    !options.meta &&
    !options.conflicts &&
    !options.deleted_conflicts &&
    !(options.atts_since !== undefined && options.atts_since.length > 0)
  );
}

/** The winning revision of a live document, or undefined when it is missing or deleted. */
export function findLiveDoc(storage: Storage, id: string): Document | undefined {
  const record = loadRecord(storage, id);
  if (!record || record.deleted) return undefined;
  return buildDoc(storage, id, record.winner, false, record.winnerBody);
}

/** CouchDB's `open_revs`: the listed revisions (or every leaf), each as `{ok}` or `{missing}`. */
export function readOpenRevs(storage: Storage, id: string, revs: 'all' | readonly string[], options: OpenRevsOptions): OpenRevsEntry[] {
  if (options.atts_since !== undefined) checkRevList(options.atts_since);
  const record = loadRecord(storage, id);
  if (revs === 'all') {
    if (!record) throw new NotFoundError('missing', { id });
    return leavesAscending(record).flatMap((leaf) => okEntry(storage, record, leaf.rev, leaf.deleted, options));
  }
  revs.forEach((rev) => parseRev(rev));
  const entries: OpenRevsEntry[] = [];
  // With latest, a leaf reached from an earlier listed revision is not sent twice (couch_key_tree get_key_leafs
  // drops the leaves it found from the revisions still to look up).
  const sentLeaves = new Set<string>();
  for (const rev of revs) {
    if (options.latest && sentLeaves.has(rev)) continue;
    const targets = record ? (options.latest ? leavesUnder(record.tree, rev) : [findRevision(record.tree, rev)]) : [];
    const found = targets.filter((t): t is RevLeaf => t !== undefined && !(options.latest && sentLeaves.has(t.rev)));
    if (options.latest && targets.length > 0 && found.length === 0) continue;
    if (options.latest) for (const leaf of found) sentLeaves.add(leaf.rev);
    const rendered = record ? found.flatMap((t) => okEntry(storage, record, t.rev, t.deleted, options)) : [];
    entries.push(...(rendered.length > 0 ? rendered : [{ missing: rev }]));
  }
  return entries;
}

/** CouchDB's `_bulk_get`: every request entry gets a result with its documents or error entries. */
export function readBulkGet(storage: Storage, requests: readonly BulkGetRequest[], options: BulkGetOptions): BulkGetResponse {
  const results: BulkGetResponse['results'] = [];
  for (const request of requests as readonly unknown[]) {
    const invalid = invalidRequest(request);
    if (invalid !== undefined) {
      results.push({ id: invalid.id, docs: [{ error: invalid }] });
      continue;
    }
    const { id, rev, atts_since: attsSince } = request as BulkGetRequest;
    const errorEntry = (error: string, reason: string, errorRev: string | null) => ({ error: { id, rev: errorRev, error, reason } });
    try {
      const revs = rev === undefined ? 'all' : [rev];
      const openOptions: OpenRevsOptions = { ...options, ...(attsSince ? { atts_since: attsSince } : {}) };
      const entries = readOpenRevs(storage, id, revs, openOptions);
      results.push({
        id,
        docs: entries.map((entry) => ('ok' in entry ? entry : errorEntry('not_found', 'missing', entry.missing))),
      });
    } catch (error) {
      if (!(error instanceof SetteeError)) throw error;
      results.push({ id, docs: [errorEntry(error.error, error.reason, rev ?? 'undefined')] });
    }
  }
  return { results };
}

/**
 * The error entry CouchDB gives a `_bulk_get` request it cannot serve before looking anything up (chttpd_db
 * bulk_get_open_doc_revs): not an object, no id, an id no document may have, an `atts_since` that is not a list of
 * revisions. Undefined for a request that can be served.
 */
function invalidRequest(request: unknown): BulkGetError['error'] | undefined {
  const fail = (id: string | null, rev: string | null, error: string, reason: string) => ({ id, rev, error, reason });
  if (!isJsonObject(request)) return fail(null, null, 'bad_request', 'document must be a JSON object');
  const { id, atts_since: attsSince } = request;
  if (id === undefined) return fail(null, null, 'bad_request', 'document id missed');
  try {
    assertDocId(id);
  } catch (error) {
    if (!(error instanceof SetteeError)) throw error;
    return fail(typeof id === 'string' ? id : null, null, error.error, error.reason);
  }
  if (attsSince === undefined) return undefined;
  if (!Array.isArray(attsSince)) return fail(id, typeof attsSince === 'string' ? attsSince : null, 'bad_request', 'att_since value must be array of revs.');
  for (const since of attsSince) {
    try {
      parseRev(since as string);
    } catch (error) {
      if (!(error instanceof SetteeError)) throw error;
      return fail(id, typeof since === 'string' ? since : null, error.error, error.reason);
    }
  }
  return undefined;
}

/** The winner among the leaves that descend from `rev`. */
function latestLeaf(record: DocRecord, rev: string): RevLeaf | undefined {
  return leavesUnder(record.tree, rev)[0];
}

function leavesAscending(record: DocRecord): RevLeaf[] {
  return sortedLeaves(record.tree).sort((a, b) => a.pos - b.pos || compareRevHash(a.hash, b.hash));
}

function okEntry(storage: Storage, record: DocRecord, rev: string, deleted: boolean, options: OpenRevsOptions): OpenRevsEntry[] {
  const doc = renderRevision(storage, record, rev, deleted, { revs: options.revs }, attachmentMode(record, options));
  return doc ? [{ ok: doc }] : [];
}

/** Renders one stored revision with the requested extras, or undefined when its body is not stored. */
function renderRevision(
  storage: Storage,
  record: DocRecord,
  rev: string,
  deleted: boolean,
  options: GetOptions,
  attachments: AttachmentMode,
): Document | undefined {
  const body = loadRevBody(storage, record, rev);
  if (!body) return undefined;
  const meta = options.meta === true;
  const isWinner = rev === record.winner;
  const extras: DocExtras = {
    revisions: options.revs ? historyOf(record.tree, rev) : undefined,
    revsInfo: options.revs_info || meta ? revsInfoOf(record.tree, rev) : undefined,
    localSeq: options.local_seq ? record.seq : undefined,
    conflicts: (options.conflicts || meta) && isWinner ? otherLeaves(record, false) : undefined,
    deletedConflicts: (options.deleted_conflicts || meta) && isWinner ? otherLeaves(record, true) : undefined,
  };
  return buildDoc(storage, record.id, rev, deleted, body, extras, attachments);
}

function otherLeaves(record: DocRecord, deleted: boolean): string[] {
  return sortedLeaves(record.tree)
    .slice(1)
    .filter((leaf) => leaf.deleted === deleted)
    .map((leaf) => leaf.rev);
}

/**
 * `atts_since`: attachments whose revpos is above the newest of the given revisions that the document knows
 * get data; the others stay stubs. It asks for attachments by itself, as in CouchDB (chttpd_db adds `attachments`).
 */
function attachmentMode(record: DocRecord, options: OpenRevsOptions): AttachmentMode {
  const encodingInfo = options.att_encoding_info === true;
  if (!options.attachments && options.atts_since === undefined) return { inline: false, encodingInfo };
  let sinceRevpos = 0;
  for (const rev of options.atts_since ?? []) {
    const found = findRevision(record.tree, rev);
    if (found && found.pos > sinceRevpos) sinceRevpos = found.pos;
  }
  return { inline: true, sinceRevpos, encodingInfo };
}
