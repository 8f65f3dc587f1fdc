import { afterEach, describe, expect, it } from 'vitest';
import { seededRandom } from '../test-support/seeded-random.js';
import { computeRevHashFromJson } from './rev-hash.js';
import { RevHashPool, type RevHashItem } from './rev-hash-pool.js';

function randomItems(count: number, seed: number): RevHashItem[] {
  const random = seededRandom(seed);
  const words = ['plain', 'é€', '\u{1F600}', 'quote"', 'back\\slash', 'line\nbreak'];
  return Array.from({ length: count }, (_, i) => {
    const body = { n: i, word: words[i % words.length], list: [i % 256, 1, 2], nested: { f: random() * 100, ok: random() < 0.5 } };
    const parent = random() < 0.5 ? null : { pos: 1 + Math.floor(random() * 5), hash: Math.floor(random() * 2 ** 32).toString(16).padStart(32, '0') };
    return { bodyJson: JSON.stringify(body), deleted: random() < 0.2, parent };
  });
}

const expected = (items: RevHashItem[]) => items.map((item) => computeRevHashFromJson({ ...item, attachments: [] }));

const pools: RevHashPool[] = [];
afterEach(async () => {
  for (const pool of pools.splice(0)) await pool.close();
});

describe('RevHashPool', () => {
  it('hashes on the worker exactly as the calling thread does', async () => {
    const pool = new RevHashPool({ steal: false });
    pools.push(pool);
    const items = randomItems(300, 1);
    const hashes = await pool.hashAll(items.length, (i) => items[i]!);
    expect(hashes).toEqual(expected(items));
    // 300 bodies are 5 chunks of 64, all left to the worker.
    expect(pool.stats).toEqual({ workerChunks: 5, callerChunks: 0 });
  });

  it('splits a batch between the worker and the calling thread, each chunk hashed once', async () => {
    const pool = new RevHashPool();
    pools.push(pool);
    // Let the worker start, then give it a batch of 40 chunks to share.
    await pool.hashAll(64, (i) => randomItems(64, 2)[i]!);
    const before = { ...pool.stats };
    const items = randomItems(40 * 64, 3);
    const hashes = await pool.hashAll(items.length, (i) => items[i]!);
    expect(hashes).toEqual(expected(items));
    const chunks = pool.stats.workerChunks - before.workerChunks + pool.stats.callerChunks - before.callerChunks;
    expect(chunks).toBe(40);
  });

  it('asks for every item once, in order', async () => {
    const pool = new RevHashPool();
    pools.push(pool);
    const items = randomItems(200, 4);
    const asked: number[] = [];
    await pool.hashAll(items.length, (i) => {
      asked.push(i);
      return items[i]!;
    });
    expect(asked).toEqual(items.map((_, i) => i));
  });

  it('leaves every hash to the caller once closed, without waiting', async () => {
    const pool = new RevHashPool();
    await pool.close();
    const items = randomItems(100, 5);
    expect(await pool.hashAll(items.length, (i) => items[i]!)).toEqual(new Array(100).fill(undefined));
  });

  it('answers undefined for chunks a worker dropped when it was stopped mid-batch', async () => {
    const pool = new RevHashPool({ steal: false });
    const items = randomItems(64 * 200, 6);
    const pending = pool.hashAll(items.length, (i) => items[i]!);
    await pool.close();
    const hashes = await pending;
    const want = expected(items);
    // Whatever the worker finished is right; the rest is left to the caller.
    hashes.forEach((hash, i) => {
      if (hash !== undefined) expect(hash).toBe(want[i]);
    });
    expect(hashes.some((hash) => hash === undefined)).toBe(true);
  });
});
