import { describe, expect, it } from 'vitest';
import { compactTree } from './rev-tree-compact.js';
import { mergePath, newTree } from './rev-tree-insert.js';
import { findRevision, revsInfoOf } from './rev-tree-query.js';
import type { RevHistory } from './rev-tree-types.js';

const h = (start: number, ...ids: string[]): RevHistory => ({ start, ids });

describe('compactTree', () => {
  it('drops the bodies of every non-leaf revision, tombstones included', () => {
    let tree = newTree(h(1, 'a'), { deleted: false });
    tree = mergePath(tree, h(2, 'b', 'a'), { deleted: true }, 1000).tree;
    tree = mergePath(tree, h(3, 'c', 'b'), { deleted: false }, 1000).tree;
    tree = mergePath(tree, h(2, 'z', 'a'), { deleted: true }, 1000).tree;
    const result = compactTree(tree);
    expect(result.tree).toBe(tree);
    expect(result.dropped).toEqual(['1-a', '2-b']);
    expect(findRevision(tree, '2-b')).toMatchObject({ available: false, deleted: false });
    expect(findRevision(tree, '2-z')).toMatchObject({ available: true, deleted: true });
    expect(revsInfoOf(tree, '3-c')).toEqual([
      { rev: '3-c', status: 'available' },
      { rev: '2-b', status: 'missing' },
      { rev: '1-a', status: 'missing' },
    ]);
  });

  it('does not list revisions whose bodies were never stored, and is idempotent', () => {
    const tree = newTree(h(3, 'c', 'b', 'a'), { deleted: false });
    expect(compactTree(tree).dropped).toEqual([]);
    mergePath(tree, h(4, 'd', 'c'), { deleted: false }, 1000);
    expect(compactTree(tree).dropped).toEqual(['3-c']);
    expect(compactTree(tree).dropped).toEqual([]);
  });
});
