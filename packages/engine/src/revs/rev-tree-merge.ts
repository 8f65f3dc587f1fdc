import { compareRevHash } from './rev-tree-parse.js';
import type { MergeOutcome, RevNode, RevPath, RevTree } from './rev-tree-types.js';
import { compareRoots, findPathBelow } from './rev-tree-walk.js';

/** What merging one path did, plus whether the tree changed at all (a filled-in body, a longer history...). */
export interface MergeResult {
  outcome: MergeOutcome;
  changed: boolean;
}

/**
 * couch_key_tree:merge for one linear path, without stemming. `path` holds the path's nodes oldest first, each
 * with no children yet; `pos` is the generation of `path[0]`. The path goes into the first branch (in tree order)
 * it lines up with, else becomes a new root. Mutates `tree` (kept in root order) and adopts the nodes of `path`.
 */
export function mergeNodes(tree: RevTree, pos: number, path: RevNode[]): MergeResult {
  if (path.length === 0) throw new Error('mergeNodes: empty revision path');
  for (const branch of tree) {
    const result = mergeIntoBranch(branch, pos, path);
    if (result) {
      if (tree.length > 1) tree.sort(compareRoots);
      return result;
    }
  }
  linkChain(path, 0);
  tree.push({ pos, root: path[0]! });
  if (tree.length > 1) tree.sort(compareRoots);
  return { outcome: tree.length === 1 ? 'new_leaf' : 'new_branch', changed: true };
}

/** Links `path[from..]` into a chain, each node the only child of the previous one. */
export function linkChain(path: RevNode[], from: number): void {
  for (let i = from; i < path.length - 1; i++) path[i]!.children = [path[i + 1]!];
  path[path.length - 1]!.children = [];
}

/** merge_at: find where the path and the branch start to share a revision (they may begin at different depths). */
function mergeIntoBranch(branch: RevPath, pos: number, path: RevNode[]): MergeResult | undefined {
  const offset = branch.pos - pos;
  if (offset > 0) {
    // The path starts above this branch's root (the branch was stemmed): it must reach down to that root.
    if (offset >= path.length || path[offset]!.hash !== branch.root.hash) return undefined;
    for (let i = 0; i < offset - 1; i++) path[i]!.children = [path[i + 1]!];
    path[offset - 1]!.children = [branch.root];
    const result = extend(branch.root, path, offset);
    branch.root = path[0]!;
    branch.pos = pos;
    return { outcome: result.outcome, changed: true };
  }
  const first = path[0]!;
  const start = offset === 0 ? (branch.root.hash === first.hash ? branch.root : undefined) : findPathBelow(branch.root, -offset, first.hash)?.at(-1);
  return start ? extend(start, path, 0) : undefined;
}

/** merge_extend: walk down the tree along the path from the shared revision `node` (= `path[index]`). */
function extend(node: RevNode, path: RevNode[], index: number): MergeResult {
  let changed = false;
  let current = node;
  let k = index;
  for (;;) {
    const incoming = path[k]!;
    // value_pref: a stored body wins over a revision known only by id.
    if (!current.available && incoming.available) {
      current.available = true;
      current.deleted = incoming.deleted;
      changed = true;
    }
    if (k === path.length - 1) return { outcome: 'internal_node', changed };
    const next = path[k + 1]!;
    const children = current.children;
    if (children.length === 0) {
      linkChain(path, k + 1);
      children.push(next);
      return { outcome: 'new_leaf', changed: true };
    }
    let i = 0;
    let order = 1;
    for (; i < children.length; i++) {
      order = compareRevHash(children[i]!.hash, next.hash);
      if (order >= 0) break;
    }
    if (order === 0) {
      current = children[i]!;
      k++;
      continue;
    }
    // Siblings stay sorted by id, as CouchDB keeps them.
    linkChain(path, k + 1);
    children.splice(i, 0, next);
    return { outcome: 'new_branch', changed: true };
  }
}
