import { describe, expect, it } from 'vitest';
import { encodeTree } from './rev-tree-codec.js';
import { mergePath } from './rev-tree-insert.js';
import { missingRevisions } from './rev-tree-missing.js';
import { compareRevHash } from './rev-tree-parse.js';
import { sortedLeaves } from './rev-tree-query.js';
import type { RevHistory, RevNode, RevTree } from './rev-tree-types.js';
import { seededRandom as prng } from '../test-support/seeded-random.js';


interface TrueNode {
  pos: number;
  hash: string;
  deleted: boolean;
  parent: TrueNode | undefined;
}

interface Insert {
  history: RevHistory;
  deleted: boolean;
}

/** A random "real" history forest, and random (possibly stemmed) paths into it, like replication would send. */
function scenario(random: () => number): Insert[] {
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]!;
  const hexDigit = (): string => '0123456789abcdef'[Math.floor(random() * 16)]!;
  let counter = 0;
  const freshHash = (): string => {
    counter++;
    // Mix 32-hex ids (compared as 16 bytes) with short and non-ASCII ids (compared as UTF-8).
    const style = random();
    if (style < 0.6) return Array.from({ length: 32 }, hexDigit).join('');
    if (style < 0.85) return `k${counter}${hexDigit()}`;
    return `${pick(['é', 'z', '\u{1F600}', '\uffff', 'A'])}${counter}`;
  };
  const nodes: TrueNode[] = [];
  const roots = 1 + Math.floor(random() * 2);
  for (let i = 0; i < roots; i++) nodes.push({ pos: 1, hash: freshHash(), deleted: random() < 0.2, parent: undefined });
  const size = 4 + Math.floor(random() * 20);
  while (nodes.length < size) {
    // Favour recent nodes so that chains get long.
    const parent = random() < 0.6 ? nodes[nodes.length - 1]! : pick(nodes);
    nodes.push({ pos: parent.pos + 1, hash: freshHash(), deleted: random() < 0.2, parent });
  }
  const inserts: Insert[] = [];
  const count = 3 + Math.floor(random() * 10);
  for (let i = 0; i < count; i++) {
    const target = pick(nodes);
    const ids: string[] = [];
    for (let n: TrueNode | undefined = target; n; n = n.parent) ids.push(n.hash);
    const keep = 1 + Math.floor(random() * ids.length);
    inserts.push({ history: { start: target.pos, ids: ids.slice(0, keep) }, deleted: target.deleted });
  }
  return inserts;
}

function mergeAll(inserts: Insert[], limit: number): RevTree {
  let tree: RevTree = [];
  for (const { history, deleted } of inserts) tree = mergePath(tree, history, { deleted }, limit).tree;
  return tree;
}

function shuffled<T>(items: T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

function shape(tree: RevTree): string {
  const node = (n: RevNode, pos: number): string =>
    `${pos}-${n.hash}${n.deleted ? '(d)' : ''}${n.available ? '' : '?'}${n.children.length > 0 ? `[${n.children.map((c) => node(c, pos + 1)).join(' ')}]` : ''}`;
  return tree.map((p) => node(p.root, p.pos)).join(' | ');
}

/**
 * What the tree must be, built independently: every revision the paths mention, linked to the parent some path
 * names; a body exactly for revisions that were some path's leaf; siblings and roots in CouchDB's order.
 */
function expectedShape(inserts: Insert[]): string {
  interface Known {
    pos: number;
    hash: string;
    deleted: boolean;
    available: boolean;
    parent: string | undefined;
    children: Known[];
  }
  const known = new Map<string, Known>();
  for (const { history, deleted } of inserts) {
    history.ids.forEach((hash, i) => {
      const pos = history.start - i;
      const key = `${pos}-${hash}`;
      const entry = known.get(key) ?? { pos, hash, deleted: false, available: false, parent: undefined, children: [] };
      if (i === 0) Object.assign(entry, { deleted, available: true });
      const parentHash = history.ids[i + 1];
      if (parentHash !== undefined) entry.parent = `${pos - 1}-${parentHash}`;
      known.set(key, entry);
    });
  }
  const roots: Known[] = [];
  for (const entry of known.values()) {
    if (entry.parent === undefined) roots.push(entry);
    else known.get(entry.parent)!.children.push(entry);
  }
  const print = (n: Known): string => {
    const children = [...n.children].sort((a, b) => compareRevHash(a.hash, b.hash));
    return `${n.pos}-${n.hash}${n.deleted ? '(d)' : ''}${n.available ? '' : '?'}${children.length > 0 ? `[${children.map(print).join(' ')}]` : ''}`;
  };
  return roots
    .sort((a, b) => a.pos - b.pos || compareRevHash(a.hash, b.hash))
    .map(print)
    .join(' | ');
}

describe('merging is order-independent (property)', () => {
  it('any order of the same paths gives the same tree, the expected one, and the same winner', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const random = prng(seed);
      const inserts = scenario(random);
      const reference = mergeAll(inserts, Infinity);
      const encoded = encodeTree(reference);
      const winners = sortedLeaves(reference).map((leaf) => leaf.rev);
      expect(shape(reference), `seed ${seed}`).toBe(expectedShape(inserts));
      for (let round = 0; round < 4; round++) {
        const other = mergeAll(shuffled(inserts, random), Infinity);
        expect(encodeTree(other), `seed ${seed} round ${round}`).toBe(encoded);
        expect(sortedLeaves(other).map((leaf) => leaf.rev)).toEqual(winners);
      }
      // A limit above every chain's length changes nothing.
      expect(encodeTree(mergeAll(shuffled(inserts, random), 1000))).toBe(encoded);
      // Once everything is merged, merging any path again is a no-op, and none of its revisions is missing.
      for (const { history, deleted } of inserts) {
        expect(mergePath(reference, history, { deleted }, Infinity)).toMatchObject({ outcome: 'internal_node', changed: false });
        const revs = history.ids.map((hash, i) => `${history.start - i}-${hash}`);
        expect(missingRevisions(reference, revs).missing).toEqual([]);
      }
      expect(encodeTree(reference)).toBe(encoded);
    }
  });
});
