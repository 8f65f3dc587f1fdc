import { compareRevHash, formatRev, parseRev } from './rev-tree-parse.js';
import type { RevNode, RevPath, RevTree } from './rev-tree-types.js';

/**
 * Removes the given leaf revisions (purge); returns the revs actually removed. Like couch_key_tree:remove_leafs,
 * a purged leaf takes with it every ancestor no other leaf still descends from; revs that are not leaves are
 * ignored. An empty tree afterwards means the document is gone. `purged` is sorted by generation then id and
 * has no duplicates, as CouchDB's purge response. Malformed revs throw BadRequestError. Mutates `tree`.
 */
export function purgeLeaves(tree: RevTree, revs: readonly string[]): { tree: RevTree; purged: string[] } {
  const wanted = new Map<string, { pos: number; hash: string }>();
  for (const rev of revs) {
    const key = parseRev(rev);
    wanted.set(formatRev(key.pos, key.hash), key);
  }
  if (wanted.size === 0) return { tree, purged: [] };

  const purged: Array<{ pos: number; hash: string }> = [];
  const survivors: RevPath[] = [];
  for (const branch of tree) {
    if (pruneBranch(branch, wanted, purged)) survivors.push(branch);
  }
  if (purged.length === 0) return { tree, purged: [] };
  tree.length = 0;
  for (const branch of survivors) tree.push(branch);
  purged.sort((a, b) => a.pos - b.pos || compareRevHash(a.hash, b.hash));
  return { tree, purged: purged.map((key) => formatRev(key.pos, key.hash)) };
}

/** Drops the wanted leaves of one branch and the nodes left without leaves; false when nothing is left. */
function pruneBranch(branch: RevPath, wanted: Map<string, { pos: number; hash: string }>, purged: Array<{ pos: number; hash: string }>): boolean {
  // Pre-order, then children before parents: a node lives if it is a kept leaf or has a living child.
  const nodes: RevNode[] = [];
  const positions: number[] = [];
  const stack: RevNode[] = [branch.root];
  const stackPos: number[] = [branch.pos];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const pos = stackPos.pop()!;
    nodes.push(node);
    positions.push(pos);
    for (let i = node.children.length - 1; i >= 0; i--) {
      stack.push(node.children[i]!);
      stackPos.push(pos + 1);
    }
  }
  const alive = new Set<RevNode>();
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i]!;
    if (node.children.length === 0) {
      const rev = formatRev(positions[i]!, node.hash);
      const key = wanted.get(rev);
      if (key) {
        // Each requested rev removes one leaf, as lists:delete does.
        wanted.delete(rev);
        purged.push(key);
      } else alive.add(node);
      continue;
    }
    const living = node.children.filter((child) => alive.has(child));
    if (living.length > 0) {
      if (living.length !== node.children.length) node.children = living;
      alive.add(node);
    }
  }
  return alive.has(branch.root);
}
