import { BadRequestError, NotFoundError } from '@settee/core';
import { describe, expect, it } from 'vitest';
import { compactTree } from './rev-tree-compact.js';
import { mergePath, newTree } from './rev-tree-insert.js';
import { findRevision, historyOf, isLeaf, leavesUnder, revsInfoOf, sortedLeaves, winningLeaf } from './rev-tree-query.js';
import type { RevHistory, RevTree } from './rev-tree-types.js';

const h = (start: number, ...ids: string[]): RevHistory => ({ start, ids });
const live = { deleted: false };
const dead = { deleted: true };
const x32 = (c: string): string => c.repeat(32);

/** Interactive edits: each revision extends the previous one, as CouchDB's updater merges [new, parent]. */
function chain(revs: Array<[string, boolean?]>): RevTree {
  let tree: RevTree = [];
  revs.forEach(([hash, deleted], i) => {
    const history = i === 0 ? h(1, hash) : h(i + 1, hash, revs[i - 1]![0]);
    tree = mergePath(tree, history, deleted ? dead : live, 1000).tree;
  });
  return tree;
}

// documents.json: doc1 edited four times, deleted (5), recreated without rev (6).
const DOC1 = [
  'db2b4219c99b98cb06831cce46c8d5b1',
  '0579ee0bb661d5b27e156280f483f852',
  'e85af5fcbee07cd0980527d157167f6f',
  '7cc5ae790629056a27d192699e73a980',
  'eff7b9c066b19732555f1cfac9274921',
  'c68eb3ded65c64258df6e5153834740b',
];
const doc1 = (): RevTree => chain(DOC1.map((hash, i) => [hash, i === 4]));

// documents.json: "conflicted": 1-c588 -> 2-eb1b, plus 1-bbb and 1-ccc via new_edits=false, then 1-bbb deleted (2-d57c).
const MAIN1 = 'c5886720ee7bfe3edfa88093f0cb5137';
const MAIN2 = 'eb1b67472a5389121cf83f0bb006cb3a';
const DEL2 = 'd57ce398f63417fd01c5c372e5e048e6';
function conflicted(): RevTree {
  let tree = newTree(h(1, MAIN1), live);
  tree = mergePath(tree, h(2, MAIN2, MAIN1), live, 1000).tree;
  tree = mergePath(tree, h(1, x32('b')), live, 1000).tree;
  tree = mergePath(tree, h(1, x32('c')), live, 1000).tree;
  return mergePath(tree, h(2, DEL2, x32('b')), dead, 1000).tree;
}

