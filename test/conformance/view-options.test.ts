// View options beyond the recorded views.json exchanges: the design-document `options` (`include_design`,
// `local_seq`), what map functions see of conflicts, `update`/`stable`, and CouchDB's checks of the other query
// parameters. Expected answers are derived from CouchDB 3.4's rules (couch_mrview_util:ddoc_to_mrst and
// validate_args, couch_mrview_http:parse_params, couch_index_updater), not recorded, unless a comment says so.
import { describe, expect, it } from 'vitest';
import { BadRequestError, type DatabaseAdapter, type ViewQueryOptions } from '@settee/core';
import { backends } from './backends.js';
import { expectCouchError } from './expect-couch-error.js';
import { useBackend } from './harness.js';

const EVERY_ID = 'function (doc) { emit(doc._id, null); }';

/** A reduce view over `n` and a map view, on three small documents. */
async function salesDb(db: DatabaseAdapter): Promise<void> {
  await db.bulkDocs([
    { _id: 'a', k: ['x', 1], n: 1 },
    { _id: 'b', k: ['x', 2], n: 2 },
    { _id: 'c', k: ['y', 1], n: 4 },
  ]);
  await db.put({
    _id: '_design/s',
    views: {
      total: { map: 'function (doc) { if (doc.k) emit(doc.k, doc.n); }', reduce: '_sum' },
      plain: { map: 'function (doc) { if (doc.k) emit(doc.k, doc.n); }' },
    },
  });
}

