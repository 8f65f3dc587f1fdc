import { BadRequestError } from '@settee/core';
import { describe, expect, it } from 'vitest';
import { useMemoryDbs } from '../test-support/memory-db.js';

const openDb = useMemoryDbs();

function cyclic(): Record<string, unknown> {
  const doc: Record<string, unknown> = { _id: 'loop' };
  doc['self'] = doc;
  return doc;
}

describe('bodies JSON cannot represent', () => {
  it.each([false, true])('fail the whole request with a typed 400 and write nothing (hash thread %s)', async (hashThread) => {
    const db = await openDb(hashThread);
    const big = db.put({ _id: 'big', n: 10n } as never);
    await expect(big).rejects.toBeInstanceOf(BadRequestError);
    await expect(big).rejects.toMatchObject({
      status: 400,
      error: 'bad_request',
      reason: expect.stringMatching(/^Document big is not JSON: .*BigInt/),
    });
    // A big batch (the threaded path) and a small one, each with one bad document among good ones.
    for (const size of [100, 3]) {
      const docs = Array.from({ length: size }, (_, i) => ({ _id: `ok-${size}-${i}`, i }));
      const batch = [...docs.slice(0, -1), cyclic(), docs[docs.length - 1]!];
      const failure = await db.bulkDocs(batch as never).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(BadRequestError);
      expect((failure as BadRequestError).reason).toMatch(/^Document loop is not JSON: .*circular/i);
    }
    await expect(db.put({ _id: '_local/x', n: 1n } as never)).rejects.toBeInstanceOf(BadRequestError);
    const info = await db.info();
    expect(info.doc_count).toBe(0);
    expect(info.update_seq).toBe('0');
  });
});
