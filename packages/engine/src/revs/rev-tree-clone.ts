import type { RevNode, RevTree } from './rev-tree-types.js';

/** A deep copy of the tree, for callers that must keep the tree as it was before an update (updates mutate). */
export function cloneTree(tree: RevTree): RevTree {
  const copy: RevTree = [];
  const sources: RevNode[] = [];
  const targets: RevNode[] = [];
  for (const { pos, root } of tree) {
    const rootCopy = copyNode(root);
    copy.push({ pos, root: rootCopy });
    sources.push(root);
    targets.push(rootCopy);
  }
  // Iterative, so that 1000-deep chains are no problem.
  while (sources.length > 0) {
    const source = sources.pop()!;
    const target = targets.pop()!;
    for (const child of source.children) {
      const childCopy = copyNode(child);
      target.children.push(childCopy);
      sources.push(child);
      targets.push(childCopy);
    }
  }
  return copy;
}

function copyNode(node: RevNode): RevNode {
  return { hash: node.hash, deleted: node.deleted, available: node.available, children: [] };
}