describe.each(backends)('view options [$name]', (backend) => {
  const h = useBackend(backend);

  it('design documents reach map functions only with options.include_design', async () => {
    const db = await h.createDb('vopt');
    await db.bulkDocs([{ _id: 'a' }]);
    await db.put({ _id: '_design/plain', views: { all: { map: EVERY_ID } } });
    await db.put({ _id: '_design/with', options: { include_design: true }, views: { all: { map: EVERY_ID } } });
    expect((await db.query('plain', 'all')).rows.map((row) => row.id)).toStrictEqual(['a']);
    expect((await db.query('with', 'all')).rows.map((row) => row.id)).toStrictEqual(['_design/plain', '_design/with', 'a']);
  });

  it('map functions see _local_seq (an integer) only with options.local_seq', async () => {
    const db = await h.createDb('vopt');
    await db.bulkDocs([{ _id: 'a' }, { _id: 'b' }]);
    const map = 'function (doc) { emit(doc._id, doc._local_seq === undefined ? "none" : typeof doc._local_seq); }';
    await db.put({ _id: '_design/seq', options: { local_seq: true }, views: { v: { map } } });
    await db.put({ _id: '_design/noseq', views: { v: { map } } });
    expect((await db.query('seq', 'v')).rows.map((row) => row.value)).toStrictEqual(['number', 'number']);
    expect((await db.query('noseq', 'v')).rows.map((row) => row.value)).toStrictEqual(['none', 'none']);
  });

  it('map functions see _conflicts and _deleted_conflicts (CouchDB opens documents with both for indexing)', async () => {
    const db = await h.createDb('vopt');
    await db.bulkDocs(
      [
        { _id: 'c', _rev: '1-aaaa', v: 1 },
        { _id: 'c', _rev: '1-bbbb', v: 2 },
        { _id: 'c', _rev: '1-cccc', _deleted: true },
        { _id: 'plain', _rev: '1-dddd' },
      ],
      { new_edits: false },
    );
    // An ordinary edit afterwards leaves `plain` without conflicts.
    await db.put({ _id: 'plain', _rev: '1-dddd', edited: true });
    const map = 'function (doc) { emit(doc._id, [doc._conflicts || null, doc._deleted_conflicts || null]); }';
    await db.put({ _id: '_design/conf', views: { v: { map } } });
    expect((await db.query('conf', 'v')).rows).toStrictEqual([
      { id: 'c', key: 'c', value: [['1-aaaa'], ['1-cccc']] },
      { id: 'plain', key: 'plain', value: [null, null] },
    ]);
  });

  it('update=false answers from the index as it is: empty before the first build, stale after writes', async () => {
    const db = await h.createDb('vopt');
    await db.put({ _id: '_design/d', views: { all: { map: EVERY_ID } } });
    await db.bulkDocs([{ _id: 'a' }]);
    expect(await db.query('d', 'all', { update: false })).toStrictEqual({ total_rows: 0, offset: 0, rows: [] });
    expect((await db.query('d', 'all')).rows.map((row) => row.id)).toStrictEqual(['a']);
    await db.bulkDocs([{ _id: 'b' }]);
    expect((await db.query('d', 'all', { update: false, stable: true })).rows.map((row) => row.id)).toStrictEqual(['a']);
    expect((await db.query('d', 'all', { update: 'lazy', stable: false })).rows.map((row) => row.id)).toStrictEqual(['a']);
  });

  it('applies key, startkey and endkey in the order given: a later one overrides what an earlier one set', async () => {
    const db = await h.createDb('vopt');
    await db.bulkDocs([0, 1, 2, 3].map((n) => ({ _id: `n${n}`, n })));
    await db.put({ _id: '_design/n', views: { by_n: { map: 'function (doc) { emit(doc.n, null); }' } } });
    const keysOf = async (options: ViewQueryOptions) => (await db.query('n', 'by_n', options)).rows.map((row) => row.key);
    // key sets both ends; a startkey after it moves only the start (couch_mrview_http:parse_params folds in order).
    expect(await keysOf({ key: 2, startkey: 0 })).toStrictEqual([0, 1, 2]);
    expect(await keysOf({ key: 1, endkey: 3 })).toStrictEqual([1, 2, 3]);
    // Given before key, the range bounds are overridden by it.
    expect(await keysOf({ startkey: 0, key: 2 })).toStrictEqual([2]);
    expect(await keysOf({ startkey: 0, endkey: 3, key: 1 })).toStrictEqual([1]);
  });

  it('an explicit group_level wins over group=true, and group_level=0 is accepted on a map view', async () => {
    const db = await h.createDb('vopt');
    await salesDb(db);
    expect((await db.query('s', 'total', { group: true, group_level: 1 })).rows).toStrictEqual([
      { key: ['x'], value: 3 },
      { key: ['y'], value: 4 },
    ]);
    expect((await db.query('s', 'plain', { group_level: 0 })).rows).toHaveLength(3);
    expect((await db.query('s', 'plain', { group: false })).rows).toHaveLength(3);
  });

  it('include_docs with attachments=true inlines the attachment data', async () => {
    const db = await h.createDb('vopt');
    const put = await db.put({ _id: 'a' });
    await db.putAttachment('a', 'note.txt', new TextEncoder().encode('hello'), 'text/plain', put.rev);
    await db.put({ _id: '_design/d', views: { all: { map: EVERY_ID } } });
    const stub = (await db.query('d', 'all', { include_docs: true })).rows[0]?.doc?._attachments?.['note.txt'];
    expect(stub).toMatchObject({ content_type: 'text/plain', length: 5, stub: true });
    const inline = (await db.query('d', 'all', { include_docs: true, attachments: true })).rows[0]?.doc?._attachments?.['note.txt'];
    expect(inline).toMatchObject({ content_type: 'text/plain', data: Buffer.from('hello').toString('base64') });
  });

  it('accepts sorted and att_encoding_info, which change nothing on one node', async () => {
    const db = await h.createDb('vopt');
    await salesDb(db);
    const plain = await db.query('s', 'plain');
    expect(await db.query('s', 'plain', { sorted: false })).toStrictEqual(plain);
    expect(await db.query('s', 'plain', { sorted: true, att_encoding_info: true })).toStrictEqual(plain);
  });

  it.each([
    ['update=bogus', 'plain', { update: 'bogus' }, 'Invalid value for `update`.'],
    ['stable=maybe', 'plain', { stable: 'maybe' }, 'Invalid value for `stable`.'],
    ['sorted=maybe', 'plain', { sorted: 'maybe' }, 'Invalid boolean parameter: "maybe"'],
    ['keys with group_level on a reduce view', 'total', { keys: [['x', 1]], group_level: 1 }, 'Multi-key fetches for reduce views must use `group=true`'],
    ['keys with group=true and a group_level', 'total', { keys: [['x', 1]], group: true, group_level: 2 }, 'Multi-key fetches for reduce views must use `group=true`'],
    ['conflicts on a reduced query', 'total', { conflicts: true }, '`conflicts` is invalid for reduce views.'],
    ['conflicts=false on a reduced query', 'total', { conflicts: false }, '`conflicts` is invalid for reduce views.'],
    ['group_level on a map view', 'plain', { group_level: 1 }, 'Invalid use of grouping on a map view.'],
  ] as const)('refuses %s with query_parse_error', async (_title, view, options, reason) => {
    const db = await h.createDb('vopt');
    await salesDb(db);
    await expectCouchError(db.query('s', view, options as unknown as ViewQueryOptions), BadRequestError, 400, 'query_parse_error', reason);
  });
});
