import { describe, expect, it } from 'vitest';
import { decodeTree, encodeTree } from './rev-tree-codec.js';
import { mergePath, newTree } from './rev-tree-insert.js';
import { historyOf, sortedLeaves, winningLeaf } from './rev-tree-query.js';
import type { RevHistory, RevNode, RevTree } from './rev-tree-types.js';

/** `h(3, 'c', 'b', 'a')`: the history of 3-c, newest first. */
const h = (start: number, ...ids: string[]): RevHistory => ({ start, ids });
const live = { deleted: false };
const dead = { deleted: true };

/** `1-a?[2-b 2-c(d)]`: `?` = body not stored, `(d)` = tombstone, brackets = children. */
function shape(tree: RevTree): string {
  const node = (n: RevNode, pos: number): string =>
    `${pos}-${n.hash}${n.deleted ? '(d)' : ''}${n.available ? '' : '?'}${n.children.length > 0 ? `[${n.children.map((c) => node(c, pos + 1)).join(' ')}]` : ''}`;
  return tree.map((p) => node(p.root, p.pos)).join(' | ');
}

/** A tree built by merging these paths in order (unlimited revs). */
function build(...paths: Array<[RevHistory, { deleted: boolean }?]>): RevTree {
  let tree: RevTree = [];
  for (const [history, leaf] of paths) tree = mergePath(tree, history, leaf ?? live, Infinity).tree;
  return tree;
}

describe('newTree', () => {
  it('holds one path: the leaf stored, its ancestors known by id only', () => {
    expect(shape(newTree(h(3, 'c', 'b', 'a'), live))).toBe('1-a?[2-b?[3-c]]');
    expect(shape(newTree(h(1, 'a'), dead))).toBe('1-a(d)');
    expect(shape(newTree(h(5, 'e'), live))).toBe('5-e');
  });

  it('refuses an empty history', () => {
    expect(() => newTree(h(1), live)).toThrow();
  });
});

describe('mergePath outcomes', () => {
  it('creates a first tree as new_leaf', () => {
    const result = mergePath([], h(2, 'b', 'a'), live, 1000);
    expect(result.outcome).toBe('new_leaf');
    expect(result.changed).toBe(true);
    expect(shape(result.tree)).toBe('1-a?[2-b]');
  });

  it('extends a leaf: new_leaf, mutating and returning the same tree', () => {
    const tree = newTree(h(1, 'a'), live);
    const result = mergePath(tree, h(2, 'b', 'a'), live, 1000);
    expect(result.outcome).toBe('new_leaf');
    expect(result.tree).toBe(tree);
    expect(shape(tree)).toBe('1-a[2-b]');
  });

  it('starts a conflict branch at an internal node, keeping siblings sorted', () => {
    const tree = build([h(1, 'a')], [h(2, 'm', 'a')]);
    expect(mergePath(tree, h(2, 'z', 'a'), live, 1000).outcome).toBe('new_branch');
    expect(mergePath(tree, h(2, 'b', 'a'), dead, 1000).outcome).toBe('new_branch');
    expect(shape(tree)).toBe('1-a[2-b(d) 2-m 2-z]');
  });

  it('adds an unrelated revision as a new root (new_branch), roots sorted by generation then id', () => {
    const tree = build([h(2, 'b', 'a')]);
    expect(mergePath(tree, h(1, 'z'), live, 1000).outcome).toBe('new_branch');
    expect(mergePath(tree, h(1, '0'), live, 1000).outcome).toBe('new_branch');
    expect(mergePath(tree, h(3, 'q', 'p'), live, 1000).outcome).toBe('new_branch');
    expect(shape(tree)).toBe('1-0 | 1-a?[2-b] | 1-z | 2-p?[3-q]');
  });

  it('reports internal_node for a revision already in the tree, leaf or not, and changes nothing', () => {
    const tree = build([h(1, 'a')], [h(2, 'b', 'a')]);
    const before = encodeTree(tree);
    expect(mergePath(tree, h(1, 'a'), live, 1000)).toMatchObject({ outcome: 'internal_node', changed: false });
    expect(mergePath(tree, h(2, 'b', 'a'), dead, 1000)).toMatchObject({ outcome: 'internal_node', changed: false });
    expect(mergePath(tree, h(2, 'b'), live, 1000)).toMatchObject({ outcome: 'internal_node', changed: false });
    expect(encodeTree(tree)).toBe(before);
  });
});

