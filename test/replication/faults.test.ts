// A continuous replication of 10k documents into pouchdb-server through the fault-injection proxy, with
// connections dropped and answers cut at random (seeded) points: it converges with nothing lost and nothing
// duplicated, resuming each time from its checkpoint. Then the other way: a continuous pull whose reads and live
// feed go through the proxy.
import { replicate, type ReplicationEvent, type ServerAdapter } from '@settee/core';
import { createEngine } from '@settee/engine';
import { createHttpAdapter, type HttpServer } from '@settee/http';
import { tap } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../packages/engine/src/test-support/seeded-random.js';
import { FaultProxy } from '../http/fault-proxy.js';
import { EventLog } from './event-log.js';
import { leafTable } from './leaves.js';
import { remoteUrl, uniqueDbName } from './endpoints.js';

const url = remoteUrl();
const DOCS = 10_000;
const SEED = 6;

describe.skipIf(!url)('replication through a faulty network', () => {
  let proxy: FaultProxy;
  let engine: ServerAdapter;
  let direct: HttpServer;
  let faulty: HttpServer;
  const name = uniqueDbName('faults');

  beforeAll(async () => {
    proxy = await FaultProxy.start(url);
    engine = createEngine({ storage: 'memory' });
    direct = createHttpAdapter({ url });
    faulty = createHttpAdapter({ url: proxy.url, retry: { limit: 1, baseDelay: 5, maxDelay: 20 } });
    await direct.createDb(name);
  });

  afterAll(async () => {
    await direct.deleteDb(name).catch(() => undefined);
    await faulty.close();
    await direct.close();
    await engine.close();
    await proxy.close();
  });

  it('converges with every revision exactly once while connections are cut at random', { timeout: 120_000 }, async () => {
    await engine.createDb('songs');
    const source = engine.db('songs');
    await source.bulkDocs(Array.from({ length: DOCS }, (_, i) => ({ _id: `song${String(i).padStart(5, '0')}`, i, pad: 'x'.repeat(64) })));
    const target = faulty.db(name);
    const random = seededRandom(SEED);

    let cuts = 0;
    // Faults follow the replication's own progress (not the clock), so the seed replays the same kind of run:
    // after a batch, at random, the next new connection is cut midway through its answer and every open one dropped.
    const chaos = (event: ReplicationEvent): void => {
      if ((event.type !== 'progress' && event.type !== 'checkpoint') || cuts >= 12 || random() >= 0.5) return;
      cuts += 1;
      proxy.inject({ kind: 'cut', bytes: 40 + Math.floor(random() * 4000) });
      proxy.dropAll();
    };
    const log = new EventLog<ReplicationEvent>(
      replicate(source, target, { continuous: true, batch_size: 250, retry: { initialDelayMs: 5, maxDelayMs: 50 } }).pipe(tap(chaos)),
    );

    const converged = async (): Promise<boolean> => (await direct.db(name).info()).doc_count === DOCS;
    for (let from = 0; ; ) {
      await log.next((event) => event.type === 'paused', from);
      from = log.events.findLastIndex((event) => event.type === 'paused') + 1;
      if (await converged()) break;
    }

    // Later edits while the faults go on: each document updated once more on a hundred documents.
    const edits = (await source.changes({ include_docs: true, limit: 100 })).results.map((row) => row.doc!);
    await source.bulkDocs(edits.map((doc) => ({ ...doc, edited: true })));
    const updated = async (): Promise<boolean> => {
      const last = await direct.db(name).get(edits.at(-1)!._id);
      return last['edited'] === true;
    };
    for (let from = log.events.length; ; ) {
      await log.next((event) => event.type === 'paused', from);
      from = log.events.findLastIndex((event) => event.type === 'paused') + 1;
      if (await updated()) break;
    }
    log.stop();

    expect(cuts).toBeGreaterThan(0);
    expect(log.events.some((event) => event.type === 'error' && event.retrying)).toBe(true);
    expect(log.failure).toBeUndefined();
    // Nothing lost, nothing duplicated: the same documents with the same single leaf each.
    const sourceLeaves = await leafTable(source);
    const targetLeaves = await leafTable(direct.db(name));
    expect(Object.keys(targetLeaves)).toHaveLength(DOCS);
    expect(targetLeaves).toEqual(sourceLeaves);
    expect(Object.values(targetLeaves).every((revs) => revs.length === 1)).toBe(true);
    expect((await direct.db(name).info()).doc_count).toBe(DOCS);
  });

  it('pulls through cut connections, the live feed included, and converges', { timeout: 120_000 }, async () => {
    const pulled = uniqueDbName('faults_pull');
    await direct.createDb(pulled);
    try {
      const PULL_DOCS = 2000;
      await direct.db(pulled).bulkDocs(Array.from({ length: PULL_DOCS }, (_, i) => ({ _id: `track${String(i).padStart(4, '0')}`, i })));
      await engine.createDb('pulled');
      const target = engine.db('pulled');
      const random = seededRandom(SEED + 1);
      let cuts = 0;
      const chaos = (event: ReplicationEvent): void => {
        if ((event.type !== 'progress' && event.type !== 'paused') || cuts >= 8 || random() >= 0.6) return;
        cuts += 1;
        proxy.inject({ kind: 'cut', bytes: 40 + Math.floor(random() * 2000) });
        proxy.dropAll();
      };
      const log = new EventLog<ReplicationEvent>(
        replicate(faulty.db(pulled), target, { continuous: true, batch_size: 200, retry: { initialDelayMs: 5, maxDelayMs: 50 } }).pipe(
          tap(chaos),
        ),
      );
      const caughtUp = async (count: number): Promise<void> => {
        for (let from = log.events.length; ; ) {
          await log.next((event) => event.type === 'paused', from);
          from = log.events.findLastIndex((event) => event.type === 'paused') + 1;
          if ((await target.info()).doc_count === count) return;
        }
      };
      await caughtUp(PULL_DOCS);
      // Writes arriving through the live feed while its connection keeps being dropped.
      for (let round = 0; round < 5; round += 1) {
        await direct.db(pulled).bulkDocs(Array.from({ length: 20 }, (_, i) => ({ _id: `late${round}-${i}` })));
        proxy.dropAll();
      }
      await caughtUp(PULL_DOCS + 100);
      log.stop();
      expect(cuts).toBeGreaterThan(0);
      expect(log.failure).toBeUndefined();
      expect(await leafTable(target)).toEqual(await leafTable(direct.db(pulled)));
    } finally {
      await direct.deleteDb(pulled).catch(() => undefined);
    }
  });
});
