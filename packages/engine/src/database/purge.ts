import { BadRequestError, isJsonObject } from '@settee/core';
import { checkRevList, purgeLeaves, sortedLeaves } from '../revs/rev-tree.js';
import { stageIndexUpdates, type IndexedDocChange } from '../find/stage-index-updates.js';
import type { StorageOp } from '../storage/storage.js';
import { copyMeta, metaOp, type DbContext } from './db-context.js';
import { loadRecord, loadRevBody } from './load-record.js';
import { addExternal } from './write-docs.js';
import { encodeRecord, encodeRevBody, revKey, seqKey, SPACE } from './records.js';

/** `[purge] max_document_id_number` and `max_revisions_number` as CouchDB ships them. */
export const MAX_PURGE_IDS = 100;
export const MAX_PURGE_REVS = 1000;

/**
 * chttpd_db's checks of a `_purge` body, in its order: a JSON object (chttpd:json_body_obj), each value a list of
 * well-formed revisions (couch_doc:parse_revs), then at most 100 ids and 1000 revisions in all.
 */
function checkPurgeRequest(request: unknown): asserts request is Record<string, string[]> {
  if (!isJsonObject(request)) throw new BadRequestError('Request body must be a JSON object');
  let revCount = 0;
  for (const revs of Object.values(request)) {
    checkRevList(revs);
    revCount += (revs as unknown[]).length;
  }
  if (Object.keys(request).length > MAX_PURGE_IDS) throw new BadRequestError('Exceeded maximum number of documents.');
  if (revCount > MAX_PURGE_REVS) throw new BadRequestError('Exceeded maximum number of revisions.');
}

/**
 * CouchDB's `_purge`: the given leaf revisions vanish as if never written. A document left with no leaves is
 * removed entirely; one with leaves left gets its new winner and a new seq, so feeds see the change.
 */
export function purgeDocs(ctx: DbContext, request: Record<string, string[]>): Record<string, string[]> {
  checkPurgeRequest(request);
  const meta = copyMeta(ctx.meta);
  const ops: StorageOp[] = [];
  const purged: Record<string, string[]> = {};
  const changes: IndexedDocChange[] = [];
  for (const [id, revs] of Object.entries(request)) {
    const record = loadRecord(ctx.storage, id);
    if (!record) {
      purged[id] = [];
      continue;
    }
    const before = { winner: record.winner, deleted: record.deleted, seq: record.seq, body: record.winnerBody };
    const result = purgeLeaves(record.tree, revs);
    purged[id] = result.purged;
    if (result.purged.length === 0) continue;
    for (const rev of result.purged) ops.push({ type: 'del', space: SPACE.revs, key: revKey(id, rev) });
    ops.push({ type: 'del', space: before.deleted ? SPACE.tombs : SPACE.docs, key: id });
    ops.push({ type: 'del', space: SPACE.seqs, key: seqKey(before.seq) });
    if (before.deleted) meta.delCount -= 1;
    else meta.docCount -= 1;
    addExternal(meta, -before.body.body.length);
    const leaves = sortedLeaves(result.tree);
    const winner = leaves[0];
    const winnerBody = winner && (winner.rev === before.winner ? before.body : loadRevBody(ctx.storage, record, winner.rev));
    changes.push({
      id,
      wasLive: !before.deleted,
      after: winner && winnerBody ? { rev: winner.rev, deleted: winner.deleted, body: winnerBody.body } : undefined,
    });
    if (!winner || !winnerBody) continue;
    if (winner.rev !== before.winner) ops.push({ type: 'del', space: SPACE.revs, key: revKey(id, winner.rev) });
    if (winner.rev !== before.winner && !result.purged.includes(before.winner)) {
      ops.push({ type: 'put', space: SPACE.revs, key: revKey(id, before.winner), value: encodeRevBody(before.body) });
    }
    meta.updateSeq += 1;
    const next = { id, seq: meta.updateSeq, winner: winner.rev, deleted: winner.deleted, tree: result.tree, winnerBody };
    ops.push({ type: 'put', space: winner.deleted ? SPACE.tombs : SPACE.docs, key: id, value: encodeRecord(next) });
    ops.push({ type: 'put', space: SPACE.seqs, key: seqKey(next.seq), value: id });
    if (winner.deleted) meta.delCount += 1;
    else meta.docCount += 1;
    addExternal(meta, winnerBody.body.length);
  }
  if (ops.length === 0) return purged;
  meta.purgeSeq += 1;
  const indexesCommitted = stageIndexUpdates(ctx, changes, ops);
  ops.push(metaOp(meta));
  ctx.storage.write(ops);
  ctx.meta = meta;
  indexesCommitted();
  ctx.notifyCommit();
  return purged;
}
