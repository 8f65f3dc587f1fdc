import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../engine.js';
import type { EngineDatabase } from '../database/engine-database.js';

const DDOC = { _id: '_design/t', views: { by_n: { map: 'function (doc) { emit(doc.n, "v"); }' } } };

const dirs: string[] = [];
const engines: Engine[] = [];
afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function openDb(engine: Engine): Promise<EngineDatabase> {
  engines.push(engine);
  await engine.createDb('db');
  return engine.db('db') as EngineDatabase;
}

describe('designInfo', () => {
  it('counts pending updates and sizes the rows: each row adds its key and value JSON to external', async () => {
    const db = await openDb(createEngine({ storage: 'memory' }));
    await db.put(DDOC);
    await db.bulkDocs([{ _id: 'a', n: 1 }, { _id: 'b', n: 22 }]);
    const before = await db.designInfo('t');
    expect(before.name).toBe('t');
    expect(before.view_index.update_seq).toBe(0);
    expect(before.view_index.updates_pending.total).toBe(3);
    await db.query('t', 'by_n');
    const after = await db.designInfo('t');
    expect(after.view_index.update_seq).toBe(3);
    expect(after.view_index.updates_pending).toStrictEqual({ minimum: 0, preferred: 0, total: 0 });
    // `1` + `"v"` and `22` + `"v"`.
    expect(after.view_index.sizes.external).toBe(1 + 3 + 2 + 3);
    expect(after.view_index.language).toBe('javascript');
  });

  it('reads a stored index after a restart without updating it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'settee-info-'));
    dirs.push(dir);
    const first = createEngine({ storage: 'sqlite', dir });
    const db = await openDb(first);
    await db.put(DDOC);
    await db.put({ _id: 'a', n: 1 });
    await db.query('t', 'by_n');
    const indexed = await db.designInfo('t');
    await db.put({ _id: 'b', n: 2 });
    await first.close();
    engines.splice(engines.indexOf(first), 1);

    const second = createEngine({ storage: 'sqlite', dir });
    engines.push(second);
    const reopened = second.db('db') as EngineDatabase;
    const info = await reopened.designInfo('t');
    expect(info.view_index.update_seq).toBe(indexed.view_index.update_seq);
    expect(info.view_index.signature).toBe(indexed.view_index.signature);
    expect(info.view_index.updates_pending.total).toBe(1);
    expect(info.view_index.sizes).toStrictEqual(indexed.view_index.sizes);
  });

  it('is 404 missing for a design document that does not exist', async () => {
    const db = await openDb(createEngine({ storage: 'memory' }));
    await expect(db.designInfo('nope')).rejects.toMatchObject({ status: 404, reason: 'missing' });
  });
});
