import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DatabaseAdapter, JsonObject, JsonValue } from '@settee/core';
import { collateKeyAndId } from '../collate/index.js';
import { createEngine, type Engine } from '../engine.js';
import { seededRandom } from '../test-support/seeded-random.js';

const DDOC = {
  _id: '_design/t',
  views: {
    by_n: { map: 'function (doc) { if (typeof doc.n === "number") emit(doc.n, doc.tag || null); }' },
    tags: { map: 'function (doc) { (doc.tags || []).forEach(function (t) { emit([t, doc.n], 1); }); }', reduce: '_count' },
  },
};

const dirs: string[] = [];
const engines: Engine[] = [];
afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function openDb(engine: Engine, create = true): Promise<DatabaseAdapter> {
  engines.push(engine);
  if (create) await engine.createDb('db');
  return engine.db('db');
}

/** What `by_n` must answer, computed from the live documents by brute force. */
function expectedByN(docs: ReadonlyMap<string, JsonObject>): Array<{ id: string; key: JsonValue; value: JsonValue }> {
  const rows = [...docs.values()]
    .filter((doc) => typeof doc['n'] === 'number')
    .map((doc) => ({ id: doc['_id'] as string, key: doc['n'] as JsonValue, value: (doc['tag'] as JsonValue) ?? null }));
  return rows.sort((a, b) => collateKeyAndId(a.key, a.id, b.key, b.id));
}

