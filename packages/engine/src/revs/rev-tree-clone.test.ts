import { describe, expect, it } from 'vitest';
import { cloneTree } from './rev-tree-clone.js';
import { encodeTree } from './rev-tree-codec.js';
import { mergePath, newTree } from './rev-tree-insert.js';

describe('cloneTree', () => {
  it('copies deeply: updating the original leaves the copy as it was', () => {
    const tree = mergePath(newTree({ start: 2, ids: ['b', 'a'] }, { deleted: false }), { start: 2, ids: ['c', 'a'] }, { deleted: true }, 1000).tree;
    const copy = cloneTree(tree);
    expect(copy).toEqual(tree);
    const before = encodeTree(copy);
    mergePath(tree, { start: 3, ids: ['d', 'b'] }, { deleted: false }, 1000);
    mergePath(tree, { start: 1, ids: ['z'] }, { deleted: false }, 1000);
    expect(encodeTree(copy)).toBe(before);
    expect(encodeTree(tree)).not.toBe(before);
  });

  it('copies a 50000-revision chain', () => {
    const ids = Array.from({ length: 50_000 }, (_, i) => `r${i}`);
    const tree = newTree({ start: 50_000, ids }, { deleted: false });
    expect(encodeTree(cloneTree(tree))).toBe(encodeTree(tree));
  });
});
