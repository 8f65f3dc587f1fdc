import { afterEach, describe, expect, it } from 'vitest';
import { seededRandom } from '../test-support/seeded-random.js';
import { computeRevHashFromJson } from './rev-hash.js';
import { RevHashPool, type RevHashBatch, type RevHashItem } from './rev-hash-pool.js';

interface Item extends RevHashItem {
  body: object;
}

function randomItems(count: number, seed: number): Item[] {
  const random = seededRandom(seed);
  // Non-ASCII text (2-, 3- and 4-byte UTF-8, an escaped lone surrogate) moves byte offsets away from string indexes.
  const words = ['plain', 'é€', '\u{1F600}', 'quote"', 'back\\slash', 'line\nbreak', 'lone \ud800 surrogate', '播放列表'];
  return Array.from({ length: count }, (_, i) => {
    const body = { n: i, word: words[i % words.length], list: [i % 256, 1, 2], nested: { f: random() * 100, ok: random() < 0.5 } };
    const parent = random() < 0.5 ? null : { pos: 1 + Math.floor(random() * 5), hash: Math.floor(random() * 2 ** 32).toString(16).padStart(32, '0') };
    return { body, deleted: random() < 0.2, parent };
  });
}

/** What the pool must answer for each item: the body's own JSON and the hash computed on this thread. */
const expected = (items: Item[]) =>
  items.map((item) => {
    const bodyJson = JSON.stringify(item.body);
    return { bodyJson, hash: computeRevHashFromJson({ ...item, bodyJson, attachments: [] }) };
  });

const begin = (pool: RevHashPool, items: Item[]): RevHashBatch | undefined =>
  pool.begin(items.length, (i) => items[i]!, (from, to) => JSON.stringify(items.slice(from, to).map((item) => item.body)));

const hashAll = (pool: RevHashPool, items: Item[]) =>
  pool.hashAll(items.length, (i) => items[i]!, (from, to) => JSON.stringify(items.slice(from, to).map((item) => item.body)));

const answer = (batch: RevHashBatch, i: number) => ({ bodyJson: batch.bodyJson(i), hash: batch.hash(i) });

const pools: RevHashPool[] = [];

/** Runs batches until the worker has hashed a chunk, so that it is up (loading it takes a while from sources). */
async function startedWorker(pool: RevHashPool): Promise<void> {
  const items = randomItems(64, 99);
  for (let tries = 0; tries < 200 && pool.stats.workerChunks === 0; tries++) {
    const batch = begin(pool, items);
    await new Promise((resolve) => setTimeout(resolve, 20));
    if (batch) {
      items.forEach((_, i) => batch.hash(i));
      batch.finish();
    }
  }
  if (pool.stats.workerChunks === 0) throw new Error('the hashing worker never started');
}
afterEach(async () => {
  for (const pool of pools.splice(0)) await pool.close();
});

describe('RevHashPool', () => {
  it('hashes on the worker exactly as the calling thread does', async () => {
    const pool = new RevHashPool({ steal: false });
    pools.push(pool);
    const items = randomItems(300, 1);
    expect(hashAll(pool, items)).toEqual(expected(items));
    // 300 bodies are 5 chunks of 64, all left to the worker.
    expect(pool.stats).toEqual({ workerChunks: 5, callerChunks: 0 });
  });

  it('splits a batch between the worker and the calling thread, each chunk hashed once', async () => {
    const pool = new RevHashPool();
    pools.push(pool);
    // Let the worker start, then give it a batch of 40 chunks to share.
    await startedWorker(pool);
    const before = { ...pool.stats };
    const items = randomItems(40 * 64, 3);
    expect(hashAll(pool, items)).toEqual(expected(items));
    const chunks = pool.stats.workerChunks - before.workerChunks + pool.stats.callerChunks - before.callerChunks;
    expect(chunks).toBe(40);
  });

  it('asks for every item once, and every chunk once, in order', async () => {
    const pool = new RevHashPool();
    pools.push(pool);
    const items = randomItems(200, 4);
    const asked: number[] = [];
    const chunks: Array<[number, number]> = [];
    pool.hashAll(
      items.length,
      (i) => {
        asked.push(i);
        return items[i]!;
      },
      (from, to) => {
        chunks.push([from, to]);
        return JSON.stringify(items.slice(from, to).map((item) => item.body));
      },
    );
    expect(asked).toEqual(items.map((_, i) => i));
    expect(chunks).toEqual([[0, 64], [64, 128], [128, 192], [192, 200]]);
  });

  it('ends the batch when a chunk cannot be encoded, and serves the next one', async () => {
    const pool = new RevHashPool();
    pools.push(pool);
    await startedWorker(pool);
    const items = randomItems(64 * 6, 8);
    const failure = new Error('not JSON');
    expect(() =>
      pool.begin(items.length, (i) => items[i]!, (from, to) => {
        if (from >= 64 * 3) throw failure;
        return JSON.stringify(items.slice(from, to).map((item) => item.body));
      }),
    ).toThrow(failure);
    expect(hashAll(pool, items)).toEqual(expected(items));
  });

  it('leaves every hash to the caller once closed, without a batch', async () => {
    const pool = new RevHashPool();
    await pool.close();
    const items = randomItems(100, 5);
    expect(begin(pool, items)).toBeUndefined();
  });

  it('hands out the hashes in any order while the worker is still hashing', async () => {
    const pool = new RevHashPool();
    pools.push(pool);
    await startedWorker(pool);
    const items = randomItems(64 * 30, 7);
    const batch = begin(pool, items)!;
    const want = expected(items);
    // Backwards: the caller takes the chunks the worker has not reached, and reads or waits for the others.
    for (let i = items.length - 1; i >= 0; i--) expect(answer(batch, i)).toEqual(want[i]);
    batch.finish();
  });

  it('still answers every hash right when the worker is stopped in the middle of a batch', async () => {
    const pool = new RevHashPool();
    await startedWorker(pool);
    const items = randomItems(64 * 200, 6);
    const batch = begin(pool, items)!;
    const closing = pool.close();
    const want = expected(items);
    items.forEach((_, i) => expect(answer(batch, i)).toEqual(want[i]));
    batch.finish();
    await closing;
  });

  it('reuses a batch\'s shared memory only for batches that follow it', async () => {
    const pool = new RevHashPool();
    pools.push(pool);
    await startedWorker(pool);
    for (let round = 0; round < 5; round++) {
      const items = randomItems(64 * 8 + round, 10 + round);
      // Half read, half left: finish() must take the rest back before the memory serves the next batch.
      const batch = begin(pool, items)!;
      const want = expected(items);
      for (let i = 0; i < items.length; i += 2) expect(answer(batch, i)).toEqual(want[i]);
      batch.finish();
    }
  });
});
