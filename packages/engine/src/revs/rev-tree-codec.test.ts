import { describe, expect, it } from 'vitest';
import { decodeTree, encodeTree } from './rev-tree-codec.js';
import { mergePath, newTree } from './rev-tree-insert.js';
import type { RevHistory, RevTree } from './rev-tree-types.js';

const h = (start: number, ...ids: string[]): RevHistory => ({ start, ids });

function sample(): RevTree {
  let tree = newTree(h(1, 'a'), { deleted: false });
  tree = mergePath(tree, h(3, 'c', 'b', 'a'), { deleted: true }, 1000).tree;
  tree = mergePath(tree, h(2, 'x', 'a'), { deleted: false }, 1000).tree;
  return mergePath(tree, h(6, 'f', 'e'), { deleted: false }, 1000).tree;
}

describe('encodeTree / decodeTree', () => {
  it('writes a compact, versioned, flat pre-order form', () => {
    expect(encodeTree(sample())).toBe('[1,[1,"a",10,"b",4,"c",3,"x",2],[5,"e",4,"f",2]]');
    expect(encodeTree([])).toBe('[1]');
  });

  it('round-trips exactly', () => {
    const tree = sample();
    const decoded = decodeTree(encodeTree(tree));
    expect(decoded).toEqual(tree);
    expect(encodeTree(decoded)).toBe(encodeTree(tree));
    expect(decodeTree('[1]')).toEqual([]);
  });

  it('keeps ids that need JSON escaping', () => {
    const tree = newTree(h(2, 'qu"ote\\', 'ünï\u2028'), { deleted: false });
    expect(decodeTree(encodeTree(tree))).toEqual(tree);
  });

  it('handles a 50000-revision chain', () => {
    const ids = Array.from({ length: 50_000 }, (_, i) => `r${i}`);
    const tree = newTree(h(50_000, ...ids), { deleted: false });
    const text = encodeTree(tree);
    expect(encodeTree(decodeTree(text))).toBe(text);
  });

  it.each(['', 'x', '{}', '[2]', '[1,{}]', '[1,[1]]', '[1,["1","a",2]]', '[1,[1,"a",4]]', '[1,[1,"a",2,"b",2]]', '[1,[1,5,2]]', '[1,[1,"a",-1]]', '[1,[1,"a",2.5]]', '[1,[1,"a"]]'])(
    'rejects corrupt text %j',
    (text) => {
      expect(() => decodeTree(text)).toThrow(/Corrupt revision tree/);
    },
  );
});
