import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngine } from '../engine.js';

/** Counters are derived from the data when a database opens: they must come back exactly as they were. */
describe('reopening a SQLite database', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'settee-reopen-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps update_seq, counts, sizes, revs_limit, purged_infos_limit and purge_seq', async () => {
    const first = createEngine({ storage: 'sqlite', dir });
    await first.createDb('db');
    const db = first.db('db');
    const written = await db.bulkDocs([{ _id: 'a', v: 1 }, { _id: 'b', v: 2 }, { _id: 'c', v: 3 }]);
    const b = written[1] as { rev: string };
    await db.remove('b', b.rev);
    await db.put({ _id: '_local/x', v: 1 });
    await db.putRevsLimit(7);
    await db.putPurgedInfosLimit(30);
    const c = written[2] as { rev: string };
    await db.purge({ c: [c.rev] });
    const before = await db.info();
    await first.close();

    const second = createEngine({ storage: 'sqlite', dir });
    const after = await second.db('db').info();
    expect({ ...after, instance_start_time: before.instance_start_time, sizes: before.sizes }).toEqual(before);
    expect(after.sizes.external).toBe(before.sizes.external);
    expect(after.doc_count).toBe(1);
    expect(after.doc_del_count).toBe(1);
    expect(await second.db('db').getRevsLimit()).toBe(7);
    expect(await second.db('db').getPurgedInfosLimit()).toBe(30);
    const next = await second.db('db').put({ _id: 'd', v: 4 });
    expect(next.ok).toBe(true);
    expect(Number((await second.db('db').info()).update_seq)).toBe(Number(before.update_seq) + 1);
    await second.close();
  });
});
