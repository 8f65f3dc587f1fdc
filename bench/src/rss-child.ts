/**
 * Run in a fresh node process by `measure-rss.ts`: loads RSS_DOCS playlists into one contender and prints one JSON
 * line `RssResult`. A separate process keeps other contenders' heaps and caches out of RSS.
 *
 * Usage: node --expose-gc --compact-on-every-full-gc --conditions=settee-source --import tsx src/rss-child.ts <id> [docs]
 */
import { createContender, isContenderId } from './contenders.js';
import { makePlaylists } from './docs.js';
import { exposeGc, type Gc } from './gc.js';

export interface RssResult {
  baselineMb: number;
  loadedMb: number;
  /** V8 heap in use before and after, to tell JavaScript objects from native memory (SQLite, LevelDB, malloc). */
  baselineHeapMb: number;
  loadedHeapMb: number;
  loadMs: number;
}

const BATCH = 1_000;
const WARMUP_DOCS = 5_000;
const MB = 1024 * 1024;

async function settledMemory(gc: Gc): Promise<{ rssMb: number; heapMb: number }> {
  // A pause lets finalizers and background flushes (LevelDB, SQLite) finish; the last-resort collection (compacting,
  // as the child runs with --compact-on-every-full-gc) then hands freed pages back to the OS. Without both, RSS
  // after a plain gc() swung by up to 100 MB between identical runs: old space left fragmented by load garbage.
  gc();
  await new Promise((resolve) => setTimeout(resolve, 100));
  gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
  const usage = process.memoryUsage();
  return { rssMb: usage.rss / MB, heapMb: usage.heapUsed / MB };
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
  // Warm-up writes before the baseline (ids after the measured ones), so lazily created structures (statements,
  // log files) and the grown V8 young generation count as fixed cost rather than as the documents' memory.
  for (let from = total; from < total + WARMUP_DOCS; from += BATCH) await store.bulkInsert(makePlaylists(from, BATCH));
  const baseline = await settledMemory(gc);

  const start = performance.now();
  for (let from = 0; from < total; from += BATCH) {
    await store.bulkInsert(makePlaylists(from, Math.min(BATCH, total - from)));
  }
  const loadMs = performance.now() - start;
  const loaded = await settledMemory(gc);

  await store.destroy();
  await contender.close();
  const result: RssResult = {
    baselineMb: baseline.rssMb,
    loadedMb: loaded.rssMb,
    baselineHeapMb: baseline.heapMb,
    loadedHeapMb: loaded.heapMb,
    loadMs,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
