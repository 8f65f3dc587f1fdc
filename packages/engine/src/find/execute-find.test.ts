import { describe, expect, it, vi } from 'vitest';
import type { JsonObject } from '@settee/core';
import { createEngine } from '../engine.js';

async function database(count: number) {
  const engine = createEngine({ storage: 'memory' });
  await engine.createDb('x', { q: 1 });
  const db = engine.db('x');
  const docs = Array.from({ length: count }, (_, i) => ({
    _id: `doc${String(i).padStart(5, '0')}`,
    n: (i * 7919) % count,
    tags: ['a', 'b'],
    payload: { text: 'x'.repeat(200), list: [1, 2, 3] },
  }));
  for (let i = 0; i < docs.length; i += 1000) await db.bulkDocs(docs.slice(i, i + 1000));
  return { engine, db };
}

describe('executeFind', () => {
  it('reads only the documents in the index range: an indexed query over 10k documents parses about 1,000', async () => {
    const { db } = await database(10_000);
    await db.createIndex({ index: { fields: ['n'] }, ddoc: 'n', name: 'n' });
    await db.find({ selector: { n: { $gte: 0 } }, limit: 1 }); // rows loaded before counting
    const parse = vi.spyOn(JSON, 'parse');
    try {
      const answer = await db.find({ selector: { n: { $gte: 2000, $lt: 3000 } }, limit: 1000, execution_stats: true });
      expect(answer.docs).toHaveLength(1000);
      expect(answer.docs.map((d) => (d as JsonObject)['n'])).toEqual(Array.from({ length: 1000 }, (_, i) => 2000 + i));
      expect(answer.execution_stats).toMatchObject({ total_keys_examined: 1000, total_docs_examined: 1000, results_returned: 1000 });
      expect(parse.mock.calls.length).toBeLessThan(1100);
    } finally {
      parse.mockRestore();
    }
  });

  it('parses only the selector fields of documents a full scan rejects', async () => {
    const { db } = await database(3000);
    const parse = vi.spyOn(JSON, 'parse');
    try {
      const answer = await db.find({ selector: { n: { $lt: 10 } }, limit: 100, execution_stats: true });
      expect(answer.docs).toHaveLength(10);
      expect(answer.execution_stats).toMatchObject({ total_docs_examined: 3000 });
      // One small parse of `n` per document, and a whole parse for the 10 matches only.
      const parsedChars = parse.mock.calls.reduce((sum, [text]) => sum + String(text).length, 0);
      expect(parsedChars).toBeLessThan(3000 * 10 + 10 * 400);
    } finally {
      parse.mockRestore();
    }
  });

  it('answers a covered query from the index without reading documents, and hands out copies', async () => {
    const { db } = await database(100);
    await db.createIndex({ index: { fields: ['n', 'tags'] }, ddoc: 'nt', name: 'nt' });
    const query = { selector: { n: { $lt: 3 }, tags: { $exists: true } }, fields: ['_id', 'n', 'tags'], execution_stats: true };
    const first = await db.find(query);
    expect(first.docs).toEqual([
      { _id: 'doc00000', n: 0, tags: ['a', 'b'] },
      { _id: 'doc00079', n: 1, tags: ['a', 'b'] },
      { _id: 'doc00058', n: 2, tags: ['a', 'b'] },
    ]);
    // The end key is inclusive, as in CouchDB: the row with n = 3 is read and filtered out.
    expect(first.execution_stats).toMatchObject({ total_docs_examined: 0, total_keys_examined: 4 });
    ((first.docs[0] as JsonObject)['tags'] as string[]).push('mutated');
    expect((await db.find(query)).docs[0]).toEqual({ _id: 'doc00000', n: 0, tags: ['a', 'b'] });
  });
});
