import { BadRequestError } from '@settee/core';
import { describe, expect, it } from 'vitest';
import { mergePath, newTree } from './rev-tree-insert.js';
import { missingRevisions } from './rev-tree-missing.js';
import type { RevHistory, RevTree } from './rev-tree-types.js';

const h = (start: number, ...ids: string[]): RevHistory => ({ start, ids });
const live = { deleted: false };
const x32 = (c: string): string => c.repeat(32);

describe('missingRevisions (recorded _revs_diff answers)', () => {
  it('doc "d": the unknown rev 3 is missing, leaf 2 is a possible ancestor', () => {
    const R1 = '3a978d8c8db1b0122a212b8456cef2aa';
    const R2 = '7f121114feef6cf60ec328d512b5c586';
    const tree = mergePath(newTree(h(1, R1), live), h(2, R2, R1), live, 1000).tree;
    expect(missingRevisions(tree, [`1-${R1}`, `2-${R2}`, `3-${x32('3')}`])).toEqual({
      missing: [`3-${x32('3')}`],
      possibleAncestors: [`2-${R2}`],
    });
    expect(missingRevisions(tree, [`2-${R2}`])).toEqual({ missing: [], possibleAncestors: [] });
  });

  it('doc "h": missing revs regrouped by generation, possible ancestors in winner order', () => {
    let tree = newTree(h(3, x32('c'), x32('b'), x32('a')), live);
    tree = mergePath(tree, h(3, x32('d'), x32('b'), x32('a')), live, 1000).tree;
    expect(missingRevisions(tree, [`3-${x32('c')}`, `4-${x32('e')}`, `2-${x32('f')}`])).toEqual({
      missing: [`2-${x32('f')}`, `4-${x32('e')}`],
      possibleAncestors: [`3-${x32('d')}`, `3-${x32('c')}`],
    });
  });
});

describe('missingRevisions (couch_key_tree:find_missing rules)', () => {
  const abc = (): RevTree => {
    let tree = newTree(h(1, 'a'), live);
    tree = mergePath(tree, h(2, 'b', 'a'), live, 1000).tree;
    return mergePath(tree, h(3, 'c', 'b'), live, 1000).tree;
  };

  it('emits missing revs generation by generation along the tree, later ones in request order', () => {
    expect(missingRevisions(abc(), ['5-x', '2-y', '1-z', '4-w', '3-c']).missing).toEqual(['1-z', '2-y', '5-x', '4-w']);
  });

  it('only counts leaves of a lower generation than the newest missing rev as possible ancestors', () => {
    expect(missingRevisions(abc(), ['3-x'])).toEqual({ missing: ['3-x'], possibleAncestors: [] });
    expect(missingRevisions(abc(), ['2-x', '4-y'])).toEqual({ missing: ['2-x', '4-y'], possibleAncestors: ['3-c'] });
  });

  it('includes deleted leaves among the possible ancestors', () => {
    const tree = mergePath(abc(), h(2, 'd', 'a'), { deleted: true }, 1000).tree;
    expect(missingRevisions(tree, ['9-z']).possibleAncestors).toEqual(['3-c', '2-d']);
  });

  it('walks every root of a stemmed tree, older revs first', () => {
    const tree = mergePath(newTree(h(1, 'a'), live), h(4, 'd', 'c'), live, 1000).tree;
    expect(missingRevisions(tree, ['2-x', '3-c', '1-a', '4-d'])).toEqual({ missing: ['2-x'], possibleAncestors: ['1-a'] });
  });

  it('a rev listed twice is found only once (Erlang list subtraction)', () => {
    expect(missingRevisions(abc(), ['2-b', '2-b']).missing).toEqual(['2-b']);
    expect(missingRevisions(abc(), ['7-q', '7-q']).missing).toEqual(['7-q', '7-q']);
  });

  it('everything is missing from an empty tree', () => {
    expect(missingRevisions([], ['2-b', '1-a'])).toEqual({ missing: ['2-b', '1-a'], possibleAncestors: [] });
  });

  it('answers canonical revs and rejects malformed ones', () => {
    expect(missingRevisions([], [`1-${x32('A')}`]).missing).toEqual([`1-${x32('a')}`]);
    expect(() => missingRevisions(abc(), ['abc'])).toThrow(BadRequestError);
  });

  it('handles a 5000-revision chain without recursion', () => {
    const ids = Array.from({ length: 5000 }, (_, i) => `r${5000 - i}`);
    const tree = newTree(h(5000, ...ids), live);
    expect(missingRevisions(tree, ['5001-new', '2500-r2500', '2500-x'])).toEqual({ missing: ['2500-x', '5001-new'], possibleAncestors: ['5000-r5000'] });
  });
});
