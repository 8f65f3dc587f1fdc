import { BadRequestError } from '@settee/core';
import { describe, expect, it } from 'vitest';
import { mergePath, newTree } from './rev-tree-insert.js';
import { purgeLeaves } from './rev-tree-purge.js';
import type { RevHistory, RevNode, RevTree } from './rev-tree-types.js';

const h = (start: number, ...ids: string[]): RevHistory => ({ start, ids });
const live = { deleted: false };

function shape(tree: RevTree): string {
  const node = (n: RevNode, pos: number): string =>
    `${pos}-${n.hash}${n.deleted ? '(d)' : ''}${n.available ? '' : '?'}${n.children.length > 0 ? `[${n.children.map((c) => node(c, pos + 1)).join(' ')}]` : ''}`;
  return tree.map((p) => node(p.root, p.pos)).join(' | ');
}

/** 1-a[2-b[3-c 3-d] 2-e]  plus a separate root 1-z. */
function sample(): RevTree {
  let tree = newTree(h(1, 'a'), live);
  for (const history of [h(2, 'b', 'a'), h(3, 'c', 'b'), h(3, 'd', 'b'), h(2, 'e', 'a'), h(1, 'z')]) tree = mergePath(tree, history, live, 1000).tree;
  return tree;
}

describe('purgeLeaves', () => {
  it('removes a leaf and keeps its ancestors that other leaves still need', () => {
    const tree = sample();
    const result = purgeLeaves(tree, ['3-d']);
    expect(result).toEqual({ tree, purged: ['3-d'] });
    expect(shape(tree)).toBe('1-a[2-b[3-c] 2-e] | 1-z');
  });

  it('removes the whole branch of a leaf nobody else descends from', () => {
    const tree = sample();
    expect(purgeLeaves(tree, ['3-c', '3-d']).purged).toEqual(['3-c', '3-d']);
    expect(shape(tree)).toBe('1-a[2-e] | 1-z');
    expect(purgeLeaves(tree, ['1-z']).purged).toEqual(['1-z']);
    expect(shape(tree)).toBe('1-a[2-e]');
  });

  it('leaves an empty tree when every leaf is purged', () => {
    const tree = sample();
    expect(purgeLeaves(tree, ['2-e', '3-c', '1-z', '3-d']).purged).toEqual(['1-z', '2-e', '3-c', '3-d']);
    expect(tree).toEqual([]);
  });

  it('ignores internal and unknown revisions, and duplicates', () => {
    const tree = sample();
    const before = shape(tree);
    expect(purgeLeaves(tree, ['2-b', '1-a', '9-q']).purged).toEqual([]);
    expect(shape(tree)).toBe(before);
    expect(purgeLeaves(tree, ['2-e', '2-e']).purged).toEqual(['2-e']);
  });

  it('sorts the purged revs by generation then id, as CouchDB answers them', () => {
    const tree = sample();
    expect(purgeLeaves(tree, ['3-d', '1-z', '2-e', '3-c']).purged).toEqual(['1-z', '2-e', '3-c', '3-d']);
  });

  it('rejects malformed revs', () => {
    expect(() => purgeLeaves(sample(), ['nope'])).toThrow(BadRequestError);
  });
});