describe('winner order (recorded CouchDB answers)', () => {
  it('conflicted: the higher live leaf wins; conflicts and deleted conflicts follow in order', () => {
    const leaves = sortedLeaves(conflicted());
    expect(leaves.map((l) => l.rev)).toEqual([`2-${MAIN2}`, `1-${x32('c')}`, `2-${DEL2}`]);
    expect(leaves.map((l) => l.deleted)).toEqual([false, false, true]);
    expect(winningLeaf(conflicted())).toEqual({ rev: `2-${MAIN2}`, pos: 2, hash: MAIN2, deleted: false, available: true });
  });

  it('tie: equal generations, the greater id wins', () => {
    const tree = mergePath(newTree(h(1, x32('a')), live), h(1, x32('f')), live, 1000).tree;
    expect(sortedLeaves(tree).map((l) => l.rev)).toEqual([`1-${x32('f')}`, `1-${x32('a')}`]);
    const reversed = mergePath(newTree(h(1, x32('f')), live), h(1, x32('a')), live, 1000).tree;
    expect(winningLeaf(reversed).rev).toBe(`1-${x32('f')}`);
  });

  it('delwin: a live leaf beats a deleted leaf of a higher generation', () => {
    let tree = newTree(h(2, x32('e'), x32('d')), dead);
    tree = mergePath(tree, h(1, x32('1')), live, 1000).tree;
    expect(sortedLeaves(tree).map((l) => l.rev)).toEqual([`1-${x32('1')}`, `2-${x32('e')}`]);
  });

  it('h: two rev-3 branches over a shared history, 3-ddd wins', () => {
    let tree = newTree(h(3, x32('c'), x32('b'), x32('a')), live);
    const second = mergePath(tree, h(3, x32('d'), x32('b'), x32('a')), live, 1000);
    expect(second.outcome).toBe('new_branch');
    tree = second.tree;
    expect(sortedLeaves(tree).map((l) => l.rev)).toEqual([`3-${x32('d')}`, `3-${x32('c')}`]);
    expect(historyOf(tree, `3-${x32('d')}`)).toEqual(h(3, x32('d'), x32('b'), x32('a')));
  });

  it('when every leaf is deleted, the highest tombstone wins', () => {
    const tree = chain([['a'], ['b', true]]);
    mergePath(tree, h(1, 'z'), dead, 1000);
    expect(sortedLeaves(tree).map((l) => l.rev)).toEqual(['2-b', '1-z']);
  });

  it('compares ids as CouchDB binaries (a 32-hex id is 16 raw bytes)', () => {
    const tree = mergePath(newTree(h(3, 'zzz'), live), h(3, x32('c')), live, 1000).tree;
    expect(winningLeaf(tree).rev).toBe(`3-${x32('c')}`);
  });

  it('refuses to pick a winner in an empty tree', () => {
    expect(() => winningLeaf([])).toThrow();
    expect(sortedLeaves([])).toEqual([]);
  });
});

describe('findRevision / isLeaf', () => {
  it('finds leaves and internal revisions with their flags', () => {
    const tree = doc1();
    expect(findRevision(tree, `6-${DOC1[5]}`)).toEqual({ rev: `6-${DOC1[5]}`, pos: 6, hash: DOC1[5], deleted: false, available: true, isLeaf: true });
    expect(findRevision(tree, `5-${DOC1[4]}`)).toMatchObject({ deleted: true, available: true, isLeaf: false });
    expect(isLeaf(tree, `6-${DOC1[5]}`)).toBe(true);
    expect(isLeaf(tree, `1-${DOC1[0]}`)).toBe(false);
  });

  it('answers undefined for unknown revisions, including a known id at another generation', () => {
    const tree = doc1();
    expect(findRevision(tree, `1-${x32('0')}`)).toBeUndefined();
    expect(findRevision(tree, `2-${DOC1[0]}`)).toBeUndefined();
    expect(isLeaf(tree, `9-${x32('9')}`)).toBe(false);
  });

  it('accepts non-canonical spellings and answers canonically', () => {
    const tree = newTree(h(1, x32('a')), live);
    expect(findRevision(tree, `1-${x32('A')}`)?.rev).toBe(`1-${x32('a')}`);
  });

  it('throws BadRequestError on a malformed rev', () => {
    expect(() => findRevision(doc1(), 'abc')).toThrow(BadRequestError);
  });

  it('searches every root of a stemmed tree', () => {
    const tree = mergePath(newTree(h(2, 'b', 'a'), live), h(5, 'e', 'd'), live, 1000).tree;
    expect(findRevision(tree, '4-d')).toMatchObject({ available: false, isLeaf: false });
    expect(findRevision(tree, '5-e')?.isLeaf).toBe(true);
  });
});

