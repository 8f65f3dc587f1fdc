import { ConflictError, SetteeError, type BulkWriteResult, type UserContext } from '@settee/core';
import { validateWrite } from '../design/validate-doc-update.js';
import { stageIndexUpdates, type IndexedDocChange } from '../find/stage-index-updates.js';
import { computeRevHashFromJson } from '../revs/rev-hash.js';
import { findRevision, mergePath, newTree, sortedLeaves } from '../revs/rev-tree.js';
import type { RevHistory, RevLeaf, RevTree } from '../revs/rev-tree-types.js';
import { chainTip, findNode } from '../revs/rev-tree-walk.js';
import type { StorageOp } from '../storage/storage.js';
import type { StoredAttachments } from './attachment-meta.js';
import { copyMeta, type DbContext, type DbMeta } from './db-context.js';
import { isLocalId } from './doc-ids.js';
import { loadRecords, loadRevBody } from './load-record.js';
import { writeLocalDoc } from './local-docs.js';
import type { PreparedDoc } from './prepare-doc.js';
import {
  encodeRecord,
  encodeRevBody,
  revKey,
  seqKey,
  SPACE,
  type DocRecord,
  type RevBody,
} from './records.js';
import { resolveAttachments } from './resolve-attachments.js';
import { BodyNotJsonError } from './body-json.js';
import { preparedBodyJson } from './precompute-rev-hashes.js';

/** One document's state while a batch is being applied: as stored, as it is now, and bodies added. */
interface WorkingDoc {
  base: DocRecord | undefined;
  current: DocRecord;
  /** Bodies added by this batch, by rev; a document usually gets one, so no Map until a second one. */
  newRev: string | undefined;
  newBody: RevBody | undefined;
  moreBodies: Map<string, RevBody> | undefined;
}

/** The outcome of applying one prepared document. */
type Applied = { rev: string } | { unchanged: true };

/**
 * Applies a batch of prepared documents in request order and commits them in ONE storage write, so a batch is
 * atomic on disk. Per-document failures (conflict, missing stub) become result entries; with `newEdits: false`
 * only failures are returned, as CouchDB does.
 */
export function writeDocs(ctx: DbContext, docs: readonly PreparedDoc[], newEdits: boolean, userCtx?: UserContext): BulkWriteResult[] {
  const meta = copyMeta(ctx.meta);
  const working = new Map<string, WorkingDoc>();
  const attData = new Map<string, string>();
  const ops: StorageOp[] = [];
  const results: BulkWriteResult[] = [];
  const ids = docs.map((doc) => doc.id ?? ctx.newId());
  const stored = loadRecords(ctx.storage, ids.filter((id) => !isLocalId(id)));

  docs.forEach((doc, index) => {
    const id = ids[index]!;
    try {
      if (isLocalId(id)) {
        const rev = writeLocalDoc(ctx.storage, ops, id, doc);
        if (newEdits) results.push({ ok: true, id, rev });
        return;
      }
      const entry = working.get(id) ?? startWorking(stored.get(id));
      validateWrite(ctx, id, doc, entry.current as DocRecord | undefined, entry.base, newEdits, userCtx);
      const applied = newEdits ? applyEdit(ctx, meta, entry, id, doc, attData) : applyReplicated(ctx, meta, entry, id, doc, attData);
      working.set(id, entry);
      if (newEdits && 'rev' in applied) results.push({ ok: true, id, rev: applied.rev });
    } catch (error) {
      if (!(error instanceof SetteeError) || error instanceof BodyNotJsonError) throw error;
      const failure = { id, error: error.error, reason: error.reason };
      results.push(!newEdits && doc.rev ? { ...failure, rev: `${doc.rev.pos}-${doc.rev.hash}` } : failure);
    }
  });

  const changed = [...working.values()].filter((entry) => entry.base !== entry.current);
  for (const entry of changed) collectDocOps(ctx, meta, entry, ops);
  if (ops.length === 0) return results;
  for (const [digest, base64] of attData) ops.push({ type: 'put', space: SPACE.atts, key: digest, value: base64 });
  // JSON index rows go into the same atomic write as the documents they index.
  const indexesCommitted = stageIndexUpdates(ctx, changed.map(indexedChange), ops);
  ctx.storage.write(ops);
  ctx.meta = meta;
  indexesCommitted();
  ctx.notifyCommit();
  return results;
}

