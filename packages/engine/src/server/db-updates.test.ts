import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, take, toArray } from 'rxjs';
import type { DbUpdate } from '@settee/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../engine.js';

const summary = (rows: DbUpdate[]): string[] => rows.map((row) => `${row.type}:${row.db_name}`);

describe.each(['memory', 'sqlite'] as const)('engine dbUpdates on %s', (kind) => {
  let dir: string;
  let engine: Engine;
  const open = (): Engine => (kind === 'memory' ? createEngine({ storage: 'memory' }) : createEngine({ storage: 'sqlite', dir }));
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'settee-db-updates-'));
    engine = open();
  });
  afterEach(async () => {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts empty with last_seq 0', async () => {
    expect(await engine.dbUpdates()).toEqual({ results: [], last_seq: '0' });
  });

  it('records created, updated and deleted with increasing seqs', async () => {
    await engine.createDb('a');
    await engine.db('a').put({ _id: 'x' });
    await engine.deleteDb('a');
    const answer = await engine.dbUpdates();
    expect(summary(answer.results)).toEqual(['created:a', 'updated:a', 'deleted:a']);
    const seqs = answer.results.map((row) => Number(row.seq));
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(new Set(seqs).size).toBe(3);
    expect(answer.last_seq).toBe(answer.results[2]?.seq);
  });

  it('lists a database once per event type, at its latest event', async () => {
    await engine.createDb('a');
    await engine.createDb('b');
    await engine.db('a').put({ _id: '1' });
    await engine.db('b').put({ _id: '1' });
    await engine.db('a').put({ _id: '2' });
    await engine.db('a').bulkDocs([{ _id: '3' }, { _id: '4' }]);
    const answer = await engine.dbUpdates();
    expect(summary(answer.results)).toEqual(['created:a', 'created:b', 'updated:b', 'updated:a']);
    // Recreating moves `created` after the rest.
    await engine.deleteDb('b');
    await engine.createDb('b');
    expect(summary((await engine.dbUpdates()).results)).toEqual(['created:a', 'updated:b', 'updated:a', 'deleted:b', 'created:b']);
  });

  it('answers from since, with limit and descending', async () => {
    await engine.createDb('a');
    const { last_seq: mark } = await engine.dbUpdates();
    await engine.createDb('b');
    await engine.createDb('c');
    expect(summary((await engine.dbUpdates({ since: mark })).results)).toEqual(['created:b', 'created:c']);
    expect(summary((await engine.dbUpdates({ since: Number(mark) })).results)).toEqual(['created:b', 'created:c']);
    const limited = await engine.dbUpdates({ limit: 2 });
    expect(summary(limited.results)).toEqual(['created:a', 'created:b']);
    expect(summary((await engine.dbUpdates({ since: limited.last_seq })).results)).toEqual(['created:c']);
    expect(summary((await engine.dbUpdates({ descending: true })).results)).toEqual(['created:c', 'created:b', 'created:a']);
    const now = await engine.dbUpdates({ since: 'now' });
    expect(now.results).toEqual([]);
    expect(now.last_seq).toBe((await engine.dbUpdates()).last_seq);
  });

  it('rejects a malformed since and a negative limit', async () => {
    await expect(engine.dbUpdates({ since: 'nope' })).rejects.toMatchObject({ status: 400, error: 'bad_request' });
    await expect(engine.dbUpdates({ limit: -1 })).rejects.toMatchObject({ status: 400, reason: 'invalid_integer' });
  });

  it('answers a longpoll when the next event happens', async () => {
    const waiting = engine.dbUpdates({ feed: 'longpoll', since: 'now' });
    await engine.createDb('late');
    expect(summary((await waiting).results)).toEqual(['created:late']);
  });

  it('answers a longpoll with nothing when its timeout passes', async () => {
    const answer = await engine.dbUpdates({ feed: 'longpoll', since: 'now', timeout: 10 });
    expect(answer).toEqual({ results: [], last_seq: '0' });
  });

  it('streams the past then each new event once, in seq order', async () => {
    await engine.createDb('a');
    const seen = firstValueFrom(engine.liveDbUpdates().pipe(take(4), toArray()));
    await engine.db('a').put({ _id: '1' });
    await engine.createDb('b');
    await engine.deleteDb('a');
    const rows = await seen;
    expect(summary(rows)).toEqual(['created:a', 'updated:a', 'created:b', 'deleted:a']);
    const seqs = rows.map((row) => Number(row.seq));
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
  });

  it('starts a live feed at now without the past', async () => {
    await engine.createDb('old');
    const seen = firstValueFrom(engine.liveDbUpdates({ since: 'now' }).pipe(take(1), toArray()));
    await engine.createDb('new');
    expect(summary(await seen)).toEqual(['created:new']);
  });

  it('completes live feeds on close and stops after unsubscribe', async () => {
    const rows: DbUpdate[] = [];
    const stopped = engine.liveDbUpdates().subscribe((row) => rows.push(row));
    stopped.unsubscribe();
    await engine.createDb('a');
    await new Promise((resolve) => setImmediate(resolve));
    expect(rows).toEqual([]);
    const done = new Promise<string>((resolve) => engine.liveDbUpdates({ since: 'now' }).subscribe({ complete: () => resolve('complete') }));
    await engine.close();
    expect(await done).toBe('complete');
  });
});

describe('engine dbUpdates on reopened SQLite', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'settee-db-updates-reopen-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the events and continues their seqs', async () => {
    const first = createEngine({ storage: 'sqlite', dir });
    await first.createDb('a');
    await first.db('a').put({ _id: 'x' });
    await first.createDb('b');
    await first.deleteDb('b');
    const before = await first.dbUpdates();
    await first.close();

    const second = createEngine({ storage: 'sqlite', dir });
    try {
      expect(await second.dbUpdates()).toEqual(before);
      // The record's own file is not a database.
      expect(await second.allDbs()).toEqual(['a']);
      await second.createDb('c');
      const after = await second.dbUpdates({ since: before.last_seq });
      expect(summary(after.results)).toEqual(['created:c']);
      expect(Number(after.results[0]?.seq)).toBeGreaterThan(Number(before.last_seq));
    } finally {
      await second.close();
    }
    expect(readdirSync(dir).some((file) => file.startsWith('.settee-db-updates'))).toBe(true);
  });
});
