import { createEngine } from '@settee/engine';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DatabaseAdapter } from '../adapter/database-adapter.js';
import type { ServerAdapter } from '../adapter/server-adapter.js';
import { Checkpoints } from './checkpoints.js';
import type { ReplicationHistoryEntry } from './types.js';

function entry(session: string, seq: string): ReplicationHistoryEntry {
  return {
    session_id: session,
    start_time: 'Sun, 22 Nov 2026 05:00:00 GMT',
    end_time: 'Sun, 22 Nov 2026 05:00:01 GMT',
    start_last_seq: 0,
    end_last_seq: seq,
    recorded_seq: seq,
    missing_checked: 1,
    missing_found: 1,
    docs_read: 1,
    docs_written: 1,
    doc_write_failures: 0,
    bulk_get_docs: 1,
    bulk_get_attempts: 1,
  };
}

function checkpointDoc(session: string, seq: string, history: ReplicationHistoryEntry[]) {
  return { _id: '_local/rep', session_id: session, source_last_seq: seq, replication_id_version: 4, history };
}

describe('Checkpoints', () => {
  let engine: ServerAdapter;
  let source: DatabaseAdapter;
  let target: DatabaseAdapter;

  beforeEach(async () => {
    engine = createEngine({ storage: 'memory' });
    await engine.createDb('source');
    await engine.createDb('target');
    source = engine.db('source');
    target = engine.db('target');
  });

  afterEach(() => engine.close());

  const checkpoints = () => new Checkpoints(source, target, 'rep', 'both', () => undefined);

  it('starts from 0 without checkpoints, or with one side missing', async () => {
    expect((await checkpoints().start()).since).toBe(0);
    await source.put(checkpointDoc('s1', '7', [entry('s1', '7')]));
    expect((await checkpoints().start()).since).toBe(0);
  });

  it('starts from source_last_seq when both sides recorded the same session', async () => {
    await source.put(checkpointDoc('s2', '9', [entry('s2', '9'), entry('s1', '7')]));
    await target.put(checkpointDoc('s2', '9', [entry('s2', '9'), entry('s1', '7')]));
    expect(await checkpoints().start()).toMatchObject({ since: '9' });
  });

  it('falls back to the newest session both histories share when the sides disagree', async () => {
    // The target's write of session s3 was lost: s2 is the last point both sides surely reached.
    await source.put(checkpointDoc('s3', '12', [entry('s3', '12'), entry('s2', '9'), entry('s1', '7')]));
    await target.put(checkpointDoc('s2', '9', [entry('s2', '9'), entry('s1', '7')]));
    const start = await checkpoints().start();
    expect(start.since).toBe('9');
    expect(start.history.map((e) => e.session_id)).toEqual(['s2', 's1']);
    await target.put(checkpointDoc('other', '5', [entry('other', '5')]));
    expect((await checkpoints().start()).since).toBe(0);
  });

  it('writes CouchDB-format checkpoints on both sides, newest session first, coalescing waiting requests', async () => {
    await source.put(checkpointDoc('s1', '7', [entry('s1', '7')]));
    await target.put(checkpointDoc('s1', '7', [entry('s1', '7')]));
    const written: unknown[] = [];
    const store = new Checkpoints(source, target, 'rep', 'both', (seq) => written.push(seq));
    await store.start();
    store.request('8', () => entry('s2', '8'));
    store.request('9', () => entry('s2', '9'));
    store.request('10', () => entry('s2', '10'));
    await store.flush();
    // The first write started at once; the two that waited behind it became one.
    expect(written).toEqual(['8', '10']);
    for (const db of [source, target]) {
      const doc = await db.get('_local/rep');
      expect(doc).toMatchObject({ session_id: 's2', source_last_seq: '10', replication_id_version: 4 });
      expect((doc['history'] as unknown as ReplicationHistoryEntry[]).map((e) => e.session_id)).toEqual(['s2', 's1']);
    }
  });

  it("writes only the sides 'source' or 'target' name, and nothing with false", async () => {
    const targetOnly = new Checkpoints(source, target, 'rep', 'target', () => undefined);
    await targetOnly.start();
    targetOnly.request('3', () => entry('s1', '3'));
    await targetOnly.flush();
    await expect(source.get('_local/rep')).rejects.toMatchObject({ status: 404 });
    expect((await target.get('_local/rep'))['source_last_seq']).toBe('3');
    const nowhere = new Checkpoints(source, target, 'rep2', false, () => undefined);
    expect((await nowhere.start()).since).toBe(0);
    nowhere.request('3', () => entry('s1', '3'));
    await nowhere.flush();
    await expect(target.get('_local/rep2')).rejects.toMatchObject({ status: 404 });
  });
});
