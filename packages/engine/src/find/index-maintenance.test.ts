import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type DatabaseAdapter, type JsonObject, type JsonValue } from '@settee/core';
import { collateKeyAndId } from '../collate/collate.js';
import { createEngine, type Engine } from '../engine.js';
import { compileSelector } from '../mango/match-selector.js';
import { seededRandom as random } from '../test-support/seeded-random.js';

/**
 * JSON indexes stay exactly what a rebuild from the documents would give, through a random workload of creates,
 * updates, deletes, replicated conflicts (the winner changes), purges, attachments and design document edits,
 * on memory and on SQLite (and after reopening the SQLite files). Checked through `find` only: each index is
 * scanned whole (`use_index`, sorted on its columns) and must return the reference rows in view order, with
 * `total_keys_examined` equal to their number (a stale row would be counted even if its document no longer
 * matches).
 */


const VALUES: JsonValue[] = [0, 1, 2.5, -3, 'a', 'B', 'b', 'é', null, true, [1], { x: 1 }];

interface IndexSpec {
  ddoc: string;
  name: string;
  fields: string[];
  partial?: JsonObject;
}

/** The rows an index should hold, in view order, computed from the live documents. */
async function referenceRows(db: DatabaseAdapter, spec: IndexSpec): Promise<string[]> {
  const all = await db.allDocs({ include_docs: true });
  const filter = spec.partial ? compileSelector(spec.partial) : () => true;
  const rows: Array<{ id: string; key: JsonValue[] }> = [];
  for (const row of all.rows) {
    if (!('doc' in row) || !row.doc || row.id.startsWith('_design/')) continue;
    const doc = row.doc as JsonObject;
    if (!spec.fields.every((f) => Object.hasOwn(doc, f)) || !filter(doc)) continue;
    rows.push({ id: row.id, key: spec.fields.map((f) => doc[f]!) });
  }
  return rows.sort((a, b) => collateKeyAndId(a.key, a.id, b.key, b.id)).map((r) => r.id);
}

async function indexedRows(db: DatabaseAdapter, spec: IndexSpec): Promise<{ ids: string[]; keys: number }> {
  const selector = Object.fromEntries(spec.fields.map((f) => [f, { $exists: true }]));
  const answer = await db.find({ selector, sort: spec.fields, use_index: [spec.ddoc, spec.name], limit: 10_000, execution_stats: true });
  expect(answer.warning).toBeUndefined();
  return { ids: answer.docs.map((d) => d._id), keys: answer.execution_stats!.total_keys_examined };
}

async function expectIndexesCurrent(db: DatabaseAdapter, specs: IndexSpec[], label: string): Promise<void> {
  const listed = (await db.getIndexes()).indexes.slice(1).map((i) => `${i.ddoc}/${i.name}`);
  expect(listed, label).toEqual(specs.map((s) => `_design/${s.ddoc}/${s.name}`).sort());
  for (const spec of specs) {
    const expected = await referenceRows(db, spec);
    expect(await indexedRows(db, spec), `${label}: ${spec.ddoc}`).toEqual({ ids: expected, keys: expected.length });
  }
}

async function randomStep(db: DatabaseAdapter, next: () => number): Promise<void> {
  const id = `d${Math.floor(next() * 30)}`;
  const pick = () => VALUES[Math.floor(next() * VALUES.length)]!;
  const body = (): JsonObject => {
    const doc: JsonObject = {};
    if (next() < 0.8) doc['a'] = pick();
    if (next() < 0.7) doc['b'] = pick();
    if (next() < 0.5) doc['active'] = next() < 0.5;
    return doc;
  };
  const current = await db.get(id).catch(() => undefined);
  const roll = next();
  if (roll < 0.35 || current === undefined) {
    await db.put({ ...body(), _id: id, ...(current ? { _rev: current._rev } : {}) });
  } else if (roll < 0.5) {
    await db.remove(id, current._rev);
  } else if (roll < 0.65) {
    // A replicated sibling with a high hash may or may not become the winner.
    const hash = Math.floor(next() * 16).toString(16).repeat(32);
    await db.bulkDocs([{ ...body(), _id: id, _rev: `${Number(current._rev.split('-')[0]) + 1}-${hash}` }], { new_edits: false });
  } else if (roll < 0.75) {
    const leaves = await db.getOpenRevs(id, 'all');
    const revs = leaves.flatMap((leaf) => ('ok' in leaf ? [leaf.ok._rev] : []));
    await db.purge({ [id]: [revs[Math.floor(next() * revs.length)]!] });
  } else if (roll < 0.85) {
    await db.putAttachment(id, 'note.txt', new TextEncoder().encode('x'), 'text/plain', current._rev);
  } else {
    const ids = Array.from({ length: 1 + Math.floor(next() * 5) }, () => `d${Math.floor(next() * 30)}`);
    await db.bulkDocs([...new Set(ids)].map((docId) => ({ ...body(), _id: docId })));
  }
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe.each(['memory', 'sqlite'] as const)('JSON indexes stay current on %s', (storage) => {
  const open = (dir: string): Engine => (storage === 'memory' ? createEngine({ storage: 'memory' }) : createEngine({ storage: 'sqlite', dir }));

  it('through a random workload and design document edits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'settee-index-'));
    dirs.push(dir);
    let engine = open(dir);
    await engine.createDb('w', { q: 1 });
    let db = engine.db('w');
    const next = random(storage === 'memory' ? 1 : 2);
    const specs: IndexSpec[] = [];
    for (let step = 0; step < 150; step++) {
      await randomStep(db, next);
      if (step === 20) {
        await db.createIndex({ index: { fields: ['a'] }, ddoc: 'by-a', name: 'a' });
        specs.push({ ddoc: 'by-a', name: 'a', fields: ['a'] });
      }
      if (step === 40) {
        // Written by hand, as a user or a replication would: it is an index all the same.
        await db.put({
          _id: '_design/manual',
          language: 'query',
          views: { ba: { map: { fields: { b: 'asc', a: 'asc' }, partial_filter_selector: { active: { $eq: true } } }, reduce: '_count', options: { def: { fields: ['b', 'a'] } } } },
        });
        specs.push({ ddoc: 'manual', name: 'ba', fields: ['b', 'a'], partial: { active: { $eq: true } } });
      }
      if (step === 70) {
        // Editing the view rebuilds it; the other index of the database is left alone.
        const ddoc = await db.get('_design/manual');
        await db.put({ ...ddoc, views: { ba: { map: { fields: { b: 'asc' } }, reduce: '_count', options: { def: { fields: ['b'] } } } } });
        specs[1] = { ddoc: 'manual', name: 'ba', fields: ['b'] };
      }
      if (step === 100) {
        expect(await db.deleteIndex('manual', 'ba')).toEqual({ ok: true });
        specs.pop();
        await expect(db.get('_design/manual')).rejects.toMatchObject({ status: 404, reason: 'deleted' });
      }
      if (step % 10 === 9) await expectIndexesCurrent(db, specs, `step ${step}`);
      if (storage === 'sqlite' && step % 50 === 49) {
        // Rows are durable: a reopened engine reads them back from the SQLite file.
        await engine.close();
        engine = open(dir);
        db = engine.db('w');
        await expectIndexesCurrent(db, specs, `reopened at step ${step}`);
      }
    }
    await engine.close();
  });
});
