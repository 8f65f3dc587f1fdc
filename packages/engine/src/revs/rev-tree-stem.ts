import { encodeTree } from './rev-tree-codec.js';
import { mergeNodes } from './rev-tree-merge.js';
import { compareRevHash } from './rev-tree-parse.js';
import type { RevNode, RevPath, RevTree } from './rev-tree-types.js';
import { compareRoots } from './rev-tree-walk.js';

/**
 * Stems every branch to its last `limit` revisions (couch_key_tree:stem), dropping roots as needed.
 * A revision survives when some leaf below it is fewer than `limit` generations away; survivors whose parent was
 * dropped become roots. `limit` may be Infinity (then only the duplicate repair below can change the tree).
 * Mutates `tree` in place and returns it.
 */
export function stem(tree: RevTree, limit: number): RevTree {
  return stemTree(tree, limit).tree;
}

/** `stem`, also telling whether anything changed. */
export function stemTree(tree: RevTree, limit: number): { tree: RevTree; changed: boolean } {
  if (!(limit >= 1)) throw new RangeError(`revs limit must be at least 1, got ${limit}`);
  if (isShortDistinctChain(tree, limit)) return { tree, changed: false };
  const walk = preOrder(tree);
  if (walk.duplicate) return repair(tree, limit);
  const { nodes, positions, parents } = walk;
  const count = nodes.length;
  // Distance from each node to its nearest leaf, children (later in pre-order) first.
  const nearest = new Float64Array(count);
  for (let i = 0; i < count; i++) nearest[i] = nodes[i]!.children.length === 0 ? 0 : Infinity;
  let deepest = 0;
  for (let i = count - 1; i >= 0; i--) {
    const distance = nearest[i]!;
    if (distance > deepest) deepest = distance;
    const parent = parents[i]!;
    if (parent >= 0 && distance + 1 < nearest[parent]!) nearest[parent] = distance + 1;
  }
  if (deepest < limit) return { tree, changed: false };

  const kept = new Uint8Array(count);
  const childrenOf: RevNode[][] = [];
  const roots: RevPath[] = [];
  for (let i = 0; i < count; i++) {
    if (nearest[i]! >= limit) continue;
    kept[i] = 1;
    childrenOf[i] = [];
    const parent = parents[i]!;
    if (parent >= 0 && kept[parent] === 1) childrenOf[parent]!.push(nodes[i]!);
    else roots.push({ pos: positions[i]!, root: nodes[i]! });
  }
  for (let i = 0; i < count; i++) if (kept[i] === 1) nodes[i]!.children = childrenOf[i]!;
  roots.sort(compareRoots);
  replaceContents(tree, roots);
  return { tree, changed: true };
}

/** Chains up to this long are checked for repeated ids pairwise, without allocating. */
const SHORT_CHAIN = 16;

/**
 * The usual document: one root, no branches, fewer revisions than the limit and no id twice. Stemming leaves such
 * a tree as it is, so the general walk (which allocates) is skipped.
 */
function isShortDistinctChain(tree: RevTree, limit: number): boolean {
  if (tree.length !== 1) return false;
  const root = tree[0]!.root;
  let length = 0;
  for (let node: RevNode | undefined = root; node !== undefined; node = node.children[0]) {
    if (node.children.length > 1 || length >= SHORT_CHAIN) return false;
    for (let above = root; above !== node; above = above.children[0]!) if (above.hash === node.hash) return false;
    length++;
  }
  return length < limit;
}

interface PreOrder {
  nodes: RevNode[];
  positions: number[];
  /** Index (in `nodes`) of each node's parent, -1 for roots. */
  parents: number[];
  /** Some revision id occurs twice (CouchDB's check_key compares ids only, not generations). */
  duplicate: boolean;
}

function preOrder(tree: RevTree): PreOrder {
  const nodes: RevNode[] = [];
  const positions: number[] = [];
  const parents: number[] = [];
  const seen = new Set<string>();
  let duplicate = false;
  const stack: RevNode[] = [];
  const stackPos: number[] = [];
  const stackParent: number[] = [];
  for (let r = tree.length - 1; r >= 0; r--) {
    stack.push(tree[r]!.root);
    stackPos.push(tree[r]!.pos);
    stackParent.push(-1);
  }
  while (stack.length > 0) {
    const node = stack.pop()!;
    const index = nodes.length;
    nodes.push(node);
    const pos = stackPos.pop()!;
    positions.push(pos);
    parents.push(stackParent.pop()!);
    if (seen.has(node.hash)) duplicate = true;
    else seen.add(node.hash);
    for (let i = node.children.length - 1; i >= 0; i--) {
      stack.push(node.children[i]!);
      stackPos.push(pos + 1);
      stackParent.push(index);
    }
  }
  return { nodes, positions, parents, duplicate };
}

/**
 * repair_tree: a revision id seen twice (a path merged into one branch that also overlaps another, or odd
 * histories). CouchDB rebuilds the tree from its leaf paths, each cut to `limit`, merged oldest start first.
 */
function repair(tree: RevTree, limit: number): { tree: RevTree; changed: boolean } {
  const before = encodeTree(tree);
  const paths = leafPaths(tree, limit);
  paths.sort(comparePaths);
  const rebuilt: RevTree = [];
  for (const { start, nodes } of paths) mergeNodes(rebuilt, start, nodes);
  replaceContents(tree, rebuilt);
  return { tree, changed: encodeTree(tree) !== before };
}

interface LeafPath {
  start: number;
  /** Fresh copies of the path's nodes, oldest first. */
  nodes: RevNode[];
}

function leafPaths(tree: RevTree, limit: number): LeafPath[] {
  const result: LeafPath[] = [];
  for (const { pos: rootPos, root } of tree) {
    const path: RevNode[] = [];
    const stack: RevNode[] = [root];
    const depths: number[] = [0];
    while (stack.length > 0) {
      const node = stack.pop()!;
      const depth = depths.pop()!;
      path.length = depth;
      path.push(node);
      if (node.children.length === 0) {
        const from = Math.max(0, path.length - limit);
        const nodes = path.slice(from).map((n) => ({ hash: n.hash, deleted: n.deleted, available: n.available, children: [] }));
        result.push({ start: rootPos + from, nodes });
        continue;
      }
      for (let i = node.children.length - 1; i >= 0; i--) {
        stack.push(node.children[i]!);
        depths.push(depth + 1);
      }
    }
  }
  return result;
}

/** Erlang's order of `{Start, Path}` with Path leaf first (values, never decisive in practice, are ignored). */
function comparePaths(a: LeafPath, b: LeafPath): number {
  if (a.start !== b.start) return a.start - b.start;
  let i = a.nodes.length - 1;
  let j = b.nodes.length - 1;
  for (; i >= 0 && j >= 0; i--, j--) {
    const order = compareRevHash(a.nodes[i]!.hash, b.nodes[j]!.hash);
    if (order !== 0) return order;
  }
  return i < 0 ? (j < 0 ? 0 : -1) : 1;
}

function replaceContents(tree: RevTree, roots: RevTree): void {
  tree.length = 0;
  for (const root of roots) tree.push(root);
}
