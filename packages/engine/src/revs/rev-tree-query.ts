import { NotFoundError } from '@settee/core';
import { formatRev, parseRev } from './rev-tree-parse.js';
import type { RevHistory, RevLeaf, RevNode, RevTree } from './rev-tree-types.js';
import { collectLeaves, compareLeavesForWinner, findPath, toLeaf, walkTree } from './rev-tree-walk.js';

/** `_revs_info` statuses. */
export type RevStatus = 'available' | 'missing' | 'deleted';

/** Leaves sorted by CouchDB's winner order: not deleted first, then higher generation, then greater hash (byte order). */
export function sortedLeaves(tree: RevTree): RevLeaf[] {
  return collectLeaves(tree).sort(compareLeavesForWinner);
}

/** The winning leaf (`sortedLeaves(tree)[0]`); throws on an empty tree. */
export function winningLeaf(tree: RevTree): RevLeaf {
  let best: RevLeaf | undefined;
  for (const leaf of collectLeaves(tree)) if (best === undefined || compareLeavesForWinner(leaf, best) < 0) best = leaf;
  if (best === undefined) throw new Error('winningLeaf: empty revision tree');
  return best;
}

export function isLeaf(tree: RevTree, rev: string): boolean {
  return findRevision(tree, rev)?.isLeaf === true;
}

/** The revision `rev` (in canonical form) if the tree has it, leaf or not. Throws BadRequestError on a malformed rev. */
export function findRevision(tree: RevTree, rev: string): (RevLeaf & { isLeaf: boolean }) | undefined {
  const { pos, hash } = parseRev(rev);
  const found = findPath(tree, pos, hash);
  if (!found) return undefined;
  const node = found.path[found.path.length - 1]!;
  return { ...toLeaf(node, pos), isLeaf: node.children.length === 0 };
}

/** The `_revisions` of rev: its ancestry newest first, as far back as the tree knows it. Throws NotFoundError if unknown. */
export function historyOf(tree: RevTree, rev: string): RevHistory {
  const { pos, path } = pathTo(tree, rev);
  const ids: string[] = [];
  for (let i = path.length - 1; i >= 0; i--) ids.push(path[i]!.hash);
  return { start: pos, ids };
}

/**
 * `_revs_info` of rev: each revision on its path, newest first. A revision whose body is gone (history only,
 * compacted) is 'missing'; otherwise a tombstone is 'deleted' (even when it has children) and the rest 'available'.
 */
export function revsInfoOf(tree: RevTree, rev: string): Array<{ rev: string; status: RevStatus }> {
  const { pos, path } = pathTo(tree, rev);
  const info: Array<{ rev: string; status: RevStatus }> = [];
  for (let i = path.length - 1, p = pos; i >= 0; i--, p--) {
    const node = path[i]!;
    info.push({ rev: formatRev(p, node.hash), status: !node.available ? 'missing' : node.deleted ? 'deleted' : 'available' });
  }
  return info;
}

/**
 * Leaves that descend from rev (rev itself if it is a leaf), for `latest=true`, in winner order (so `[0]` is the
 * best of them). Empty when the tree does not have rev.
 */
export function leavesUnder(tree: RevTree, rev: string): RevLeaf[] {
  const { pos: target, hash } = parseRev(rev);
  const leaves: RevLeaf[] = [];
  walkTree(tree, (node, pos) => {
    if (pos < target) return true;
    if (pos === target && node.hash === hash) {
      for (const leaf of collectLeaves([{ pos, root: node }])) leaves.push(leaf);
    }
    return false;
  });
  return leaves.sort(compareLeavesForWinner);
}

function pathTo(tree: RevTree, rev: string): { pos: number; path: RevNode[] } {
  const { pos, hash } = parseRev(rev);
  const found = findPath(tree, pos, hash);
  if (!found) throw new NotFoundError('missing');
  return { pos, path: found.path };
}