describe('view indexes on the engine', () => {
  it('stay equal to a brute-force map of the live documents across random writes, updates and deletes', async () => {
    const db = await openDb(createEngine({ storage: 'memory' }));
    await db.put(DDOC);
    const random = seededRandom(8);
    const live = new Map<string, JsonObject>();
    for (let round = 0; round < 30; round++) {
      const batch: JsonObject[] = [];
      for (let i = 0; i < 20; i++) {
        const id = `d${Math.floor(random() * 60)}`;
        if (batch.some((doc) => doc['_id'] === id)) continue;
        const current = live.get(id);
        const roll = random();
        if (current && roll < 0.2) batch.push({ _id: id, _rev: current['_rev'] as string, _deleted: true });
        else batch.push({ _id: id, ...(current ? { _rev: current['_rev'] as string } : {}), n: Math.floor(random() * 10), ...(roll < 0.5 ? { tag: 't' } : {}), tags: roll > 0.7 ? ['a', 'b'] : [] });
      }
      const results = await db.bulkDocs(batch);
      batch.forEach((doc, i) => {
        const result = results[i]!;
        if (!('ok' in result)) throw new Error(JSON.stringify(result));
        if (doc['_deleted']) live.delete(result.id);
        else live.set(result.id, { ...doc, _rev: result.rev });
      });
      // Query every few rounds so that the index is updated incrementally from different points.
      if (round % 3 === 0 || round === 29) {
        const answer = await db.query('t', 'by_n');
        expect(answer.rows).toEqual(expectedByN(live));
        expect(answer.total_rows).toBe(answer.rows.length);
      }
    }
    const tagged = [...live.values()].filter((doc) => (doc['tags'] as string[]).length > 0).length;
    expect((await db.query('t', 'tags', { group_level: 1 })).rows).toEqual(tagged === 0 ? [] : [{ key: ['a'], value: tagged }, { key: ['b'], value: tagged }]);
  });

  it('are stored durably on SQLite: after a reopen update=false answers the rows built before', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'settee-views-'));
    dirs.push(dir);
    const first = await openDb(createEngine({ storage: 'sqlite', dir }));
    await first.put(DDOC);
    await first.bulkDocs([{ _id: 'a', n: 2 }, { _id: 'b', n: 1 }]);
    expect((await first.query('t', 'by_n')).rows.map((r) => r.id)).toEqual(['b', 'a']);
    await first.put({ _id: 'c', n: 0 });
    await engines.pop()!.close();

    const again = await openDb(createEngine({ storage: 'sqlite', dir }), false);
    expect((await again.query('t', 'by_n', { update: false })).rows.map((r) => r.id)).toEqual(['b', 'a']);
    expect((await again.query('t', 'by_n')).rows.map((r) => r.id)).toEqual(['c', 'b', 'a']);
  });

  it('are rebuilt when the view code changes, and kept when only other members change', async () => {
    const db = await openDb(createEngine({ storage: 'memory' }));
    const { rev } = await db.put(DDOC);
    await db.bulkDocs([{ _id: 'a', n: 2 }, { _id: 'b', n: 1 }]);
    expect((await db.query('t', 'by_n')).rows.map((r) => r.key)).toEqual([1, 2]);
    const edited = await db.put({ ...DDOC, _rev: rev, views: { ...DDOC.views, by_n: { map: 'function (doc) { emit(-doc.n, null); }' } } });
    expect((await db.query('t', 'by_n')).rows.map((r) => r.key)).toEqual([-2, -1]);
    await db.put({ ...DDOC, _rev: edited.rev, views: { ...DDOC.views, by_n: { map: 'function (doc) { emit(-doc.n, null); }' } }, note: 'docs only' });
    expect((await db.query('t', 'by_n', { update: false })).rows.map((r) => r.key)).toEqual([-2, -1]);
  });

  it('start again after a purge', async () => {
    const db = await openDb(createEngine({ storage: 'memory' }));
    await db.put(DDOC);
    const a = await db.put({ _id: 'a', n: 1 });
    await db.put({ _id: 'b', n: 2 });
    expect((await db.query('t', 'by_n')).rows).toHaveLength(2);
    await db.purge({ a: [a.rev] });
    expect((await db.query('t', 'by_n')).rows.map((r) => r.id)).toEqual(['b']);
  });

  it('re-reduce big groups of a JavaScript reduce in chunks', async () => {
    const db = await openDb(createEngine({ storage: 'memory' }));
    await db.put({
      _id: '_design/r',
      views: { total: { map: 'function (doc) { emit(doc.g, doc.n); }', reduce: 'function (keys, values, rereduce) { return sum(values); }' } },
    });
    const docs = Array.from({ length: 2500 }, (_, i) => ({ _id: `d${i}`, g: i % 2, n: i }));
    await db.bulkDocs(docs);
    expect((await db.query('r', 'total')).rows).toEqual([{ key: null, value: (2499 * 2500) / 2 }]);
    expect((await db.query('r', 'total', { group: true })).rows).toEqual([
      { key: 0, value: docs.filter((d) => d.g === 0).reduce((s, d) => s + d.n, 0) },
      { key: 1, value: docs.filter((d) => d.g === 1).reduce((s, d) => s + d.n, 0) },
    ]);
  });

  it('answer a JavaScript reduce that does not shrink with a reduce_overflow_error row', async () => {
    const db = await openDb(createEngine({ storage: 'memory' }));
    await db.put({ _id: '_design/r', views: { grow: { map: 'function (doc) { emit(doc._id, 1); }', reduce: 'function (k, v) { return k.concat(k).concat(k); }' } } });
    await db.bulkDocs(Array.from({ length: 20 }, (_, i) => ({ _id: `doc-${i}` })));
    expect((await db.query('r', 'grow')).rows).toMatchObject([{ key: null, error: 'reduce_overflow_error' }]);
  });

  it('include linked documents when a value is {_id}', async () => {
    const db = await openDb(createEngine({ storage: 'memory' }));
    await db.put({ _id: '_design/l', views: { owner: { map: 'function (doc) { if (doc.owner) emit(doc._id, { _id: doc.owner }); }' } } });
    await db.bulkDocs([{ _id: 'p1', name: 'Ann' }, { _id: 'c1', owner: 'p1' }, { _id: 'c2', owner: 'gone' }]);
    const rows = (await db.query('l', 'owner', { include_docs: true })).rows;
    expect(rows.map((r) => [r.id, r.doc === null ? null : r.doc?._id])).toEqual([['c1', 'p1'], ['c2', null]]);
  });
});