describe('historyOf', () => {
  it("gives doc1's recorded _revisions", () => {
    expect(historyOf(doc1(), `6-${DOC1[5]}`)).toEqual({ start: 6, ids: [...DOC1].reverse() });
  });

  it('stops where the tree stops (stemmed, or a lone new_edits=false rev)', () => {
    expect(historyOf(newTree(h(5, x32('5')), live), `5-${x32('5')}`)).toEqual(h(5, x32('5')));
    const stemmed = mergePath(doc1(), h(6, DOC1[5]!), live, 3).tree;
    expect(historyOf(stemmed, `6-${DOC1[5]}`)).toEqual(h(6, DOC1[5]!, DOC1[4]!, DOC1[3]!));
  });

  it('works for internal revisions and branches', () => {
    expect(historyOf(conflicted(), `2-${DEL2}`)).toEqual(h(2, DEL2, x32('b')));
    expect(historyOf(doc1(), `3-${DOC1[2]}`)).toEqual(h(3, DOC1[2]!, DOC1[1]!, DOC1[0]!));
  });

  it('throws NotFoundError for an unknown revision', () => {
    expect(() => historyOf(doc1(), `7-${x32('7')}`)).toThrow(NotFoundError);
  });
});

describe('revsInfoOf', () => {
  it("gives doc1's recorded _revs_info: a deleted internal revision is 'deleted'", () => {
    const statuses = ['available', 'deleted', 'available', 'available', 'available', 'available'];
    expect(revsInfoOf(doc1(), `6-${DOC1[5]}`)).toEqual(
      [...DOC1].reverse().map((hash, i) => ({ rev: `${6 - i}-${hash}`, status: statuses[i] })),
    );
  });

  it("gives conflicted's recorded _revs_info for the winner", () => {
    expect(revsInfoOf(conflicted(), `2-${MAIN2}`)).toEqual([
      { rev: `2-${MAIN2}`, status: 'available' },
      { rev: `1-${MAIN1}`, status: 'available' },
    ]);
  });

  it("reports revisions known only by id, or compacted, as 'missing' (even tombstones)", () => {
    expect(revsInfoOf(newTree(h(2, 'b', 'a'), dead), '2-b')).toEqual([
      { rev: '2-b', status: 'deleted' },
      { rev: '1-a', status: 'missing' },
    ]);
    const tree = compactTree(doc1()).tree;
    expect(revsInfoOf(tree, `6-${DOC1[5]}`).map((i) => i.status)).toEqual(['available', 'missing', 'missing', 'missing', 'missing', 'missing']);
  });

  it('throws NotFoundError for an unknown revision', () => {
    expect(() => revsInfoOf(doc1(), `1-${x32('0')}`)).toThrow(NotFoundError);
  });
});

describe('leavesUnder', () => {
  it('latest=true: a non-leaf rev leads to the leaves below it', () => {
    expect(leavesUnder(doc1(), `1-${DOC1[0]}`).map((l) => l.rev)).toEqual([`6-${DOC1[5]}`]);
    expect(leavesUnder(conflicted(), `1-${MAIN1}`).map((l) => l.rev)).toEqual([`2-${MAIN2}`]);
    expect(leavesUnder(conflicted(), `1-${x32('b')}`).map((l) => l.rev)).toEqual([`2-${DEL2}`]);
  });

  it('a leaf is its own latest', () => {
    expect(leavesUnder(conflicted(), `1-${x32('c')}`).map((l) => l.rev)).toEqual([`1-${x32('c')}`]);
  });

  it('lists every leaf of a branching subtree in winner order', () => {
    const tree = chain([['a'], ['b']]);
    mergePath(tree, h(3, 'c', 'b'), dead, 1000);
    mergePath(tree, h(3, 'd', 'b'), live, 1000);
    mergePath(tree, h(4, 'f', 'e', 'b'), live, 1000);
    mergePath(tree, h(2, 'z', 'a'), live, 1000);
    expect(leavesUnder(tree, '2-b').map((l) => l.rev)).toEqual(['4-f', '3-d', '3-c']);
    expect(leavesUnder(tree, '1-a').map((l) => l.rev)).toEqual(['4-f', '3-d', '2-z', '3-c']);
  });

  it('is empty for an unknown revision', () => {
    expect(leavesUnder(doc1(), `2-${x32('2')}`)).toEqual([]);
  });
});
