import { formatRev } from './rev-tree-parse.js';
import type { RevTree } from './rev-tree-types.js';
import { walkTree } from './rev-tree-walk.js';

/**
 * Marks every non-leaf revision as not available (compaction); returns the revs whose bodies can be dropped
 * (in walk order). Like CouchDB, which replaces every branch value by ?REV_MISSING, a compacted revision also
 * forgets that it was a tombstone: `_revs_info` reports it 'missing'. Mutates `tree` and returns it.
 */
export function compactTree(tree: RevTree): { tree: RevTree; dropped: string[] } {
  const dropped: string[] = [];
  walkTree(tree, (node, pos) => {
    if (node.children.length === 0) return;
    if (node.available) dropped.push(formatRev(pos, node.hash));
    node.available = false;
    node.deleted = false;
  });
  return { tree, dropped };
}
