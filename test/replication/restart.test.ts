// A replication killed midway restarts from its checkpoint, not from 0: the first run is cancelled after a few
// checkpoints and both SQLite engines are closed (as a process exit would), then reopened from their files.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replicate, replicationId, untilComplete, type ReplicationEvent, type Seq } from '@settee/core';
import { createEngine } from '@settee/engine';
import { afterEach, describe, expect, it } from 'vitest';
import { EventLog } from './event-log.js';
import { leafTable } from './leaves.js';

const DOCS = 1000;
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('restart from a checkpoint', () => {
  it('reads only what came after the last checkpoint once the engines are reopened', async () => {
    const sourceDir = mkdtempSync(join(tmpdir(), 'settee-restart-src-'));
    const targetDir = mkdtempSync(join(tmpdir(), 'settee-restart-tgt-'));
    dirs.push(sourceDir, targetDir);
    let sourceEngine = createEngine({ storage: 'sqlite', dir: sourceDir });
    let targetEngine = createEngine({ storage: 'sqlite', dir: targetDir });
    await sourceEngine.createDb('songs');
    await targetEngine.createDb('backup');
    await sourceEngine.db('songs').bulkDocs(Array.from({ length: DOCS }, (_, i) => ({ _id: `song${String(i).padStart(4, '0')}`, i })));

    const log = new EventLog<ReplicationEvent>(
      replicate(sourceEngine.db('songs'), targetEngine.db('backup'), { batch_size: 100, batches_limit: 1 }),
    );
    let checkpoints = 0;
    await log.next((event) => event.type === 'checkpoint' && ++checkpoints === 3);
    log.stop();
    expect(log.events.some((event) => event.type === 'complete')).toBe(false);
    await sourceEngine.close();
    await targetEngine.close();

    sourceEngine = createEngine({ storage: 'sqlite', dir: sourceDir });
    targetEngine = createEngine({ storage: 'sqlite', dir: targetDir });
    try {
      const source = sourceEngine.db('songs');
      const target = targetEngine.db('backup');
      // What the killed run left on disk: the same checkpoint on both sides.
      const checkpointId = `_local/${replicationId(source.location, target.location, { batch_size: 100 })}`;
      const onSource = await source.get(checkpointId);
      const onTarget = await target.get(checkpointId);
      expect(onTarget['session_id']).toBe(onSource['session_id']);
      const checkpointed = onTarget['source_last_seq'] as Seq;
      const left = (await source.changes({ since: checkpointed })).results.length;
      expect(left).toBeGreaterThan(0);
      expect(left).toBeLessThan(DOCS);

      const result = await untilComplete(replicate(source, target, { batch_size: 100 }));
      // Only the changes after the checkpoint were looked at; documents already copied past it are not re-read.
      expect(result.history[0]?.start_last_seq).toEqual(checkpointed);
      expect(result.stats.missing_checked).toBe(left);
      expect(result.stats.docs_read).toBeLessThanOrEqual(left);
      expect(result.history).toHaveLength(2);
      expect(await leafTable(target)).toEqual(await leafTable(source));
    } finally {
      await sourceEngine.close();
      await targetEngine.close();
    }
  });
});
