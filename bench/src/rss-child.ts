/**
 * Run in a fresh node process by `measure-rss.ts`: loads RSS_DOCS playlists into one contender and prints one JSON
 * line `{ baselineMb, loadedMb, loadMs }`. A separate process keeps other contenders' heaps and caches out of RSS.
 *
 * Usage: node --expose-gc --conditions=settee-source --import tsx src/rss-child.ts <contender-id> [docs]
 */
import { createContender, isContenderId } from './contenders.js';
import { makePlaylists } from './docs.js';
import { exposeGc } from './gc.js';

export interface RssResult {
  baselineMb: number;
  loadedMb: number;
  loadMs: number;
}

const BATCH = 1_000;
const MB = 1024 * 1024;

async function settledRssMb(gc: () => void): Promise<number> {
  // Two collections plus a pause let finalizers and background flushes (LevelDB, SQLite) finish first.
  gc();
  await new Promise((resolve) => setTimeout(resolve, 100));
  gc();
  return process.memoryUsage().rss / MB;
}

async function main(): Promise<void> {
  const id = process.argv[2];
  const total = Number(process.argv[3] ?? 100_000);
  if (!isContenderId(id) || !Number.isInteger(total) || total <= 0) {
    throw new Error(`usage: rss-child.ts <engine-memory|engine-sqlite|pouchdb-memory|pouchdb-leveldb> [docs]`);
  }
  const gc = exposeGc();
  const contender = await createContender(id);
  const store = await contender.openFresh();
  // One write before the baseline, so lazily created structures (statements, log files) count as fixed cost.
  await store.bulkInsert(makePlaylists(total, 1));
  const baselineMb = await settledRssMb(gc);

  const start = performance.now();
  for (let from = 0; from < total; from += BATCH) {
    await store.bulkInsert(makePlaylists(from, Math.min(BATCH, total - from)));
  }
  const loadMs = performance.now() - start;
  const loadedMb = await settledRssMb(gc);

  await store.destroy();
  await contender.close();
  const result: RssResult = { baselineMb, loadedMb, loadMs };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
