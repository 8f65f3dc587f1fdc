import { describe, expect, it } from 'vitest';
import { encodeTree } from './rev-tree-codec.js';
import { mergePath, newTree } from './rev-tree-insert.js';
import { stem, stemTree } from './rev-tree-stem.js';
import type { RevHistory, RevNode, RevTree } from './rev-tree-types.js';
import { compareRoots } from './rev-tree-walk.js';

const h = (start: number, ...ids: string[]): RevHistory => ({ start, ids });
const live = { deleted: false };

function shape(tree: RevTree): string {
  const node = (n: RevNode, pos: number): string =>
    `${pos}-${n.hash}${n.deleted ? '(d)' : ''}${n.available ? '' : '?'}${n.children.length > 0 ? `[${n.children.map((c) => node(c, pos + 1)).join(' ')}]` : ''}`;
  return tree.map((p) => node(p.root, p.pos)).join(' | ');
}

function build(...paths: RevHistory[]): RevTree {
  let tree: RevTree = [];
  for (const history of paths) tree = mergePath(tree, history, live, Infinity).tree;
  return tree;
}

/** Obvious recursive reference: keep a node when a leaf below it is fewer than `limit` generations away. */
function referenceStem(tree: RevTree, limit: number): string {
  const nearest = (n: RevNode): number => (n.children.length === 0 ? 0 : 1 + Math.min(...n.children.map(nearest)));
  const roots: RevTree = [];
  const copy = (n: RevNode, pos: number, parentKept: boolean): RevNode | undefined => {
    const kept = nearest(n) < limit;
    const children = n.children.map((c) => copy(c, pos + 1, kept)).filter((c): c is RevNode => c !== undefined);
    if (!kept) return undefined;
    const clone = { ...n, children };
    if (!parentKept) roots.push({ pos, root: clone });
    return clone;
  };
  for (const { pos, root } of tree) copy(root, pos, false);
  return shape(roots.sort(compareRoots));
}

describe('stem', () => {
  it('keeps the last `limit` revisions of a chain', () => {
    const tree = build(h(5, 'e', 'd', 'c', 'b', 'a'));
    expect(stem(tree, 2)).toBe(tree);
    expect(shape(tree)).toBe('4-d?[5-e]');
    expect(shape(stem(tree, 1))).toBe('5-e');
  });

  it('keeps a revision while some leaf below it is within the limit', () => {
    const tree = build(h(2, 'a', 'x'), h(4, 'e', 'd', 'b', 'x'));
    expect(shape(tree)).toBe('1-x?[2-a 2-b?[3-d?[4-e]]]');
    // 1-x stays for its leaf 2-a; 2-b is too far from 4-e, so 3-d becomes a root.
    expect(shape(stem(tree, 2))).toBe('1-x?[2-a] | 3-d?[4-e]');
  });

  it('turns the children of a dropped root into sorted roots', () => {
    const tree = build(h(3, 'b2', 'b', 'r'), h(3, 'a2', 'a', 'r'));
    expect(shape(stem(tree, 2))).toBe('2-a?[3-a2] | 2-b?[3-b2]');
  });

  it('changes nothing within the limit (same tree, changed=false)', () => {
    const tree = build(h(3, 'c', 'b', 'a'), h(2, 'z', 'a'));
    const before = encodeTree(tree);
    expect(stemTree(tree, 3)).toEqual({ tree, changed: false });
    expect(stemTree(tree, Infinity).changed).toBe(false);
    expect(encodeTree(tree)).toBe(before);
  });

  it('repairs a tree in which an id occurs twice, like couch_key_tree:repair_tree', () => {
    // The same id at two generations: CouchDB's duplicate check trips, the rebuild gives the same tree back.
    const tree = newTree(h(3, 'a', 'a', 'a'), live);
    expect(stemTree(tree, 10).changed).toBe(false);
    expect(shape(tree)).toBe('1-a?[2-a?[3-a]]');
    expect(shape(stem(tree, 2))).toBe('2-a?[3-a]');
  });

  it('rejects a limit below 1', () => {
    expect(() => stem([], 0)).toThrow(RangeError);
  });

  it('agrees with the obvious definition on random trees', () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let round = 0; round < 200; round++) {
      const tree: RevTree = [];
      const nodes: Array<{ pos: number; hash: string }> = [{ pos: 1, hash: 'r0' }];
      tree.push(...newTree(h(1, 'r0'), live));
      for (let i = 1; i < 25; i++) {
        const parent = nodes[Math.floor(random() * nodes.length)]!;
        const hash = `r${i}`;
        mergePath(tree, h(parent.pos + 1, hash, parent.hash), live, Infinity);
        nodes.push({ pos: parent.pos + 1, hash });
      }
      const limit = 1 + Math.floor(random() * 6);
      const expected = referenceStem(tree, limit);
      expect(shape(stem(tree, limit))).toBe(expected);
    }
  });
});
