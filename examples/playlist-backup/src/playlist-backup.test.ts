import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngine } from '@settee/engine';
import { runPlaylistBackup } from './playlist-backup.js';

describe('playlist backup example', () => {
  it('runs seed 000 on memory, with CouchDB\'s own first revision', async () => {
    const engine = createEngine({ storage: 'memory' });
    const lines: string[] = [];
    const report = await runPlaylistBackup(engine, (line) => lines.push(line));
    // The seed shows CouchDB answering this revision for this very body: the engine computes the same one.
    expect(report.firstRev).toBe('1-612aeb6d24bf9647ef630c246aa69e44');
    expect(report.secondRev).toMatch(/^2-[0-9a-f]{32}$/);
    expect(report.songs).toBe(4);
    expect(report.staleRevError.status).toBe(409);
    expect(lines.some((l) => l.includes('409 conflict "Document update conflict."'))).toBe(true);
    await engine.close();
  });

  it('keeps the backup in the SQLite file across runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'settee-example-'));
    try {
      const first = createEngine({ storage: 'sqlite', dir });
      const report = await runPlaylistBackup(first, () => {});
      await first.close();
      const second = createEngine({ storage: 'sqlite', dir });
      const lines: string[] = [];
      await runPlaylistBackup(second, (line) => lines.push(line));
      expect(lines[0]).toContain('already exists');
      const stored = await second.db('playlist').get(report.id);
      expect(stored._rev).toBe(report.secondRev);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
