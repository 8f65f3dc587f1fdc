import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../engine.js';
import { SETTLED_AT } from './db-updates-kill-child.js';

const CHILD = fileURLToPath(new URL('./db-updates-kill-child.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
/** The child is killed once it has acknowledged this many databases. */
const KILL_AFTER = 40;

/** Runs the child until its KILL_AFTER-th ack, SIGKILLs it, and returns the last ack it printed. */
function runAndKill(dir: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=settee-source', '--import', TSX, CHILD, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let lastAck = 0;
    let stderr = '';
    let buffered = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const match = /^ack (\d+)$/.exec(line);
        if (match) lastAck = Number(match[1]);
      }
      if (lastAck >= KILL_AFTER) child.kill('SIGKILL');
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`child ended with ${String(code)}: ${stderr}`));
      else resolve(lastAck);
    });
  });
}

describe('the _db_updates record after kill -9', () => {
  it('reopens whole: a prefix of the events, in order, and seqs that keep growing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'settee-db-updates-kill-'));
    try {
      const lastAck = await runAndKill(dir);
      expect(lastAck).toBeGreaterThanOrEqual(KILL_AFTER);
      const engine = createEngine({ storage: 'sqlite', dir });
      try {
        const { results, last_seq: lastSeq } = await engine.dbUpdates();
        // Events are created:db-1, updated:db-1, created:db-2, ...; whatever survived is a prefix of them.
        const expected = Array.from({ length: results.length }, (_, i) => `${i % 2 === 0 ? 'created' : 'updated'}:db-${Math.floor(i / 2) + 1}`);
        expect(results.map((row) => `${row.type}:${row.db_name}`)).toEqual(expected);
        // The child paused after SETTLED_AT databases: their created and updated events were written.
        expect(results.length).toBeGreaterThanOrEqual(2 * SETTLED_AT);
        const seqs = results.map((row) => Number(row.seq));
        expect(seqs).toEqual(seqs.map((_, i) => i + 1));
        // Every acknowledged database is there, whatever the record lost.
        const names = await engine.allDbs();
        for (let n = 1; n <= lastAck; n++) expect(names).toContain(`db-${n}`);
        await engine.createDb('after');
        const after = await engine.dbUpdates({ since: lastSeq });
        expect(after.results.map((row) => `${row.type}:${row.db_name}`)).toEqual(['created:after']);
        expect(Number(after.results[0]?.seq)).toBeGreaterThan(Number(lastSeq));
      } finally {
        await engine.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
