import type { DatabaseAdapter } from '@settee/core';

/**
 * Every document's leaf revisions (deleted leaves included), as `id → sorted revs`, read from the changes feed with
 * `style=all_docs`: what two databases must agree on after a replication.
 */
export async function leafRevisions(db: DatabaseAdapter): Promise<Map<string, string[]>> {
  const feed = await db.changes({ style: 'all_docs' });
  const leaves = new Map<string, string[]>();
  for (const row of feed.results) leaves.set(row.id, row.changes.map((change) => change.rev).sort());
  return new Map([...leaves].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The leaves as a plain object, for readable `toEqual` diffs. */
export async function leafTable(db: DatabaseAdapter): Promise<Record<string, string[]>> {
  return Object.fromEntries(await leafRevisions(db));
}