/** What the index hook needs to know about one changed document (after collectDocOps settled its winner). */
function indexedChange(entry: WorkingDoc): IndexedDocChange {
  const { base, current } = entry;
  return {
    id: current.id,
    wasLive: base !== undefined && !base.deleted,
    after: { rev: current.winner, deleted: current.deleted, body: current.winnerBody.body },
  };
}

function startWorking(base: DocRecord | undefined): WorkingDoc {
  return { base, current: base as DocRecord, newRev: undefined, newBody: undefined, moreBodies: undefined };
}

function addNewBody(entry: WorkingDoc, rev: string, body: RevBody): void {
  if (entry.newRev === undefined || entry.newRev === rev) {
    entry.newRev = rev;
    entry.newBody = body;
  } else {
    (entry.moreBodies ??= new Map()).set(rev, body);
  }
}

function newBodyOf(entry: WorkingDoc, rev: string): RevBody | undefined {
  return rev === entry.newRev ? entry.newBody : entry.moreBodies?.get(rev);
}

function conflict(id: string): ConflictError {
  return new ConflictError('Document update conflict.', { id });
}

/** A normal edit: `_rev` must name a leaf (or be absent for a new or deleted document). */
function applyEdit(ctx: DbContext, meta: DbMeta, entry: WorkingDoc, id: string, doc: PreparedDoc, attData: Map<string, string>): Applied {
  const record = entry.current as DocRecord | undefined;
  let parent: { pos: number; hash: string } | undefined;
  let parentAtts: StoredAttachments | undefined;
  if (record) {
    if (doc.rev) {
      const found = findNode(record.tree, doc.rev.pos, doc.rev.hash);
      if (!found || found.children.length > 0) throw conflict(id);
      const rev = `${doc.rev.pos}-${doc.rev.hash}`;
      parent = doc.rev;
      parentAtts = bodyOf(ctx, entry, rev)?.atts;
    } else if (record.deleted) {
      // Re-creating a deleted document continues its history from the winning tombstone.
      const [pos, hash] = splitRev(record.winner);
      parent = { pos, hash };
      parentAtts = undefined;
    } else {
      throw conflict(id);
    }
  } else {
    // CouchDB accepts a made-up `_rev` on a new document: the new revision becomes its child.
    parent = doc.rev;
  }

  const pos = parent ? parent.pos + 1 : 1;
  const resolved = resolveAttachments(id, doc.attachments, parentAtts, pos, (d) => attData.has(d) || ctx.storage.get(SPACE.atts, d) !== undefined);
  // The revision hashes the body exactly as stored: its JSON text.
  const bodyJson = preparedBodyJson(doc, id);
  const hint = doc.encoded;
  const hash =
    hint !== undefined && resolved.forHash.length === 0 && sameParent(hint.parent, parent)
      ? hint.batch.hash(hint.index)
      : computeRevHashFromJson({ deleted: doc.deleted, parent: parent ?? null, bodyJson, attachments: resolved.forHash });
  const history: RevHistory = parent ? { start: pos, ids: [hash, parent.hash] } : { start: 1, ids: [hash] };
  const rev = `${pos}-${hash}`;
  for (const [digest, base64] of resolved.newData) attData.set(digest, base64);
  storeRevision(meta, entry, id, history, doc.deleted, { body: bodyJson, atts: resolved.atts });
  return { rev };
}

