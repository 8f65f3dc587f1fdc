import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Settee } from '@settee/core';
import { createEngine } from '@settee/engine';
import { Playlist } from './playlist.js';
import { DESKTOP_SONG, FIRST_SONGS, NEW_SONG, PHONE_SONG, runPlaylistBackup } from './playlist-backup.js';

/** Seed 000 shows CouchDB answering this revision when this very body is POSTed. */
const SEED_FIRST_REV = '1-612aeb6d24bf9647ef630c246aa69e44';

describe('playlist backup example', () => {
  it("reproduces CouchDB's revision for seed 000's body on the raw engine", async () => {
    const engine = createEngine({ storage: 'memory' });
    await engine.createDb('playlist');
    const saved = await engine.db('playlist').post({ mySongs: FIRST_SONGS });
    expect(saved.rev).toBe(SEED_FIRST_REV);
    await engine.close();
  });

  it("runs seed 000 through the Playlist repository, with CouchDB's own first revision", async () => {
    const engine = createEngine({ storage: 'memory' });
    const lines: string[] = [];
    const report = await runPlaylistBackup(engine, (line) => lines.push(line));
    expect(report.firstRev).toBe(SEED_FIRST_REV);
    expect(report.secondRev).toMatch(/^2-[0-9a-f]{32}$/);
    expect(report.staleRevError.status).toBe(409);
    expect(report.staleRevError.attemptedRev).toBe(SEED_FIRST_REV);
    expect(report.staleRevError.currentRev).toBe(report.secondRev);
    expect(lines.some((l) => l.includes(`409 conflict, it was at ${SEED_FIRST_REV}, the backup is at ${report.secondRev}`))).toBe(true);
    // The phone's save is rev 3, the merge rev 4: nothing either device added is lost.
    expect(report.finalRev).toMatch(/^4-/);
    expect(report.songs).toEqual([...FIRST_SONGS, NEW_SONG, PHONE_SONG, DESKTOP_SONG]);
    expect(lines.some((l) => l.startsWith("conflict: merging the desktop's 5 songs into the phone's 5"))).toBe(true);
    // The stored body is the seed's shape exactly: no type field, no revision inside.
    const stored = await engine.db('playlist').get(report.id);
    expect(Object.keys(stored)).toEqual(['_id', '_rev', 'mySongs']);
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
      expect(stored._rev).toBe(report.finalRev);
      expect(stored['mySongs']).toHaveLength(6);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('validates on read: a playlist that is not seed-shaped is refused', async () => {
    const engine = createEngine({ storage: 'memory' });
    await engine.createDb('playlist');
    await engine.db('playlist').put({ _id: 'odd', mySongs: 'not a list' });
    const settee = await Settee.open(engine, 'playlist');
    await expect(settee.repository(Playlist).get('odd')).rejects.toMatchObject({ name: 'ValidationError', id: 'odd' });
    await settee.close();
  });
});
