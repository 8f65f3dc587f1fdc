import { spawn } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStorageProvider } from './sqlite-storage.js';
import type { StorageOp } from './storage.js';

const put = (space: string, key: string, value: string): StorageOp => ({ type: 'put', space, key, value });
const del = (space: string, key: string): StorageOp => ({ type: 'del', space, key });

describe('write-behind log', () => {
  let dir: string;
  let snapshot: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'settee-wbl-'));
    snapshot = mkdtempSync(join(tmpdir(), 'settee-wbl-snap-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(snapshot, { recursive: true, force: true });
  });

  /** The database's files as a process killed at this moment would leave them. */
  function copyFilesAsIfKilled(): void {
    for (const suffix of ['', '-wal', '-log']) {
      const file = join(dir, `db.sqlite${suffix}`);
      if (existsSync(file)) copyFileSync(file, join(snapshot, `db.sqlite${suffix}`));
    }
  }

  it('answers reads from batches not yet moved into SQLite, and replays them after a kill', () => {
    const provider = new SqliteStorageProvider({ dir });
    const storage = provider.create('db');
    storage.write([put('docs', 'a', '1'), put('docs', 'b', '2'), put('seqs', '1', 'a')]);
    storage.write([del('docs', 'b'), put('docs', 'c', '3')]);
    expect(storage.get('docs', 'b')).toBeUndefined();
    expect(storage.getMany('docs', ['a', 'b', 'c', 'd', 'e'])).toEqual(['1', undefined, '3', undefined, undefined]);
    expect(readFileSync(join(dir, 'db.sqlite-log'), 'utf8').split('\n')).toHaveLength(3);
    copyFilesAsIfKilled();

    expect(storage.range('docs')).toEqual([['a', '1'], ['c', '3']]);
    // An ordered read moved the batches into SQLite and emptied the log.
    expect(readFileSync(join(dir, 'db.sqlite-log'), 'utf8')).toBe('');
    provider.close();
    expect(existsSync(join(dir, 'db.sqlite-log'))).toBe(false);

    const reopened = new SqliteStorageProvider({ dir: snapshot });
    try {
      const again = reopened.open('db');
      expect(again.range('docs')).toEqual([['a', '1'], ['c', '3']]);
      expect(again.count('seqs')).toBe(1);
    } finally {
      reopened.close();
    }
  });

  it('replays the intact prefix of a torn log and drops everything after a damaged line', () => {
    const provider = new SqliteStorageProvider({ dir });
    const storage = provider.create('db');
    for (let n = 1; n <= 4; n++) storage.write([put('docs', `doc${n}`, String(n)), put('docs', 'counter', String(n))]);
    copyFilesAsIfKilled();
    provider.close();

    const log = join(snapshot, 'db.sqlite-log');
    const lines = readFileSync(log, 'utf8').split('\n').slice(0, 4);
    // Line 3 damaged (one byte of its JSON changed), line 4 intact after it, then a torn fifth line.
    lines[2] = lines[2]!.replace('doc3', 'doc9');
    writeFileSync(log, `${lines.join('\n')}\n`);
    appendFileSync(log, '0badc0de[[0,"docs","doc5"');

    const reopened = new SqliteStorageProvider({ dir: snapshot });
    try {
      const again = reopened.open('db');
      expect(again.range('docs')).toEqual([['counter', '2'], ['doc1', '1'], ['doc2', '2']]);
      again.write([put('docs', 'after', 'x')]);
      expect(again.get('docs', 'after')).toBe('x');
    } finally {
      reopened.close();
    }
  });

  it('moves batches into SQLite once they pass the size bound', () => {
    const provider = new SqliteStorageProvider({ dir, writeBehindBytes: 1024 });
    const storage = provider.create('db');
    const big = 'x'.repeat(300);
    for (let n = 0; n < 10; n++) storage.write([put('docs', `k${n}`, big)]);
    expect(readFileSync(join(dir, 'db.sqlite-log'), 'utf8').length).toBeLessThan(1024 + 400);
    expect(storage.count('docs')).toBe(10);
    provider.close();
  });

  it('commits a big batch straight to SQLite, after the batches logged before it', () => {
    const provider = new SqliteStorageProvider({ dir });
    const storage = provider.create('db');
    storage.write([put('docs', 'k000', 'first'), put('docs', 'small', 'logged')]);
    const big = Array.from({ length: 200 }, (_, i) => put('docs', `k${String(i).padStart(3, '0')}`, String(i)));
    storage.write(big);
    expect(readFileSync(join(dir, 'db.sqlite-log'), 'utf8')).toBe('');
    // The big batch came after the logged one, so its value of k000 wins.
    expect(storage.get('docs', 'k000')).toBe('0');
    expect(storage.get('docs', 'small')).toBe('logged');
    provider.close();
  });

  it('is not used with synchronous full: every batch is a SQLite commit', () => {
    const provider = new SqliteStorageProvider({ dir, synchronous: 'full' });
    provider.create('db').write([put('docs', 'a', '1')]);
    expect(existsSync(join(dir, 'db.sqlite-log'))).toBe(false);
    provider.close();
  });

  it('refuses a second process on the same file while the first lives, and takes over once it is gone', async () => {
    // durability-child.ts writes batches and prints `ack N` until it is killed.
    const child = spawn(
      process.execPath,
      ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href, fileURLToPath(new URL('./durability-child.ts', import.meta.url)), dir],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise((resolve) => child.on('close', resolve));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          if (chunk.includes('ack ')) resolve();
        });
        child.on('error', reject);
      });
      const provider = new SqliteStorageProvider({ dir });
      expect(() => provider.open('db')).toThrow(new RegExp(`open in process ${child.pid}`));
      provider.close();
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    const after = new SqliteStorageProvider({ dir });
    try {
      expect(Number(after.open('db').get('docs', 'counter'))).toBeGreaterThan(0);
    } finally {
      after.close();
    }
  });

  it('refuses a bad size bound', () => {
    expect(() => new SqliteStorageProvider({ dir, writeBehindBytes: -1 })).toThrow(/writeBehindBytes/);
  });
});
