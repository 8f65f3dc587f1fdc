// Batches are copied concurrently but checkpointed in order: while the first batch is held up, later batches are
// written, yet no checkpoint is recorded until the first one is written too (a checkpoint past an unwritten batch
// would lose its documents on a restart). The target is a real engine database; only the first batch's
// `_revs_diff` answer is held back, as a slow network would.
import { replicate, type DatabaseAdapter, type ReplicationEvent } from '@settee/core';
import { createEngine } from '@settee/engine';
import { describe, expect, it } from 'vitest';
import { EventLog } from './event-log.js';
import { leafTable } from './leaves.js';

/** `db` whose `revsDiff` for requests naming `id` waits until `release` is called. */
function holdingRevsDiff(db: DatabaseAdapter, id: string): { db: DatabaseAdapter; release: () => void; held: Promise<void> } {
  let release = (): void => undefined;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let reached = (): void => undefined;
  const held = new Promise<void>((resolve) => {
    reached = resolve;
  });
  const wrapped = new Proxy(db, {
    get(target, property, receiver) {
      if (property !== 'revsDiff') return Reflect.get(target, property, receiver) as unknown;
      return async (request: Record<string, string[]>) => {
        if (id in request) {
          reached();
          await gate;
        }
        return target.revsDiff(request);
      };
    },
  });
  return { db: wrapped, release, held };
}

describe('checkpoint order', () => {
  it('never checkpoints past a batch that is not written yet', async () => {
    const engine = createEngine({ storage: 'memory' });
    try {
      await engine.createDb('source');
      await engine.createDb('target');
      const source = engine.db('source');
      await source.bulkDocs(Array.from({ length: 40 }, (_, i) => ({ _id: `d${String(i).padStart(2, '0')}` })));
      const target = holdingRevsDiff(engine.db('target'), 'd00');

      const log = new EventLog<ReplicationEvent>(replicate(source, target.db, { batch_size: 10, batches_limit: 4 }));
      await target.held;
      // Batches 2 to 4 are written while the first waits.
      for (;;) {
        if ((await engine.db('target').info()).doc_count === 30) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(log.events.filter((event) => event.type === 'checkpoint' || event.type === 'progress')).toEqual([]);

      target.release();
      const complete = await log.next((event) => event.type === 'complete');
      const progress = log.events.filter((event) => event.type === 'progress');
      expect(progress.map((event) => (event.type === 'progress' ? event.docs_written : 0))).toEqual([40, 40, 40, 40]);
      expect(complete.type === 'complete' && complete.result.stats.docs_written).toBe(40);
      expect(await leafTable(engine.db('target'))).toEqual(await leafTable(source));
    } finally {
      await engine.close();
    }
  });
});
