import { isJsonObject, type JsonObject, type JsonValue } from '@settee/core';
import type { DbContext } from '../database/db-context.js';
import { loadRevBody } from '../database/load-record.js';
import type { PreparedDoc } from '../database/prepare-doc.js';
import type { DocRecord, RevBody } from '../database/records.js';
import { findRevision, historyOf } from '../revs/rev-tree.js';
import type { RevHistory } from '../revs/rev-tree-types.js';

/**
 * The `oldDoc` validate_doc_update gets: the revision the write is made on, as stored before the batch (`stored`),
 * never simply the winner (couch_db's prep_and_validate_update(s), prep_and_validate_replicated_updates):
 * - an edit with `_rev`: that leaf, even a losing or deleted one;
 * - an edit without `_rev` (a new document, or re-creating a deleted one): null;
 * - a replicated revision (`new_edits: false`): the nearest ancestor on its path whose body is stored
 *   (make_first_doc_on_disk), or null when none is.
 */
export function oldDocOf(ctx: DbContext, doc: PreparedDoc, stored: DocRecord | undefined, newEdits: boolean): JsonValue {
  if (!stored) return null;
  if (newEdits) {
    if (!doc.rev) return null;
    const rev = `${doc.rev.pos}-${doc.rev.hash}`;
    const found = findRevision(stored.tree, rev);
    if (!found?.isLeaf) return null;
    return storedDoc(ctx, stored, historyOf(stored.tree, rev), found.deleted, loadRevBody(ctx.storage, stored, rev));
  }
  return firstStoredAncestor(ctx, stored, replicatedPath(doc));
}

/** Whether the tree as stored already has the replicated revision (which is then not validated, nor written). */
export function hasReplicatedRevision(doc: PreparedDoc, stored: DocRecord): boolean {
  const path = replicatedPath(doc);
  return path.ids.length > 0 && findRevision(stored.tree, `${path.start}-${path.ids[0]}`) !== undefined;
}

/** The new revision's path as the request gives it: `_revisions`, or just `_rev`. */
function replicatedPath(doc: PreparedDoc): RevHistory {
  if (doc.revisions) return doc.revisions;
  return doc.rev ? { start: doc.rev.pos, ids: [doc.rev.hash] } : { start: 0, ids: [] };
}

function firstStoredAncestor(ctx: DbContext, stored: DocRecord, path: RevHistory): JsonValue {
  // Find where the new path joins the stored tree; above that point the path is whichever of the two is longer
  // (CouchDB merges the new path into the tree before it walks it).
  for (let i = 1; i < path.ids.length; i++) {
    const start = path.start - i;
    const joined = `${start}-${path.ids[i]}`;
    if (!findRevision(stored.tree, joined)) continue;
    const known = historyOf(stored.tree, joined).ids;
    const given = path.ids.slice(i);
    const ids = given.length > known.length ? given : known;
    for (let j = 0; j < ids.length; j++) {
      const rev = `${start - j}-${ids[j]}`;
      const node = findRevision(stored.tree, rev);
      const body = node?.available ? loadRevBody(ctx.storage, stored, rev) : undefined;
      if (node && body) return storedDoc(ctx, stored, { start: start - j, ids: ids.slice(j) }, node.deleted, body);
    }
    return null;
  }
  return null;
}

/** A stored revision as couch_doc:to_json_obj(Doc, [revs]) shows it: `_id`, `_rev`, body, `_deleted`, `_revisions`, stubs. */
function storedDoc(ctx: DbContext, stored: DocRecord, history: RevHistory, deleted: boolean, body: RevBody | undefined): JsonObject {
  const parsed: unknown = body ? JSON.parse(body.body) : {};
  const out: JsonObject = { _id: stored.id, _rev: `${history.start}-${history.ids[0]}`, ...(isJsonObject(parsed) ? parsed : {}) };
  if (deleted) out['_deleted'] = true;
  // make_doc keeps at most revs_limit revisions of the path.
  out['_revisions'] = { start: history.start, ids: history.ids.slice(0, ctx.meta.revsLimit) };
  if (body?.atts) {
    const stubs: JsonObject = {};
    for (const [name, att] of Object.entries(body.atts)) {
      stubs[name] = { content_type: att.content_type, revpos: att.revpos, digest: att.digest, length: att.length, stub: true };
    }
    out['_attachments'] = stubs;
  }
  return out;
}