/** A replicated edit (`new_edits: false`): the revision and its history are merged in as given. */
function applyReplicated(ctx: DbContext, meta: DbMeta, entry: WorkingDoc, id: string, doc: PreparedDoc, attData: Map<string, string>): Applied {
  const history = replicatedHistory(doc);
  const rev = `${history.start}-${history.ids[0]}`;
  const record = entry.current as DocRecord | undefined;
  // A revision the tree already has (as a leaf or as history) changes nothing, as in CouchDB.
  if (record && findRevision(record.tree, rev)) return { unchanged: true };
  const previous = record ? nearestStoredAncestor(ctx, entry, record, history) : undefined;
  const resolved = resolveAttachments(id, doc.attachments, previous, 'replicated', (d) => attData.has(d) || ctx.storage.get(SPACE.atts, d) !== undefined);
  for (const [digest, base64] of resolved.newData) attData.set(digest, base64);
  storeRevision(meta, entry, id, history, doc.deleted, { body: preparedBodyJson(doc, id), atts: resolved.atts });
  return { rev };
}

function sameParent(a: { pos: number; hash: string } | null, b: { pos: number; hash: string } | undefined): boolean {
  return a === null ? b === undefined : b !== undefined && a.pos === b.pos && a.hash === b.hash;
}

function replicatedHistory(doc: PreparedDoc): RevHistory {
  if (doc.revisions) {
    const { start, ids } = doc.revisions;
    if (doc.rev && (doc.rev.pos !== start || doc.rev.hash !== ids[0])) {
      throw new SetteeError(400, 'bad_request', '`_rev` does not match the first revision of `_revisions`');
    }
    return { start, ids: [...ids] };
  }
  if (!doc.rev) {
    throw new SetteeError(400, 'bad_request', 'When `new_edits: false`, the document needs `_rev` or `_revisions` specified');
  }
  return { start: doc.rev.pos, ids: [doc.rev.hash] };
}

/** Attachments of the closest revision in `history` (after the new one) whose body is stored. */
function nearestStoredAncestor(ctx: DbContext, entry: WorkingDoc, record: DocRecord, history: RevHistory): StoredAttachments | undefined {
  for (let i = 1; i < history.ids.length; i++) {
    const rev = `${history.start - i}-${history.ids[i]}`;
    const body = findRevision(record.tree, rev)?.available ? bodyOf(ctx, entry, rev) : undefined;
    if (body) return body.atts;
  }
  return undefined;
}

/** Merges a new revision into the working document and updates the winner, the counters and the seq. */
function storeRevision(meta: DbMeta, entry: WorkingDoc, id: string, history: RevHistory, deleted: boolean, body: RevBody): void {
  const rev = `${history.start}-${history.ids[0]}`;
  const before = entry.current as DocRecord | undefined;
  const tree = before ? mergePath(before.tree, history, { deleted }, meta.revsLimit).tree : newTree(history, { deleted });
  // When the tree is one unbranched path ending at the new revision (always so for a new tree), that leaf wins.
  const winner: Pick<RevLeaf, 'rev' | 'deleted'> = before && !isTipOf(tree, history) ? sortedLeaves(tree)[0]! : { rev, deleted };
  addNewBody(entry, rev, body);
  meta.updateSeq += 1;
  // The winner's body: the new one, the one it had before this edit, one added earlier in the batch, or the stored
  // one when the batch hands the win back to the stored winner.
  const winnerBody =
    winner.rev === rev
      ? body
      : before && winner.rev === before.winner
        ? before.winnerBody
        : (newBodyOf(entry, winner.rev) ?? (entry.base && winner.rev === entry.base.winner ? entry.base.winnerBody : undefined));
  const next: DocRecord = {
    id,
    seq: meta.updateSeq,
    winner: winner.rev,
    deleted: winner.deleted,
    tree,
    // Filled from storage in collectDocOps when the winner moved to a revision stored before this batch.
    winnerBody: winnerBody ?? { body: '', atts: undefined },
  };
  countChange(meta, before, next);
  entry.current = next;
}

