/**
 * Child process of `durability.test.ts`: writes numbered batches into a SQLite storage as fast as it can and prints
 * `ack N` after each `write` returns, until the parent kills it with SIGKILL.
 *
 * Usage: node --import tsx durability-child.ts <dir> [normal|full]
 *
 * Batch N, in one `write`: `docs/doc-N` and `seqs/N` (the same counter in two spaces), `docs/counter` = N, and a
 * moved marker (`docs/pending-(N-1)` deleted, `docs/pending-N` put). Every BIG_EVERY-th batch also puts BIG_OPS rows
 * into `bulk`, which makes it a big batch (committed straight to SQLite, after the log's pending batches). Any
 * half-applied batch breaks one of these.
 */
import { writeSync } from 'node:fs';
import { SqliteStorageProvider, type SqliteSynchronous } from './sqlite-storage.js';
import type { StorageOp } from './storage.js';

export const pad = (n: number): string => String(n).padStart(8, '0');
/** Every this many batches, one is big. */
export const BIG_EVERY = 3;
/** Rows a big batch adds to `bulk` (over the 128 ops that make a batch big). */
export const BIG_OPS = 150;

/** The `bulk` key of row `i` of batch `n`. */
export const bulkKey = (n: number, i: number): string => `${pad(n)}-${String(i).padStart(3, '0')}`;

/** The ops of batch `n`; the parent checks the file against exactly this shape. */
export function batchOps(n: number): StorageOp[] {
  // ~6 kB per doc so that runs cross WAL auto-checkpoints, where a kill is most interesting.
  const doc = JSON.stringify({ n, filler: 'x'.repeat(6000) });
  const ops: StorageOp[] = [
    { type: 'put', space: 'docs', key: `doc-${pad(n)}`, value: doc },
    { type: 'put', space: 'seqs', key: pad(n), value: String(n) },
    { type: 'put', space: 'docs', key: 'counter', value: String(n) },
    { type: 'put', space: 'docs', key: `pending-${pad(n)}`, value: String(n) },
  ];
  if (n > 1) ops.push({ type: 'del', space: 'docs', key: `pending-${pad(n - 1)}` });
  if (n % BIG_EVERY === 0) for (let i = 0; i < BIG_OPS; i++) ops.push({ type: 'put', space: 'bulk', key: bulkKey(n, i), value: `${n}:${i}` });
  return ops;
}

function main(): void {
  const [dir, mode = 'normal'] = process.argv.slice(2);
  if (dir === undefined) throw new Error('usage: durability-child.ts <dir> [normal|full]');
  // A checkpoint every ~20 batches instead of every ~2000, and the write-behind log moved into SQLite every ~10
  // batches instead of every ~2700, so that kills also land inside checkpoints and inside those moves.
  const provider = new SqliteStorageProvider({ dir, synchronous: mode as SqliteSynchronous, walAutocheckpointPages: 100, writeBehindBytes: 64 * 1024 });
  const storage = provider.create('db');
  // A runaway guard: the parent kills us long before this.
  const deadline = Date.now() + 15_000;
  for (let n = 1; Date.now() < deadline; n++) {
    storage.write(batchOps(n));
    // A blocking write straight to fd 1 (not `process.stdout`, which may queue when the pipe is full): once batch
    // N + 1 starts, ack N is in the pipe, so the parent knows every batch that returned before the kill.
    writeSync(1, `ack ${n}\n`);
  }
  provider.close();
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) main();
