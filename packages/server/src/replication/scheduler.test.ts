// What the replication scheduler keeps over a long run: ended `_replicate` jobs leave its table, and a job that keeps
// crashing keeps CouchDB's last `max_history` events only.
import { InternalServerError, type DatabaseAdapter } from '@settee/core';
import { createEngine } from '@settee/engine';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_HISTORY, ReplicationJob } from './job.js';
import { parseReplicationRequest } from './request.js';
import { ReplicationScheduler } from './scheduler.js';
import type { ResolvedEndpoint } from './endpoint.js';

const ADMIN = { name: 'admin', roles: ['_admin'] };

describe('ReplicationScheduler', () => {
  const engine = createEngine({ storage: 'memory' });
  const scheduler = new ReplicationScheduler(engine, 'settee$replicator', () => {});
  afterAll(async () => {
    await scheduler.close();
    await engine.close();
  });

  it('forgets continuous _replicate jobs that fail for good', async () => {
    for (let i = 0; i < 5; i += 1) {
      const answer = await scheduler.replicate({ source: `missing-${i}`, target: `target-${i}`, continuous: true }, ADMIN);
      expect(answer.status).toBe(202);
    }
    // A missing source is not retried: each job fails, and nothing lists, shows or cancels it any more.
    await vi.waitFor(() => expect(scheduler.requestJobCount).toBe(0));
    expect(scheduler.jobs()).toEqual([]);
  });
});

/** An endpoint whose every call fails with a 500, which a continuous replication retries without end. */
function failingEndpoint(name: string): ResolvedEndpoint {
  const db = new Proxy({} as DatabaseAdapter, {
    get(_target, property) {
      if (property === 'location') return `test:${name}`;
      if (property === 'name') return name;
      if (property === 'then') return undefined;
      return () => Promise.reject(new InternalServerError('down'));
    },
  });
  return { db, display: name, create: async () => {}, close: async () => {} };
}

describe('ReplicationJob history', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps the last max_history events of a job that keeps crashing', async () => {
    vi.useFakeTimers();
    const spec = parseReplicationRequest({ source: 'a', target: 'b', continuous: true });
    const job = new ReplicationJob(spec, failingEndpoint('a'), failingEndpoint('b'), { database: null, docId: null, user: null });
    job.start();
    try {
      // Retries wait at most 10 s each.
      for (let i = 0; i < 3 * MAX_HISTORY && job.errorCount <= 2 * MAX_HISTORY; i += 1) await vi.advanceTimersByTimeAsync(10_000);
      expect(job.errorCount).toBeGreaterThan(2 * MAX_HISTORY);
      const history = job.schedulerJob()['history'] as { type: string }[];
      expect(history).toHaveLength(MAX_HISTORY);
      expect(history[0]?.type).toBe('crashed');
    } finally {
      await job.stop();
    }
  });
});
