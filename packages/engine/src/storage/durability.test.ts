import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { BIG_EVERY, BIG_OPS, bulkKey, pad } from './durability-child.js';
import { SqliteStorageProvider } from './sqlite-storage.js';

const CHILD = fileURLToPath(new URL('./durability-child.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const KILLS = 24;
/** Two children at a time: one per core. */
const PARALLEL = 2;

interface Run {
  dir: string;
  mode: 'normal' | 'full';
  lastAck: number;
  killDelayMs: number;
  stderr: string;
}

/** Starts the child, SIGKILLs it 20–200 ms after its first ack, and reports the last ack it printed. */
function runAndKill(dir: string, mode: 'normal' | 'full'): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=settee-source', '--import', TSX, CHILD, dir, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
    const killDelayMs = 20 + Math.floor(Math.random() * 181);
    let lastAck = 0;
    let pending = '';
    let stderr = '';
    let killTimer: NodeJS.Timeout | undefined;
    const giveUp = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child never acknowledged a batch; stderr:\n${stderr}`));
    }, 40_000);
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const match = /^ack (\d+)$/.exec(line);
        if (match === null) continue;
        lastAck = Number(match[1]);
        if (killTimer === undefined) killTimer = setTimeout(() => child.kill('SIGKILL'), killDelayMs);
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(giveUp);
      clearTimeout(killTimer);
      if (signal !== 'SIGKILL') reject(new Error(`child ended by itself (code ${code}); stderr:\n${stderr}`));
      else resolve({ dir, mode, lastAck, killDelayMs, stderr });
    });
  });
}

/** Checks the killed child's file: intact, every acked batch there, no batch half there. Returns the batches found. */
function verify(run: Run): number {
  const file = join(run.dir, 'db.sqlite');
  // A raw connection first: opening replays the WAL, then SQLite checks every page and index.
  const raw = new Database(file, { fileMustExist: true });
  try {
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
  } finally {
    raw.close();
  }

  const provider = new SqliteStorageProvider({ dir: run.dir });
  try {
    const storage = provider.open('db');
    const counter = Number(storage.get('docs', 'counter') ?? '0');
    // Every acknowledged batch is there; at most the one in flight at the kill got in beyond it.
    expect(counter).toBeGreaterThanOrEqual(run.lastAck);
    expect(counter).toBeLessThanOrEqual(run.lastAck + 1);

    const seqs = storage.range('seqs');
    expect(seqs.length).toBe(counter);
    seqs.forEach(([key, value], i) => {
      expect(key).toBe(pad(i + 1));
      expect(value).toBe(String(i + 1));
    });
    const docs = storage.range('docs', { gte: 'doc-', lt: 'doc.' });
    expect(docs.length).toBe(counter);
    docs.forEach(([key, value], i) => {
      expect(key).toBe(`doc-${pad(i + 1)}`);
      expect((JSON.parse(value) as { n: number }).n).toBe(i + 1);
    });
    // Big batches (committed past the log): every row of each one up to the counter, nothing beyond.
    const bulk = storage.range('bulk');
    expect(bulk.length).toBe(Math.floor(counter / BIG_EVERY) * BIG_OPS);
    bulk.forEach(([key, value], j) => {
      const n = (Math.floor(j / BIG_OPS) + 1) * BIG_EVERY;
      const i = j % BIG_OPS;
      expect(key).toBe(bulkKey(n, i));
      expect(value).toBe(`${n}:${i}`);
    });
    // The marker moved with every batch: exactly one, the last batch's.
    expect(storage.range('docs', { gte: 'pending-', lt: 'pending.' })).toEqual([[`pending-${pad(counter)}`, String(counter)]]);
    return counter;
  } finally {
    provider.close();
  }
}

describe('SQLite durability under kill -9', () => {
  it(`keeps every acknowledged batch, whole, across ${KILLS} kills`, async () => {
    const root = mkdtempSync(join(tmpdir(), 'settee-durability-'));
    try {
      const runs: Run[] = [];
      for (let started = 0; started < KILLS; started += PARALLEL) {
        const batch = Array.from({ length: Math.min(PARALLEL, KILLS - started) }, (_, j) => {
          const i = started + j;
          // Mostly the default mode; every fourth run with fsync on each commit.
          return runAndKill(mkdtempSync(join(root, `run-${i}-`)), i % 4 === 3 ? 'full' : 'normal');
        });
        runs.push(...(await Promise.all(batch)));
      }
      const found = runs.map((run) => {
        try {
          return verify(run);
        } catch (error) {
          const { dir, ...facts } = run;
          throw new Error(`run in ${dir} failed (${JSON.stringify(facts)}): ${String(error)}`, { cause: error });
        }
      });
      expect(runs.every((run) => run.lastAck >= 1)).toBe(true);
      // The kills landed in a stream of batches, not right after the first one.
      expect(found.reduce((a, b) => a + b, 0)).toBeGreaterThan(KILLS);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 120_000);
});