describe('mergePath with overlapping and stemmed histories', () => {
  it('merges a path that shares only its oldest revisions', () => {
    const tree = build([h(1, 'a')], [h(2, 'b', 'a')], [h(3, 'c', 'b')]);
    expect(mergePath(tree, h(4, 'y', 'x', 'b'), live, 1000).outcome).toBe('new_branch');
    expect(shape(tree)).toBe('1-a[2-b[3-c 3-x?[4-y]]]');
  });

  it('merges a path that starts deeper than the tree root (interactive edits send [new, parent])', () => {
    const tree = build([h(3, 'c', 'b', 'a')]);
    expect(mergePath(tree, h(5, 'e', 'd', 'c'), live, 1000).outcome).toBe('new_leaf');
    expect(shape(tree)).toBe('1-a?[2-b?[3-c[4-d?[5-e]]]]');
  });

  it('prepends older history to a stemmed root; the known leaf keeps internal_node', () => {
    const tree = build([h(4, 'd', 'c')]);
    const result = mergePath(tree, h(3, 'c', 'b', 'a'), dead, 1000);
    expect(result.outcome).toBe('internal_node');
    // The path's leaf fills in the body CouchDB only knew by id (value_pref), and the tree got deeper.
    expect(result.changed).toBe(true);
    expect(shape(tree)).toBe('1-a?[2-b?[3-c(d)[4-d]]]');
  });

  it('extends a stemmed root from above: new_leaf', () => {
    const tree = build([h(4, 'd', 'c')]);
    expect(mergePath(tree, h(5, 'e', 'd', 'c', 'b'), live, 1000).outcome).toBe('new_leaf');
    expect(shape(tree)).toBe('2-b?[3-c?[4-d[5-e]]]');
  });

  it('keeps a path that ends before a stemmed root as its own root', () => {
    const tree = build([h(4, 'd', 'c')]);
    expect(mergePath(tree, h(2, 'b', 'a'), live, 1000).outcome).toBe('new_branch');
    expect(shape(tree)).toBe('1-a?[2-b] | 3-c?[4-d]');
  });

  it('keeps a path whose revision at the root generation differs as its own root', () => {
    const tree = build([h(4, 'd', 'c')]);
    expect(mergePath(tree, h(4, 'y', 'x', 'b'), live, 1000).outcome).toBe('new_branch');
    expect(shape(tree)).toBe('2-b?[3-x?[4-y]] | 3-c?[4-d]');
  });

  it('joins two roots a new path connects (repairing the duplicate as couch_key_tree:stem does)', () => {
    const tree = build([h(2, 'b', 'a')], [h(5, 'e', 'd')]);
    expect(shape(tree)).toBe('1-a?[2-b] | 4-d?[5-e]');
    const result = mergePath(tree, h(4, 'd', 'c', 'b', 'a'), live, 1000);
    // CouchDB merges into the first branch it fits (extending leaf 2-b), then the stemmer repairs the duplicate.
    expect(result.outcome).toBe('new_leaf');
    expect(shape(tree)).toBe('1-a?[2-b[3-c?[4-d[5-e]]]]');
  });

  it('keeps a stored body over a revision known by id only, whatever the order', () => {
    const first = build([h(1, 'a')], [h(2, 'b', 'a')]);
    const second = build([h(2, 'b', 'a')], [h(1, 'a')]);
    expect(shape(first)).toBe('1-a[2-b]');
    expect(shape(second)).toBe('1-a[2-b]');
  });

  it('does not let a later leaf overwrite a stored revision', () => {
    const tree = build([h(1, 'a')]);
    expect(mergePath(tree, h(1, 'a'), dead, 1000).changed).toBe(false);
    expect(shape(tree)).toBe('1-a');
  });
});

describe('mergePath stemming', () => {
  it('stems to revsLimit after merging', () => {
    const tree = build([h(4, 'd', 'c', 'b', 'a')]);
    const result = mergePath(tree, h(5, 'e', 'd'), live, 3);
    expect(result).toMatchObject({ outcome: 'new_leaf', changed: true });
    expect(shape(tree)).toBe('3-c?[4-d[5-e]]');
  });

  it('reports a change when only the stemming changed the tree', () => {
    const tree = build([h(4, 'd', 'c', 'b', 'a')]);
    expect(mergePath(tree, h(4, 'd'), live, 2)).toMatchObject({ outcome: 'internal_node', changed: true });
    expect(shape(tree)).toBe('3-c?[4-d]');
  });

  it('rejects a revs limit below 1', () => {
    expect(() => mergePath([], h(1, 'a'), live, 0)).toThrow(RangeError);
  });

  it('keeps a 1000-revision window over 1500 interactive edits, in linear time', () => {
    let tree: RevTree = newTree(h(1, 'r1'), live);
    const started = performance.now();
    for (let pos = 2; pos <= 1500; pos++) {
      const result = mergePath(tree, h(pos, `r${pos}`, `r${pos - 1}`), live, 1000);
      expect(result.outcome).toBe('new_leaf');
      tree = result.tree;
    }
    expect(performance.now() - started).toBeLessThan(5000);
    expect(tree).toHaveLength(1);
    expect(tree[0]!.pos).toBe(501);
    const history = historyOf(tree, '1500-r1500');
    expect(history.start).toBe(1500);
    expect(history.ids).toHaveLength(1000);
    expect(history.ids.at(-1)).toBe('r501');
  });

  it('handles chains far deeper than any recursion limit', () => {
    const depth = 20_000;
    const ids = Array.from({ length: depth }, (_, i) => `n${depth - i}`);
    const tree = newTree(h(depth, ...ids), live);
    expect(mergePath(tree, h(depth + 1, 'tip', `n${depth}`), live, Infinity).outcome).toBe('new_leaf');
    expect(mergePath(tree, h(depth, 'other', `n${depth - 1}`), live, Infinity).outcome).toBe('new_branch');
    expect(winningLeaf(tree).rev).toBe(`${depth + 1}-tip`);
    expect(sortedLeaves(tree).map((l) => l.rev)).toEqual([`${depth + 1}-tip`, `${depth}-other`]);
    const copy = decodeTree(encodeTree(tree));
    expect(encodeTree(copy)).toBe(encodeTree(tree));
    expect(mergePath(copy, h(depth + 2, 'tip2', 'tip'), live, 10).outcome).toBe('new_leaf');
    // Kept: the revisions fewer than 10 generations above their nearest leaf (60000-other is one below n59999).
    let expected = `${depth}-n${depth}[${depth + 1}-tip[${depth + 2}-tip2]] ${depth}-other`;
    expected = `${depth - 1}-n${depth - 1}?[${expected}]`;
    for (let pos = depth - 2; pos >= depth - 9; pos--) expected = `${pos}-n${pos}?[${expected}]`;
    expect(shape(copy)).toBe(expected);
  });
});
