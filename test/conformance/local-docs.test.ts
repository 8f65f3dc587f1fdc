// _local documents, after shared/couchdb-reference/documents.json (steps 96-109) and all_docs.json.
import { describe, expect, it } from 'vitest';
import { NotFoundError } from '@settee/core';
import { backends } from './backends.js';
import { expectCouchError } from './expect-couch-error.js';
import { useBackend } from './harness.js';

describe.each(backends)('local documents [$name]', (backend) => {
  const h = useBackend(backend);

  it('count revisions 0-N and ignore MVCC: no rev and wrong revs are accepted', async () => {
    const db = await h.createDb('mvcc');
    expect(await db.put({ _id: '_local/loc1', a: 1 })).toStrictEqual({ ok: true, id: '_local/loc1', rev: '0-1' });
    expect(await db.get('_local/loc1')).toStrictEqual({ _id: '_local/loc1', _rev: '0-1', a: 1 });
    // Without _rev: simply overwritten, and the rev stays 0-1.
    expect(await db.put({ _id: '_local/loc1', a: 2 })).toStrictEqual({ ok: true, id: '_local/loc1', rev: '0-1' });
    // A wrong _rev: accepted, the new rev is that number plus one.
    expect(await db.put({ _id: '_local/loc1', _rev: '0-7', a: 3 })).toStrictEqual({ ok: true, id: '_local/loc1', rev: '0-8' });
    expect(await db.put({ _id: '_local/loc1', _rev: '0-1', a: 4 })).toStrictEqual({ ok: true, id: '_local/loc1', rev: '0-2' });
    expect(await db.get('_local/loc1')).toStrictEqual({ _id: '_local/loc1', _rev: '0-2', a: 4 });
  });

  it('keep no history: revs shows only the current rev', async () => {
    const db = await h.createDb('history');
    await db.put({ _id: '_local/loc1', a: 1 });
    await db.put({ _id: '_local/loc1', _rev: '0-1', a: 4 });
    expect(await db.get('_local/loc1', { revs: true })).toStrictEqual({
      _id: '_local/loc1',
      _rev: '0-2',
      a: 4,
      _revisions: { start: 0, ids: ['2'] },
    });
  });

  it('take back the _revisions a read gave them ({start: 0}), which they do not store', async () => {
    // couch_doc:transfer_fields only asks for an integer start; PouchDB writes a _local doc back with its history.
    const db = await h.createDb('revisions');
    await db.put({ _id: '_local/loc1', a: 1 });
    const read = await db.get('_local/loc1', { revs: true });
    expect(await db.put({ ...read, a: 2 })).toStrictEqual({ ok: true, id: '_local/loc1', rev: '0-2' });
    expect(await db.get('_local/loc1')).toStrictEqual({ _id: '_local/loc1', _rev: '0-2', a: 2 });
  });

  it('delete to rev 0-0 and then read as missing, not deleted', async () => {
    const db = await h.createDb('delete');
    await db.put({ _id: '_local/loc1', a: 1 });
    await db.put({ _id: '_local/loc1', _rev: '0-1', a: 2 });
    expect(await db.remove('_local/loc1', '0-2')).toStrictEqual({ ok: true, id: '_local/loc1', rev: '0-0' });
    await expectCouchError(db.get('_local/loc1'), NotFoundError, 404, 'not_found', 'missing');
    await expectCouchError(db.get('_local/never'), NotFoundError, 404, 'not_found', 'missing');
    expect((await db.localDocs()).rows).toStrictEqual([]);
  });

  it('are listed by localDocs only: not in allDocs, the changes feed or the counts', async () => {
    const db = await h.createDb('hidden');
    await db.put({ _id: 'visible', v: 1 });
    await db.put({ _id: '_local/loc1', a: 1 });
    await db.put({ _id: '_local/loc1', _rev: '0-1', a: 4 });
    await db.put({ _id: '_local/loc2', b: 1 });
    expect(await db.localDocs()).toStrictEqual({
      total_rows: null,
      offset: null,
      rows: [
        { id: '_local/loc1', key: '_local/loc1', value: { rev: '0-2' } },
        { id: '_local/loc2', key: '_local/loc2', value: { rev: '0-1' } },
      ],
    });
    expect((await db.allDocs()).rows.map((row) => row.key)).toStrictEqual(['visible']);
    expect((await db.changes()).results.map((row) => row.id)).toStrictEqual(['visible']);
    expect(await db.info()).toMatchObject({ doc_count: 1, doc_del_count: 0 });
  });

  it('do not move the changes feed', async () => {
    const db = await h.createDb('noseq');
    await db.put({ _id: 'visible', v: 1 });
    const end = (await db.changes()).last_seq;
    await db.put({ _id: '_local/loc1', a: 1 });
    await db.remove('_local/loc1', '0-1');
    expect((await db.changes({ since: end })).results).toStrictEqual([]);
  });
});
