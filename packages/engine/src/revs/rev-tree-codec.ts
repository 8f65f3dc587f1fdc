import type { RevNode, RevTree } from './rev-tree-types.js';

/**
 * Storage codec. Text: `[1, root, root, ...]`, where 1 is the format version and each root is a flat JSON array
 * `[pos, hash, code, hash, code, ...]` listing the branch's nodes in pre-order, `code = children * 4 +
 * (available ? 2 : 0) + (deleted ? 1 : 0)`. Flat (not nested) so that 1000-deep chains stay cheap to parse and
 * never hit a recursion limit; a plain chain costs one hash and one small number per revision.
 */

const VERSION = 1;

/** Compact, stable JSON codec for storage (short keys; must round-trip exactly). */
export function encodeTree(tree: RevTree): string {
  const out: unknown[] = [VERSION];
  for (const { pos, root } of tree) {
    const flat: (number | string)[] = [pos];
    const stack: RevNode[] = [root];
    while (stack.length > 0) {
      const node = stack.pop()!;
      flat.push(node.hash, node.children.length * 4 + (node.available ? 2 : 0) + (node.deleted ? 1 : 0));
      for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
    }
    out.push(flat);
  }
  return JSON.stringify(out);
}

export function decodeTree(text: string): RevTree {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw corrupt('not JSON', error);
  }
  if (!Array.isArray(parsed) || parsed[0] !== VERSION) throw corrupt('unknown format');
  const tree: RevTree = [];
  for (let r = 1; r < parsed.length; r++) tree.push(decodeRoot(parsed[r]));
  return tree;
}

function decodeRoot(flat: unknown): RevTree[number] {
  if (!Array.isArray(flat) || flat.length < 3 || flat.length % 2 === 0 || !Number.isSafeInteger(flat[0])) throw corrupt('bad root');
  const pos = flat[0] as number;
  // Parents still waiting for children, with how many they still expect.
  const parents: RevNode[] = [];
  const pending: number[] = [];
  let root: RevNode | undefined;
  for (let i = 1; i < flat.length; i += 2) {
    const hash: unknown = flat[i];
    const code: unknown = flat[i + 1];
    if (typeof hash !== 'string' || typeof code !== 'number' || !Number.isSafeInteger(code) || code < 0) throw corrupt('bad node');
    const node: RevNode = { hash, deleted: (code & 1) === 1, available: (code & 2) === 2, children: [] };
    const childCount = Math.floor(code / 4);
    if (root === undefined) root = node;
    else {
      const top = parents.length - 1;
      if (top < 0) throw corrupt('node outside its branch');
      parents[top]!.children.push(node);
      pending[top]! -= 1;
      if (pending[top] === 0) {
        parents.pop();
        pending.pop();
      }
    }
    if (childCount > 0) {
      parents.push(node);
      pending.push(childCount);
    }
  }
  if (root === undefined || parents.length > 0) throw corrupt('truncated branch');
  return { pos, root };
}

function corrupt(detail: string, cause?: unknown): Error {
  return new Error(`Corrupt revision tree (${detail})`, cause === undefined ? undefined : { cause });
}
