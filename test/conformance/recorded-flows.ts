// Write sequences recorded in shared/couchdb-reference/documents.json, replayed by several test files. Each write's
// answer is checked against the recording, so a wrong revision fails at the write that produced it.
import { expect } from 'vitest';
import type { DatabaseAdapter } from '@settee/core';

/** The revisions of "doc1" in documents.json: created, updated three times, deleted, re-created. */
export const DOC1 = {
  r1: '1-db2b4219c99b98cb06831cce46c8d5b1',
  r2: '2-0579ee0bb661d5b27e156280f483f852',
  r3: '3-e85af5fcbee07cd0980527d157167f6f',
  r4: '4-7cc5ae790629056a27d192699e73a980',
  r5: '5-eff7b9c066b19732555f1cfac9274921',
  r6: '6-c68eb3ded65c64258df6e5153834740b',
} as const;

/** Hash part of a revision id. */
export function hashOf(rev: string): string {
  return rev.slice(rev.indexOf('-') + 1);
}

/** Replays doc1's six revisions (documents.json steps 4, 14, 17, 18, 23, 29): six writes in all. */
export async function writeDoc1History(db: DatabaseAdapter): Promise<void> {
  expect(await db.put({ _id: 'doc1', title: 'hello', n: 1 })).toStrictEqual({ ok: true, id: 'doc1', rev: DOC1.r1 });
  expect(await db.put({ _id: 'doc1', _rev: DOC1.r1, title: 'second', n: 2 })).toStrictEqual({
    ok: true,
    id: 'doc1',
    rev: DOC1.r2,
  });
  expect(await db.put({ _id: 'doc1', title: 'third', n: 3 }, { rev: DOC1.r2 })).toStrictEqual({
    ok: true,
    id: 'doc1',
    rev: DOC1.r3,
  });
  expect(await db.put({ _id: 'doc1', _rev: DOC1.r3, title: 'fourth', n: 4 })).toStrictEqual({
    ok: true,
    id: 'doc1',
    rev: DOC1.r4,
  });
  expect(await db.remove('doc1', DOC1.r4)).toStrictEqual({ ok: true, id: 'doc1', rev: DOC1.r5 });
  expect(await db.put({ _id: 'doc1', title: 'reborn' })).toStrictEqual({ ok: true, id: 'doc1', rev: DOC1.r6 });
}

/** The revisions of "conflicted" in documents.json. */
export const CONFLICTED = {
  main1: '1-c5886720ee7bfe3edfa88093f0cb5137',
  main2: '2-eb1b67472a5389121cf83f0bb006cb3a',
  branchB: '1-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
  branchC: '1-cccccccccccccccccccccccccccccccc',
  /** The tombstone written on branch b. */
  deletedB: '2-d57ce398f63417fd01c5c372e5e048e6',
} as const;

/**
 * "conflicted" (documents.json steps 37-40): a main branch at rev 2, a live branch c at rev 1 and a branch b that
 * was deleted (rev 2 tombstone). Winner: main-2; `_conflicts` c; `_deleted_conflicts` the b tombstone.
 */
export async function writeConflicted(db: DatabaseAdapter): Promise<void> {
  expect(await db.put({ _id: 'conflicted', v: 'main-1' })).toStrictEqual({
    ok: true,
    id: 'conflicted',
    rev: CONFLICTED.main1,
  });
  expect(await db.put({ _id: 'conflicted', _rev: CONFLICTED.main1, v: 'main-2' })).toStrictEqual({
    ok: true,
    id: 'conflicted',
    rev: CONFLICTED.main2,
  });
  const merged = await db.bulkDocs(
    [
      { _id: 'conflicted', _rev: CONFLICTED.branchB, v: 'branch-b' },
      { _id: 'conflicted', _rev: CONFLICTED.branchC, v: 'branch-c' },
    ],
    { new_edits: false },
  );
  expect(merged).toStrictEqual([]);
  expect(await db.remove('conflicted', CONFLICTED.branchB)).toStrictEqual({
    ok: true,
    id: 'conflicted',
    rev: CONFLICTED.deletedB,
  });
}
