import { linkChain, mergeNodes } from './rev-tree-merge.js';
import { stemTree } from './rev-tree-stem.js';
import type { MergeOutcome, RevHistory, RevNode, RevTree } from './rev-tree-types.js';

/** A tree holding one new path (not stemmed). */
export function newTree(history: RevHistory, leaf: { deleted: boolean }): RevTree {
  // Most new trees are a document's first revision: one node, built directly.
  if (history.ids.length === 1 && Number.isSafeInteger(history.start)) {
    return [{ pos: history.start, root: { hash: history.ids[0]!, deleted: leaf.deleted, available: true, children: [] } }];
  }
  const { pos, nodes } = pathNodes(history, leaf);
  linkChain(nodes, 0);
  return [{ pos, root: nodes[0]! }];
}

/**
 * Merges a revision path (newest first; history.ids[0] is the new leaf at generation history.start) into the tree.
 * The leaf node gets `deleted` from `leaf` and available=true; ancestors not already in the tree are created with
 * available=false, deleted=false. Then stems to `revsLimit` (Infinity: no limit), as CouchDB's updater does after
 * every merge. Returns the outcome: 'new_leaf' when it extended an existing leaf (or created a first tree),
 * 'new_branch' when it created a conflict branch or a new root, 'internal_node' when the leaf revision was already
 * in the tree (nothing new). `changed` tells whether the tree differs at all afterwards (an 'internal_node' merge
 * can still fill in a body, prepend older history, or the stemming can drop revisions).
 *
 * Mutates `tree` in place (the caller owns the tree it loaded from storage) and returns it.
 */
export function mergePath(
  tree: RevTree,
  history: RevHistory,
  leaf: { deleted: boolean },
  revsLimit: number,
): { tree: RevTree; outcome: MergeOutcome; changed: boolean } {
  const { pos, nodes } = pathNodes(history, leaf);
  const merged = mergeNodes(tree, pos, nodes);
  const stemmed = stemTree(tree, revsLimit);
  return { tree, outcome: merged.outcome, changed: merged.changed || stemmed.changed };
}

/** couch_doc:to_path: the history's nodes oldest first, and the generation of the oldest. */
function pathNodes(history: RevHistory, leaf: { deleted: boolean }): { pos: number; nodes: RevNode[] } {
  const { start, ids } = history;
  if (ids.length === 0 || !Number.isSafeInteger(start)) throw new Error('Revision history needs an integer start and at least one id');
  const nodes: RevNode[] = [];
  for (let i = ids.length - 1; i > 0; i--) nodes.push({ hash: ids[i]!, deleted: false, available: false, children: [] });
  nodes.push({ hash: ids[0]!, deleted: leaf.deleted, available: true, children: [] });
  return { pos: start - ids.length + 1, nodes };
}
