import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine } from '@settee/engine';
import { createHttpAdapter } from '@settee/http';
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { REPLICA_DB, replicateBackup } from './backup-replica.js';
import { runPlaylistBackup } from './playlist-backup.js';

function pouchdbServerUrl(): string {
  try {
    return process.env['COUCHDB_URL'] || inject('pouchdbServerUrl');
  } catch {
    return '';
  }
}

describe('playlist backup: the replica', () => {
  it('replicates the playlists into a second engine database, printing progress, then only what is new', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'settee-example-replica-'));
    try {
      const engine = createEngine({ storage: 'sqlite', dir });
      const report = await runPlaylistBackup(engine, () => {});
      const lines: string[] = [];
      const first = await replicateBackup(engine, engine, (line) => lines.push(line));
      expect(lines.some((line) => /^replicating: 1 read, 1 written, 0 failed, 0 pending$/.test(line))).toBe(true);
      const copy = await engine.db(REPLICA_DB).get(report.id, { revs: true });
      expect(copy._rev).toBe(report.finalRev);
      expect(copy['mySongs']).toEqual(report.songs);
      expect(first.stats.docs_written).toBe(1);
      await engine.close();

      // A second run of the example (new engine on the same files) adds a playlist: only it is copied.
      const again = createEngine({ storage: 'sqlite', dir });
      await runPlaylistBackup(again, () => {});
      const second = await replicateBackup(again, again, () => {});
      expect(second.stats.docs_read).toBe(1);
      expect((await again.db(REPLICA_DB).info()).doc_count).toBe(2);
      const third = await replicateBackup(again, again, () => {});
      expect(third.no_changes).toBe(true);
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!pouchdbServerUrl())('replicates to a server given by URL', async () => {
    const engine = createEngine({ storage: 'memory' });
    const remote = createHttpAdapter({ url: pouchdbServerUrl() });
    // A name of its own: the server may be shared with other test runs.
    const name = `playlist-backup-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    try {
      await runPlaylistBackup(engine, () => {});
      const lines: string[] = [];
      const result = await replicateBackup(engine, remote, (line) => lines.push(line), name);
      expect(result.stats.docs_written).toBe(1);
      expect(lines[0]).toBe(`replicating "playlist" to ${remote.db(name).location}`);
      expect((await remote.db(name).info()).doc_count).toBe(1);
    } finally {
      await remote.deleteDb(name).catch(() => undefined);
      await remote.close();
      await engine.close();
    }
  });
});
