import type { BulkWriteResult, DatabaseAdapter } from '@settee/core';
import { describe, expect, it } from 'vitest';
import { useMemoryDbs } from '../test-support/memory-db.js';

const openDb = useMemoryDbs();

const revOf = (result: BulkWriteResult | undefined): string => (result && 'rev' in result && result.rev ? result.rev : JSON.stringify(result));

/** Three batches big enough for the hashing thread: creates, then updates, deletes and conflicts, then re-creates. */
async function writeAll(db: DatabaseAdapter): Promise<BulkWriteResult[][]> {
  const ids = Array.from({ length: 300 }, (_, i) => `doc-${String(i).padStart(3, '0')}`);
  const first = await db.bulkDocs([
    ...ids.map((_id, i) => ({ _id, n: i, text: i % 7 === 0 ? 'é\u{1F600}"\\' : 'plain', list: [i % 256, 2] })),
    { _id: '_local/settings', theme: 'dark' },
    { _id: 'with-attachment', _attachments: { 'a.txt': { content_type: 'text/plain', data: 'aGVsbG8=' } } },
    { generated: true },
  ]);
  const revs = first.map(revOf);
  const second = await db.bulkDocs([
    ...ids.map((_id, i) => {
      const _rev = revs[i]!;
      if (i % 10 === 0) return { _id, _rev, _deleted: true };
      if (i % 10 === 1) return { _id, _rev: '1-00000000000000000000000000000000', n: -1 };
      return { _id, _rev, n: i + 1000, text: 'updated' };
    }),
  ]);
  const third = await db.bulkDocs(ids.filter((_, i) => i % 10 === 0).concat(ids.slice(1, 80)).map((_id) => ({ _id, again: true })));
  return [first, second, third];
}

describe('revision hashes computed on a second thread', () => {
  it('give the same results, revisions and documents as hashing while writing', async () => {
    const threaded = await openDb(true);
    const inline = await openDb(false);
    const a = await writeAll(threaded);
    const b = await writeAll(inline);
    // Generated ids differ between engines; everything else must not.
    const withoutGeneratedIds = (batches: BulkWriteResult[][]) =>
      batches.map((results) => results.map((r) => ('id' in r && r.id && /^[0-9a-f]{32}$/.test(r.id) ? { ...r, id: 'generated' } : r)));
    expect(withoutGeneratedIds(a)).toEqual(withoutGeneratedIds(b));
    // The batches really had conflicts, deletions and re-creations of deleted documents.
    expect(a[1]!.filter((r) => 'error' in r && r.error === 'conflict')).toHaveLength(30);
    expect(a[2]!.filter((r) => 'rev' in r && r.rev?.startsWith('3-'))).toHaveLength(30);
    const listing = async (db: DatabaseAdapter) => (await db.allDocs({ include_docs: true })).rows.filter((row) => 'id' in row && row.id.startsWith('doc-'));
    const rows = await listing(threaded);
    expect(rows).toHaveLength(300);
    expect(rows).toEqual(await listing(inline));
  });
});
