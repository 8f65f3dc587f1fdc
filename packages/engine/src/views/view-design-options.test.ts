import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineDatabase } from '../database/engine-database.js';
import { createEngine, type Engine } from '../engine.js';

const dirs: string[] = [];
const engines: Engine[] = [];
afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function engineOf(storage: 'memory' | 'sqlite'): Engine {
  if (storage === 'memory') return createEngine({ storage: 'memory' });
  const dir = mkdtempSync(join(tmpdir(), 'settee-view-options-'));
  dirs.push(dir);
  return createEngine({ storage: 'sqlite', dir });
}

async function openDb(storage: 'memory' | 'sqlite'): Promise<EngineDatabase> {
  const engine = engineOf(storage);
  engines.push(engine);
  await engine.createDb('db');
  return engine.db('db') as EngineDatabase;
}

const EVERY_ID = 'function (doc) { emit(doc._id, null); }';

async function ids(db: EngineDatabase, ddoc: string, view: string): Promise<string[]> {
  return (await db.query(ddoc, view)).rows.map((row) => row.id ?? '');
}

// What the conformance suite (test/conformance/view-options.test.ts, on both engine storages too) cannot see: the
// exact _local_seq, index signatures and rebuilds, and when a lazy update runs.
describe.each(['memory', 'sqlite'] as const)('design-document options of views [%s]', (storage) => {
  it('gives map functions _local_seq only with options.local_seq', async () => {
    const db = await openDb(storage);
    await db.bulkDocs([{ _id: 'a' }, { _id: 'b' }]);
    await db.put({ _id: 'a', _rev: (await db.get('a'))._rev, again: true });
    const map = 'function (doc) { emit(doc._id, doc._local_seq === undefined ? "none" : doc._local_seq); }';
    await db.put({ _id: '_design/seq', options: { local_seq: true }, views: { v: { map } } });
    await db.put({ _id: '_design/noseq', views: { v: { map } } });
    const expected = await Promise.all(['a', 'b'].map(async (id) => ({ id, key: id, value: (await db.get(id, { local_seq: true }))._local_seq ?? -1 })));
    expect(expected.map((row) => typeof row.value)).toStrictEqual(['number', 'number']);
    expect((await db.query('seq', 'v')).rows).toStrictEqual(expected);
    expect((await db.query('noseq', 'v')).rows.map((row) => row.value)).toStrictEqual(['none', 'none']);
  });

  it('rebuilds the index when the options change, and keeps it when something else changes', async () => {
    const db = await openDb(storage);
    await db.bulkDocs([{ _id: 'a' }]);
    const first = await db.put({ _id: '_design/d', views: { all: { map: EVERY_ID } } });
    expect(await ids(db, 'd', 'all')).toStrictEqual(['a']);
    const before = (await db.designInfo('d')).view_index.signature;

    const second = await db.put({ _id: '_design/d', _rev: first.rev, shows: { s: 'function () { return "x"; }' }, views: { all: { map: EVERY_ID } } });
    expect((await db.designInfo('d')).view_index.signature).toBe(before);

    await db.put({ _id: '_design/d', _rev: second.rev, options: { include_design: true }, views: { all: { map: EVERY_ID } } });
    const after = await db.designInfo('d');
    expect(after.view_index.signature).not.toBe(before);
    expect(after.view_index.update_seq).toBe(0);
    expect(await ids(db, 'd', 'all')).toStrictEqual(['_design/d', 'a']);
  });

  it('an unknown design option or a view option also changes the signature, as CouchDB hashes them all', async () => {
    const db = await openDb(storage);
    const views = { all: { map: EVERY_ID } };
    await db.put({ _id: '_design/a', views });
    await db.put({ _id: '_design/b', options: { something: 1 }, views });
    await db.put({ _id: '_design/c', views: { all: { map: EVERY_ID, options: { something: 1 } } } });
    await db.put({ _id: '_design/d', views });
    const signatures = await Promise.all(['a', 'b', 'c', 'd'].map(async (name) => (await db.designInfo(name)).view_index.signature));
    expect(new Set(signatures).size).toBe(3);
    expect(signatures[0]).toBe(signatures[3]);
  });

  it('update=false answers from the index as it is (empty when never built); lazy updates it after answering', async () => {
    const db = await openDb(storage);
    await db.put({ _id: '_design/d', views: { all: { map: EVERY_ID } } });
    await db.bulkDocs([{ _id: 'a' }]);
    expect(await db.query('d', 'all', { update: false })).toStrictEqual({ total_rows: 0, offset: 0, rows: [] });
    expect(await ids(db, 'd', 'all')).toStrictEqual(['a']);
    await db.bulkDocs([{ _id: 'b' }]);
    expect((await db.query('d', 'all', { update: 'false' })).rows.map((row) => row.id)).toStrictEqual(['a']);
    expect((await db.query('d', 'all', { update: 'lazy', stable: true })).rows.map((row) => row.id)).toStrictEqual(['a']);
    // The engine schedules the lazy update for the next turn of the event loop: after it, the index covers `b`.
    await new Promise((resolve) => setImmediate(resolve));
    expect((await db.query('d', 'all', { update: false })).rows.map((row) => row.id)).toStrictEqual(['a', 'b']);
  });
});