function countChange(meta: DbMeta, before: DocRecord | undefined, after: DocRecord): void {
  if (before) {
    if (before.deleted) meta.delCount -= 1;
    else meta.docCount -= 1;
    addExternal(meta, -before.winnerBody.body.length);
  }
  if (after.deleted) meta.delCount += 1;
  else meta.docCount += 1;
  addExternal(meta, after.winnerBody.body.length);
}

/** Keeps `sizes.external` current once it has been computed (see `externalSize`). */
export function addExternal(meta: DbMeta, delta: number): void {
  if (meta.externalSize !== undefined) meta.externalSize += delta;
}

/**
 * Storage ops for one changed document. Invariant: the winner's body lives inline in the record, every other
 * stored revision's body in the `revs` space.
 */
function collectDocOps(ctx: DbContext, meta: DbMeta, entry: WorkingDoc, ops: StorageOp[]): void {
  const { base, current } = entry;
  const id = current.id;
  const winnerIsNew = newBodyOf(entry, current.winner) !== undefined;
  if (!winnerIsNew && base && current.winner !== base.winner) {
    // An older revision became the winner: move its body inline.
    const moved = loadRevBody(ctx.storage, base, current.winner);
    if (moved) {
      current.winnerBody = moved;
      addExternal(meta, moved.body.length);
      ops.push({ type: 'del', space: SPACE.revs, key: revKey(id, current.winner) });
    }
  }
  if (entry.newRev !== undefined && entry.newRev !== current.winner) storeNonWinnerBody(current, entry.newRev, entry.newBody!, ops);
  if (entry.moreBodies) for (const [rev, body] of entry.moreBodies) storeNonWinnerBody(current, rev, body, ops);
  if (base && base.winner !== current.winner && hasRevision(current.tree, base.winner)) {
    ops.push({ type: 'put', space: SPACE.revs, key: revKey(id, base.winner), value: encodeRevBody(base.winnerBody) });
  }
  const space = current.deleted ? SPACE.tombs : SPACE.docs;
  if (base && base.deleted !== current.deleted) {
    ops.push({ type: 'del', space: base.deleted ? SPACE.tombs : SPACE.docs, key: id });
  }
  ops.push({ type: 'put', space, key: id, value: encodeRecord(current) });
  if (base) ops.push({ type: 'del', space: SPACE.seqs, key: seqKey(base.seq) });
  ops.push({ type: 'put', space: SPACE.seqs, key: seqKey(current.seq), value: id });
}

/** A body added by the batch that is not the winner's goes to the `revs` space, unless stemming dropped it. */
function storeNonWinnerBody(current: DocRecord, rev: string, body: RevBody, ops: StorageOp[]): void {
  if (rev !== current.winner && hasRevision(current.tree, rev)) {
    ops.push({ type: 'put', space: SPACE.revs, key: revKey(current.id, rev), value: encodeRevBody(body) });
  }
}

/** The body of `rev` as the batch sees it: added in this batch, or stored. */
function bodyOf(ctx: DbContext, entry: WorkingDoc, rev: string): RevBody | undefined {
  return newBodyOf(entry, rev) ?? (entry.base ? loadRevBody(ctx.storage, entry.base, rev) : undefined);
}

/** True when the tree is one unbranched chain ending at the history's new revision: then that revision wins. */
function isTipOf(tree: RevTree, history: RevHistory): boolean {
  const tip = chainTip(tree);
  return tip !== undefined && tip.pos === history.start && tip.node.hash === history.ids[0];
}

/** Whether the tree has `rev` (a canonical revision string), found without parsing or allocating a result. */
function hasRevision(tree: RevTree, rev: string): boolean {
  const [pos, hash] = splitRev(rev);
  return findNode(tree, pos, hash) !== undefined;
}

function splitRev(rev: string): [number, string] {
  const dash = rev.indexOf('-');
  return [Number(rev.slice(0, dash)), rev.slice(dash + 1)];
}

