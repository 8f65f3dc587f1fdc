import { compareRevHash, formatRev } from './rev-tree-parse.js';
import type { RevLeaf, RevNode, RevPath, RevTree } from './rev-tree-types.js';

/**
 * Internal traversal helpers. Every walk is iterative (explicit stacks): chains reach revs_limit (1000 by default,
 * more when raised), too deep for recursion. Walk order is CouchDB's: roots in order, depth first, children in order.
 */

/** Calls `visit` for every node in pre-order; returning false skips that node's children. */
export function walkTree(tree: RevTree, visit: (node: RevNode, pos: number) => boolean | void): void {
  const nodes: RevNode[] = [];
  const positions: number[] = [];
  for (let r = tree.length - 1; r >= 0; r--) {
    const path = tree[r]!;
    nodes.push(path.root);
    positions.push(path.pos);
  }
  while (nodes.length > 0) {
    const node = nodes.pop()!;
    const pos = positions.pop()!;
    if (visit(node, pos) === false) continue;
    const children = node.children;
    for (let i = children.length - 1; i >= 0; i--) {
      nodes.push(children[i]!);
      positions.push(pos + 1);
    }
  }
}

/**
 * The first node (in walk order) `depth` levels below `root` whose hash is `hash`, with its ancestors:
 * `[root, ..., node]`. Only nodes above that depth are visited.
 */
export function findPathBelow(root: RevNode, depth: number, hash: string): RevNode[] | undefined {
  if (depth < 0) return undefined;
  const path: RevNode[] = [];
  const nodes: RevNode[] = [root];
  const depths: number[] = [0];
  while (nodes.length > 0) {
    const node = nodes.pop()!;
    const d = depths.pop()!;
    path.length = d;
    path.push(node);
    if (d === depth) {
      if (node.hash === hash) return path;
      continue;
    }
    const children = node.children;
    for (let i = children.length - 1; i >= 0; i--) {
      nodes.push(children[i]!);
      depths.push(d + 1);
    }
  }
  return undefined;
}

/**
 * The node of the first occurrence of revision `pos`-`hash` (as {@link findPath} finds it), or undefined. Walks an
 * unbranched stretch without allocating, which is all of the usual document's tree.
 */
export function findNode(tree: RevTree, pos: number, hash: string): RevNode | undefined {
  for (const { pos: rootPos, root } of tree) {
    if (rootPos > pos) continue;
    const depth = pos - rootPos;
    let node = root;
    let d = 0;
    while (d < depth && node.children.length === 1) {
      node = node.children[0]!;
      d++;
    }
    if (d === depth) {
      // Every node above was an only child, so this is the only node at that generation under this root.
      if (node.hash === hash) return node;
      continue;
    }
    const path = findPathBelow(node, depth - d, hash);
    if (path) return path[path.length - 1];
  }
  return undefined;
}

/** The end of a tree that is one unbranched chain, with its generation; undefined for any other tree. */
export function chainTip(tree: RevTree): { node: RevNode; pos: number } | undefined {
  if (tree.length !== 1) return undefined;
  let { pos, root: node } = tree[0]!;
  while (node.children.length === 1) {
    node = node.children[0]!;
    pos++;
  }
  return node.children.length === 0 ? { node, pos } : undefined;
}

/** The first occurrence of revision `pos`-`hash` in the tree, with its ancestors from its root. */
export function findPath(tree: RevTree, pos: number, hash: string): { path: RevNode[]; rootPos: number } | undefined {
  for (const { pos: rootPos, root } of tree) {
    if (rootPos > pos) continue;
    const path = findPathBelow(root, pos - rootPos, hash);
    if (path) return { path, rootPos };
  }
  return undefined;
}

export function toLeaf(node: RevNode, pos: number): RevLeaf {
  return { rev: formatRev(pos, node.hash), pos, hash: node.hash, deleted: node.deleted, available: node.available };
}

/** Every leaf of the tree, in walk order. */
export function collectLeaves(tree: RevTree): RevLeaf[] {
  const leaves: RevLeaf[] = [];
  walkTree(tree, (node, pos) => {
    if (node.children.length === 0) leaves.push(toLeaf(node, pos));
  });
  return leaves;
}

/** CouchDB's winner order (couch_doc:to_doc_info): live before deleted, then higher generation, then greater id. */
export function compareLeavesForWinner(a: RevLeaf, b: RevLeaf): number {
  if (a.deleted !== b.deleted) return a.deleted ? 1 : -1;
  if (a.pos !== b.pos) return b.pos - a.pos;
  return compareRevHash(b.hash, a.hash);
}

/** Tree order of roots (Erlang's sort of `{Pos, Node}`): generation, then root id. */
export function compareRoots(a: RevPath, b: RevPath): number {
  return a.pos - b.pos || compareRevHash(a.root.hash, b.root.hash);
}
