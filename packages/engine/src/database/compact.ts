import { compactTree, sortedLeaves } from '../revs/rev-tree.js';
import { stemTree } from '../revs/rev-tree-stem.js';
import type { StorageOp } from '../storage/storage.js';
import type { DbContext } from './db-context.js';
import { decodeRecord, decodeRevBody, encodeRecord, revKey, SPACE } from './records.js';

/**
 * Compaction, as CouchDB's: every tree is stemmed to the database's `revs_limit` (which may have been lowered since
 * the document was last written), bodies of non-leaf revisions are dropped (their ids stay in the tree as history),
 * as are bodies of revisions stemmed out of the tree, then attachment bytes no stored revision refers to.
 */
export function compactDatabase(ctx: DbContext): void {
  const ops: StorageOp[] = [];
  const referenced = new Set<string>();
  const keep = new Set<string>();
  for (const space of [SPACE.docs, SPACE.tombs]) {
    for (const [id, text] of ctx.storage.range(space)) {
      const record = decodeRecord(id, text);
      for (const att of Object.values(record.winnerBody.atts ?? {})) referenced.add(att.digest);
      // Stemming keeps every leaf, so the winner and the record's place stay as they are.
      const { changed: stemmed } = stemTree(record.tree, ctx.meta.revsLimit);
      const { dropped } = compactTree(record.tree);
      for (const leaf of sortedLeaves(record.tree)) {
        if (leaf.rev !== record.winner && leaf.available) keep.add(revKey(id, leaf.rev));
      }
      if (stemmed || dropped.length > 0) ops.push({ type: 'put', space, key: id, value: encodeRecord(record) });
    }
  }
  for (const [key, text] of ctx.storage.range(SPACE.revs)) {
    if (!keep.has(key)) {
      ops.push({ type: 'del', space: SPACE.revs, key });
      continue;
    }
    for (const att of Object.values(decodeRevBody(text).atts ?? {})) referenced.add(att.digest);
  }
  for (const [digest] of ctx.storage.range(SPACE.atts)) {
    if (!referenced.has(digest)) ops.push({ type: 'del', space: SPACE.atts, key: digest });
  }
  if (ops.length > 0) ctx.storage.write(ops);
}
