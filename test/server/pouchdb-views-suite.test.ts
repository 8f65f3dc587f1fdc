// PouchDB's map/reduce suite (pouchdb/pouchdb tests/mapreduce: test.mapreduce.js, test.persisted.js, test.views.js)
// queries a CouchDB's views through its http adapter. These are the cases of that suite whose outcome depends on the
// server's view API, rewritten small, run with PouchDB 9's http adapter against settee-server. Where PouchDB accepts
// several answers (a 400 or a 500, say) the case asserts the one CouchDB 3.4 gives, and says so.
import { describe, expect, it } from 'vitest';
import { failure, PouchDB, usePouchServer, type Loose } from './pouchdb-harness.js';
import { request } from './start.js';

const h = usePouchServer('views');
const { remoteUrl, freshDb } = h;

/** Saves one view as `_design/theViewDoc` (PouchDB's `createView` for http) and returns its query name. */
async function createView(db: Loose, map: string, reduce?: string): Promise<string> {
  await db.put({ _id: '_design/theViewDoc', views: { theView: reduce === undefined ? { map } : { map, reduce } } });
  return 'theViewDoc/theView';
}

const ids = (res: Loose): string[] => res.rows.map((row: Loose) => row.id);
const keys = (res: Loose): unknown[] => res.rows.map((row: Loose) => row.key);
const values = (res: Loose): unknown[] => res.rows.map((row: Loose) => row.value);

describe('test.mapreduce.js: map views (http)', () => {
  it('deleted docs leave the view; rows carry id, key, value, and doc with include_docs', async () => {
    for (const map of ['function (doc) { emit(doc.foo, doc); }', 'function (doc) { emit(doc.foo); }']) {
      const db = freshDb();
      const view = await createView(db, map);
      await db.bulkDocs([{ foo: 'bar' }, { _id: 'volatile', foo: 'baz' }]);
      await db.remove(await db.get('volatile'));
      const res = await db.query(view, { include_docs: true, reduce: false });
      expect(res.total_rows).toBe(1);
      expect(res.rows).toHaveLength(1);
      const [row] = res.rows;
      expect(row).toMatchObject({ id: row.doc._id, key: 'bar' });
      expect(row.doc._rev).toBeTruthy();
      expect(map.includes('emit(doc.foo, doc)') ? row.value._rev : row.value).toBe(map.includes('emit(doc.foo, doc)') ? row.doc._rev : null);
    }
  });

  it('startkey, endkey and their start_key/end_key spellings are inclusive (#4154)', async () => {
    const db = freshDb();
    const view = await createView(db, 'function (doc) { emit(doc.key, doc); }');
    await db.bulkDocs(['key1', 'key2', 'key3', 'key4', 'key5'].map((key) => ({ key })));
    for (const [start, end] of [['startkey', 'endkey'], ['start_key', 'end_key']] as const) {
      expect((await db.query(view, { reduce: false, [start]: 'key2' })).rows).toHaveLength(4);
      expect((await db.query(view, { reduce: false, [end]: 'key3' })).rows).toHaveLength(3);
      expect((await db.query(view, { reduce: false, [start]: 'key2', [end]: 'key3' })).rows).toHaveLength(2);
      expect((await db.query(view, { reduce: false, [start]: 'key4', [end]: 'key4' })).rows).toHaveLength(1);
    }
  });

  it('inclusive_end=false, ascending and descending; key matches every row of that key', async () => {
    const db = freshDb();
    const view = await createView(db, 'function (doc) { emit(doc.key, doc); }');
    await db.bulkDocs(['key1', 'key2', 'key3', 'key4', 'key4', 'key5'].map((key) => ({ key })));
    expect(keys(await db.query(view, { reduce: false, endkey: 'key4', inclusive_end: false }))).toEqual(['key1', 'key2', 'key3']);
    expect(keys(await db.query(view, { startkey: 'key3', endkey: 'key4', inclusive_end: false }))).toEqual(['key3']);
    const down = await db.query(view, { startkey: 'key4', endkey: 'key1', descending: true, inclusive_end: false });
    expect(keys(down)).toEqual(['key4', 'key4', 'key3', 'key2']);
    expect((await db.query(view, { key: 'key2' })).rows).toHaveLength(1);
    expect((await db.query(view, { key: 'key4' })).rows).toHaveLength(2);
  });

  it('collation: null, booleans, numbers, strings, arrays, objects; ties ordered by doc id; descending reverses', async () => {
    const ordered: unknown[] = [
      null, false, true, 1, 2, 3.0, 4, 'a', 'aa', 'b', 'ba', 'bb',
      ['a'], ['b'], ['b', 'c'], ['b', 'c', 'a'], ['b', 'd'], ['b', 'd', 'e'],
      { a: 1 }, { a: 2 }, { b: 1 }, { b: 2 }, { b: 2, a: 1 }, { b: 2, c: 2 },
    ];
    const db = freshDb();
    const view = await createView(db, 'function (doc) { emit(doc.foo); }');
    // Ids are written in reverse so the order can only come from the keys.
    await db.bulkDocs(ordered.map((foo, i) => ({ _id: String(100 + ordered.length - i), foo })).reverse());
    const up = await db.query(view);
    expect(keys(up).map((k) => JSON.stringify(k))).toEqual(ordered.map((k) => JSON.stringify(k)));
    const down = await db.query(view, { descending: true });
    expect(keys(down).map((k) => JSON.stringify(k))).toEqual([...ordered].reverse().map((k) => JSON.stringify(k)));

    const two = freshDb();
    await two.bulkDocs([{ _id: '1' }, { _id: '2' }]);
    const emits = ordered.map((k) => `emit(${JSON.stringify(k)});`).reverse().join(' ');
    const all = await two.query(await createView(two, `function () { ${emits} }`));
    expect(all.rows.map((r: Loose) => [r.id, JSON.stringify(r.key), r.value])).toEqual(
      ordered.flatMap((k) => [['1', JSON.stringify(k), null], ['2', JSON.stringify(k), null]]),
    );
  });

  it('duplicates and near-duplicates: same object twice, undefined next to null, different objects', async () => {
    const cases: [string, unknown[][]][] = [
      ["emit({ a: 'a' }, { b: 'b' }); emit({ a: 'a' }, { b: 'b' });", [['1', { a: 'a' }, { b: 'b' }], ['1', { a: 'a' }, { b: 'b' }], ['2', { a: 'a' }, { b: 'b' }], ['2', { a: 'a' }, { b: 'b' }]]],
      ['emit(); emit(null);', [['1', null, null], ['1', null, null], ['2', null, null], ['2', null, null]]],
      ['emit(true); emit(false);', [['1', false, null], ['2', false, null], ['1', true, null], ['2', true, null]]],
      ["emit({ a: 'b', b: 'c' }, 1); emit({ a: 'a' }, 2);", [['1', { a: 'a' }, 2], ['2', { a: 'a' }, 2], ['1', { a: 'b', b: 'c' }, 1], ['2', { a: 'b', b: 'c' }, 1]]],
      ["emit({ a: 'a', b: 'b' }); emit({ a: 'a' });", [['1', { a: 'a' }, null], ['2', { a: 'a' }, null], ['1', { a: 'a', b: 'b' }, null], ['2', { a: 'a', b: 'b' }, null]]],
      ["emit({ b: 'b' }); emit({ a: 'a' });", [['1', { a: 'a' }, null], ['2', { a: 'a' }, null], ['1', { b: 'b' }, null], ['2', { b: 'b' }, null]]],
    ];
    for (const [body, expected] of cases) {
      const db = freshDb();
      await db.bulkDocs([{ _id: '1' }, { _id: '2' }]);
      const res = await db.query(await createView(db, `function () { ${body} }`));
      expect(res.rows.map((r: Loose) => [r.id, r.key, r.value])).toEqual(expected);
    }
  });

  it('include_docs follows an emitted {_id} to the linked doc (joins); a missing linked doc is null', async () => {
    const db = freshDb();
    const view = await createView(db, 'function (doc) { if (doc.join) { emit(doc.color, { _id: doc.join }); } }');
    await db.bulkDocs([
      { _id: 'a', join: 'b', color: 'green' },
      { _id: 'b', val: 'c' },
      { _id: 'd', join: 'f', color: 'red' },
    ]);
    const res = await db.query(view, { include_docs: true });
    expect(res.rows.map((r: Loose) => [r.key, r.id, r.doc?._id ?? null, r.doc?.val ?? null])).toEqual([
      ['green', 'a', 'b', 'c'],
      ['red', 'd', null, null],
    ]);
    expect(res.rows[1].doc).toBeNull();
  });

  it('include_docs with attachments=true inlines data; attachments alone adds no doc (#190)', async () => {
    const db = freshDb();
    await db.bulkDocs([0, 1, 2].map((i) => ({ _id: String(i), _attachments: { 'a.txt': { content_type: 'text/plain', data: Buffer.from(`file ${i}`).toString('base64') } } })));
    const view = await createView(db, 'function (doc) { emit(doc._id); }');
    const inlined = await db.query(view, { include_docs: true, attachments: true });
    expect(inlined.rows.map((r: Loose) => r.doc._attachments['a.txt'].data)).toEqual(
      [0, 1, 2].map((i) => Buffer.from(`file ${i}`).toString('base64')),
    );
    const stubs = await db.query(view, { include_docs: true });
    expect(stubs.rows[0].doc._attachments['a.txt']).toMatchObject({ stub: true, length: 6, content_type: 'text/plain' });
    const bare = await db.query(view, { attachments: true });
    expect(bare.rows.every((r: Loose) => r.doc === undefined)).toBe(true);
  });

  it('a doc named constructor, updated then deleted (#244); no _doc_id_rev leaks', async () => {
    const db = freshDb();
    const view = await createView(db, 'function (doc) { if (doc._id !== "_design/theViewDoc") emit(doc._id); }');
    let [{ rev }] = await db.bulkDocs([{ _id: 'constructor' }]);
    expect((await db.query(view, { include_docs: true })).rows).toEqual([
      { id: 'constructor', key: 'constructor', value: null, doc: { _id: 'constructor', _rev: rev } },
    ]);
    [{ rev }] = await db.bulkDocs([{ _id: 'constructor', _rev: rev }]);
    expect((await db.query(view, { include_docs: true })).rows[0].doc).toEqual({ _id: 'constructor', _rev: rev });
    await db.bulkDocs([{ _id: 'constructor', _rev: rev, _deleted: true }]);
    expect((await db.query(view, { include_docs: true })).rows).toEqual([]);
  });

  it('skip reports its offset; empty, null, zero, NaN and infinite keys (0/null/undefined/empty string)', async () => {
    const db = freshDb();
    const view = await createView(db, 'function (doc) { if (doc._id[0] !== "_") emit(doc.num); }');
    await db.bulkDocs([
      { _id: '0', num: 0 }, { _id: '1', num: 1 }, { _id: 'undef' }, { _id: 'null', num: null },
      { _id: 'empty', num: '' }, { _id: 'nan', num: NaN }, { _id: 'inf', num: Infinity }, { _id: 'neginf', num: -Infinity },
    ]);
    const skipped = await db.query(view, { skip: 1 });
    expect(skipped).toMatchObject({ offset: 1, total_rows: 8 });
    expect(skipped.rows).toHaveLength(7);
    expect(ids(await db.query(view, { key: 0 }))).toEqual(['0']);
    expect(ids(await db.query(view, { key: '' }))).toEqual(['empty']);
    expect((await db.query(view, { key: undefined })).rows).toHaveLength(8);
    // JSON has no NaN or Infinity: they are stored, emitted and asked for as null.
    for (const key of [null, NaN, Infinity, -Infinity]) {
      expect(ids(await db.query(view, { key }))).toEqual(['inf', 'nan', 'neginf', 'null', 'undef']);
    }
  });

  it('keys: request order, holes for unknown keys, duplicates repeated, complex keys, skip and limit (#8370)', async () => {
    const db = freshDb();
    const view = await createView(db, 'function (doc) { if (doc._id[0] !== "_") emit(doc.field); }');
    await db.bulkDocs([
      { _id: 'doc_0', field: 0 }, { _id: 'doc_1', field: 1 }, { _id: 'doc_2', field: 2 }, { _id: 'doc_empty', field: '' },
      { _id: 'doc_null', field: null }, { _id: 'doc_undefined' }, { _id: 'doc_foo', field: 'foo' },
    ]);
    const docIds = async (opts: Loose) => (await db.query(view, { include_docs: true, ...opts })).rows.map((r: Loose) => r.doc._id);
    expect(await docIds({})).toHaveLength(7);
    expect(await docIds({ keys: [] })).toEqual([]);
    expect(await docIds({ keys: [0] })).toEqual(['doc_0']);
    expect(await docIds({ keys: [2, 'foo', 1, 0, null, ''] })).toEqual(['doc_2', 'doc_foo', 'doc_1', 'doc_0', 'doc_null', 'doc_undefined', 'doc_empty']);
    expect(await docIds({ keys: [3, 1, 4, 2] })).toEqual(['doc_1', 'doc_2']);
    expect(await docIds({ keys: [2, 1, 2, 0, 2, 1] })).toEqual(['doc_2', 'doc_1', 'doc_2', 'doc_0', 'doc_2', 'doc_1']);
    expect(await docIds({ keys: [2, 1, 2, 3, 2] })).toEqual(['doc_2', 'doc_1', 'doc_2', 'doc_2']);
    expect(await docIds({ keys: [1, 0, 'foo', 2], limit: 2 })).toEqual(['doc_1', 'doc_0']);
    expect(await docIds({ keys: [1, 0, 'foo', 2], skip: 2 })).toEqual(['doc_foo', 'doc_2']);
    const plain = await db.query(view, { keys: [3, 2] });
    expect(plain.rows).toEqual([{ id: 'doc_2', key: 2, value: null }]);
    expect(plain.total_rows).toBe(7);

    const complex = freshDb();
    const byFoo = await createView(complex, 'function (doc) { emit(doc.foo, doc.foo); }');
    await complex.bulkDocs([{ foo: { key2: 'value2' } }, { foo: { key1: 'value1' } }, { foo: [0, 0] }, { foo: ['test', 1] }, { foo: [0, false] }]);
    const asked = [{ key: 'missing' }, ['test', 1], { key1: 'value1' }, ['missing'], [0, 0]];
    expect(values(await complex.query(byFoo, { keys: asked }))).toEqual([['test', 1], { key1: 'value1' }, [0, 0]]);
  });

  it('keys with several rows per key and several emits per doc: rows of a key sorted by doc id then value', async () => {
    const db = freshDb();
    const view = await createView(db, 'function (doc) { emit(doc.field1); emit(doc.field2); }');
    await db.bulkDocs([
      { _id: '0', field1: 0 }, { _id: '1a', field1: 1 }, { _id: '1b', field1: 1 }, { _id: '1c', field1: 1 },
      { _id: '2+3', field1: 2, field2: 3 }, { _id: '4+5', field1: 4, field2: 5 }, { _id: '3+5', field1: 3, field2: 5 }, { _id: '3+4', field1: 3, field2: 4 },
    ]);
    expect(ids(await db.query(view, { keys: [0, 1, 2] }))).toEqual(['0', '1a', '1b', '1c', '2+3']);
    expect(ids(await db.query(view, { keys: [3, 5, 4, 3] }))).toEqual(['2+3', '3+4', '3+5', '3+5', '4+5', '3+4', '4+5', '2+3', '3+4', '3+5']);

    const multi = freshDb();
    const five = await createView(multi, "function (doc) { emit(doc.foo); emit(doc.bar); emit(doc.foo); emit(doc.bar, 'multiple values!'); emit(doc.bar, 'crayon!'); }");
    await multi.bulkDocs([{ _id: 'doc1', foo: 'foo', bar: 'bar' }, { _id: 'doc2', foo: 'foo', bar: 'bar' }]);
    const res = await multi.query(five, { keys: ['foo', 'bar'] });
    expect(res.rows.map((r: Loose) => [r.key, r.id, r.value])).toEqual([
      ['foo', 'doc1', null], ['foo', 'doc1', null], ['foo', 'doc2', null], ['foo', 'doc2', null],
      ['bar', 'doc1', null], ['bar', 'doc1', 'crayon!'], ['bar', 'doc1', 'multiple values!'],
      ['bar', 'doc2', null], ['bar', 'doc2', 'crayon!'], ['bar', 'doc2', 'multiple values!'],
    ]);
    const complex = freshDb();
    const byArray = await createView(complex, "function () { emit(['a'], 1); emit(['b'], 3); emit(['a'], 2); }");
    await complex.put({ _id: 'doc1' });
    expect((await complex.query(byArray)).rows.map((r: Loose) => [r.key, r.value])).toEqual([[['a'], 1], [['a'], 2], [['b'], 3]]);
  });

  it('empty and null start/end keys; ordering by key then id; dates emitted as strings', async () => {
    const db = freshDb();
    const view = await createView(db, 'function (doc) { if (doc._id[0] !== "_") emit(doc.field, null); }');
    await db.bulkDocs([{ _id: 'doc_empty', field: '' }, { _id: 'doc_null', field: null }, { _id: 'doc_undefined' }, { _id: 'doc_foo', field: 'foo' }]);
    expect(ids(await db.query(view, { startkey: null, endkey: '' }))).toEqual(['doc_null', 'doc_undefined', 'doc_empty']);
    expect(ids(await db.query(view, { startkey: '', endkey: 'foo' }))).toEqual(['doc_empty', 'doc_foo']);
    expect(ids(await db.query(view, { startkey: null, endkey: null }))).toEqual(['doc_null', 'doc_undefined']);
    expect(ids(await db.query(view, { startkey: null, endkey: null, descending: true }))).toEqual(['doc_undefined', 'doc_null']);

    const order = freshDb();
    const byField = await createView(order, 'function (doc) { emit(doc.field, null); }');
    await order.bulkDocs([['h', '4'], ['a', '1'], ['e', '2'], ['c', '1'], ['f', '3'], ['g', '4'], ['d', '2'], ['b', '1']].map(([_id, field]) => ({ _id, field })));
    expect(ids(await order.query(byField, { startkey: '1', endkey: '4' }))).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    expect(ids(await order.query(byField, { key: '1' }))).toEqual(['a', 'b', 'c']);
    expect(ids(await order.query(byField, { key: '2', descending: true }))).toEqual(['e', 'd']);

    const dates = freshDb();
    const byDate = await createView(dates, 'function (doc) { emit(doc.date, null); }');
    await dates.bulkDocs([
      { _id: '1969', date: '1969 was when Space Oddity hit' },
      { _id: '1971', date: new Date('1971-12-17T00:00:00.000Z') },
      { _id: '1972', date: '1972 was when Ziggy landed on Earth' },
      { _id: '1977', date: new Date('1977-01-14T00:00:00.000Z') },
      { _id: '1985', date: '1985+ is better left unmentioned' },
    ]);
    expect(ids(await dates.query(byDate))).toEqual(['1969', '1971', '1972', '1977', '1985']);
  });

  it('a variety of ranges over a view with deleted docs; total_rows stays the view size', async () => {
    const db = freshDb();
    await db.put({ _id: '_design/test', views: { test: { map: 'function (doc) { emit(doc._id); }' } } });
    const written = await db.bulkDocs([...Array(10).keys()].map((i) => ({ _id: String(i) })));
    await db.remove('3', written[3].rev);
    await db.remove('7', written[7].rev);
    const cases: [Loose, number][] = [
      [{}, 8], // CouchDB leaves design docs out of views (couch_mrview_updater skips _design/ ids)
      [{ startkey: '5' }, 4],
      [{ startkey: '5', skip: 2, limit: 10 }, 2],
      [{ startkey: '5', descending: true, skip: 1 }, 4],
      [{ startkey: '5', endkey: 'z' }, 4],
      [{ startkey: '5', endkey: '5' }, 1],
      [{ startkey: '5', endkey: '4', descending: true }, 2],
      [{ startkey: '3', endkey: '7', descending: false }, 3],
      [{ startkey: '7', endkey: '3', descending: true }, 3],
      [{ startkey: '', endkey: '0' }, 1],
      [{ keys: ['0', '1', '3'] }, 2],
      [{ keys: ['0', '1', '0', '2', '1', '1'] }, 6],
      [{ keys: [] }, 0],
      [{ keys: ['7'] }, 0],
      [{ key: '3' }, 0],
      [{ key: '2' }, 1],
      [{ key: 'z' }, 0],
    ];
    for (const [opts, count] of cases) {
      const res = await db.query('test', opts);
      expect({ opts, count: res.rows.length, total: res.total_rows }).toEqual({ opts, count, total: 8 });
    }
    const reversed = await failure(db.query('test', { startkey: '5', endkey: '4' }));
    expect(reversed).toMatchObject({ status: 400, name: 'query_parse_error' });
    expect(reversed.message).toBe(
      'No rows can match your key range, reverse your start_key and end_key or set descending=true',
    );
  });

  it('skip and limit over several rows per key and value', async () => {
    const db = freshDb();
    const view = await createView(db, "function (doc) { if (doc.foo) { emit(doc.foo, 'fooValue'); emit(doc.foo); emit(doc.bar); emit(doc.bar, 'crayon!'); emit(doc.bar, 'multiple values!'); emit(doc.bar, 'crayon!'); } }");
    await db.bulkDocs([{ _id: 'doc1', foo: 'foo', bar: 'bar' }, { _id: 'doc2', foo: 'foo', bar: 'bar' }]);
    const all = await db.query(view);
    expect(all.total_rows).toBe(12);
    expect(values(all)).toEqual([null, 'crayon!', 'crayon!', 'multiple values!', null, 'crayon!', 'crayon!', 'multiple values!', null, 'fooValue', null, 'fooValue']);
    expect(ids(all)).toEqual(['doc1', 'doc1', 'doc1', 'doc1', 'doc2', 'doc2', 'doc2', 'doc2', 'doc1', 'doc1', 'doc2', 'doc2']);
    const count = async (opts: Loose) => (await db.query(view, opts)).rows.length;
    expect(await count({ startkey: 'foo' })).toBe(4);
    expect(await count({ startkey: 'foo', endkey: 'foo' })).toBe(4);
    expect(await count({ startkey: 'bar', endkey: 'bar' })).toBe(8);
    expect(await count({ startkey: 'foo', limit: 2 })).toBe(2);
    expect(await count({ startkey: 'foo', limit: 1000 })).toBe(4);
    expect(await count({ startkey: 'foo', skip: 1 })).toBe(3);
    expect(await count({ startkey: 'foo', skip: 3, limit: 0 })).toBe(0);
    expect(await count({ startkey: 'quux', skip: 3, limit: 1 })).toBe(0);
    const one = await db.query(view, { startkey: 'foo', skip: 3, limit: 1 });
    expect(one.rows).toEqual([{ id: 'doc2', key: 'foo', value: 'fooValue' }]);
    expect(one).toMatchObject({ total_rows: 12, offset: 11 });
  });

  it('no docs, no emits, emit() without arguments, a trailing semicolon after the map (#178)', async () => {
    const db = freshDb();
    expect(await db.query(await createView(db, 'function () { emit(); }'))).toEqual({ total_rows: 0, offset: 0, rows: [] });
    await db.bulkDocs([{ _id: 'doc1' }, { _id: 'doc2' }]);
    const res = await db.query('theViewDoc/theView');
    expect(res.total_rows).toBe(2);
    expect(res.rows).toEqual([
      { id: 'doc1', key: null, value: null },
      { id: 'doc2', key: null, value: null },
    ]);
    const silent = freshDb();
    await silent.bulkDocs([{ _id: 'foo' }, { _id: 'bar' }]);
    expect(await silent.query(await createView(silent, 'function (doc) {};\n'))).toEqual({ total_rows: 0, offset: 0, rows: [] });
  });
});

describe('test.mapreduce.js: reduce views (http)', () => {
  it('built-in _sum, _count and _stats per group; _sum over lists of numbers; a trailing suffix after the name (#6364)', async () => {
    const db = freshDb();
    const docs = [{ val: 'bar' }, { val: 'bar' }, { val: 'baz' }];
    await db.bulkDocs(docs);
    await db.put({
      _id: '_design/r',
      views: {
        sum: { map: 'function (doc) { if (doc.val) emit(doc.val, 1); }', reduce: '_sum' },
        count: { map: 'function (doc) { if (doc.val) emit(doc.val, doc.val); }', reduce: '_count' },
        stats: { map: 'function (doc) { if (doc.val) emit(doc.val, 1); }', reduce: '_stats' },
        garbage: { map: 'function (doc) { if (doc.val) emit(doc.val, 1); }', reduce: '_sum\n \r\nandothergarbage' },
      },
    });
    expect(values(await db.query('r/sum', { reduce: true, group_level: 999 }))).toEqual([2, 1]);
    expect(values(await db.query('r/count', { reduce: true, group_level: 999 }))).toEqual([2, 1]);
    expect((await db.query('r/stats', { reduce: true, group_level: 999 })).rows[0].value).toEqual({ sum: 2, count: 2, min: 1, max: 1, sumsqr: 2 });
    expect(values(await db.query('r/garbage', { group_level: 999 }))).toEqual([2, 1]);

    const lists = freshDb();
    const view = await createView(lists, 'function (doc) { if (doc.val) emit(null, doc.val); }', '_sum');
    await lists.bulkDocs([{ _id: '1', val: 2 }, { _id: '2', val: [1, 2, 3, 4] }, { _id: '3', val: [3, 4] }, { _id: '4', val: 1 }]);
    expect(await lists.query(view, { reduce: true, group: true })).toEqual({ rows: [{ key: null, value: [7, 6, 3, 4] }] });
  });

  // CouchDB 3.4 answers such a query 200 with the error as the reduced value (couchdb-reference/views.json,
  // "sum_strings"); PouchDB's http adapter turns a builtin_reduce_error row into a rejection. An unknown built-in is
  // refused when the design doc is saved (couch_mrview:validate).
  it('built-in reduces reduce what they cannot to an error value, which PouchDB rejects; an unknown _name is refused at save', async () => {
    const cases: [string, string, unknown[], string, unknown][] = [
      ['function (doc) { if (doc.val) emit(doc.val, "lala"); }', '_stats', ['bar', 'bar', 'baz'], 'The _stats function requires that map values be numbers or arrays of numbers, not \'"lala"\'', 'lala'],
      ['function (doc) { if (doc.val) emit(null, doc.val); }', '_sum', [1, 2, 'baz'], 'The _sum function requires', 'baz'],
      ['function (doc) { if (doc.val) emit(null, doc.val); }', '_sum', [[1, 2, 3], 2, ['baz']], 'The _sum function requires', ['baz']],
    ];
    for (const [map, reduce, vals, reason, causedBy] of cases) {
      const db = freshDb();
      const view = await createView(db, map, reduce);
      await db.bulkDocs(vals.map((val) => ({ val })));
      await failure(db.query(view, { reduce: true, group: true }));
      const raw = await request(h.server, `/${db.name.split('/').pop()}/_design/theViewDoc/_view/theView?group=true`);
      expect(raw.status).toBe(200);
      const [row] = ((await raw.json()) as Loose).rows;
      expect(row.value).toMatchObject({ error: 'builtin_reduce_error', caused_by: causedBy });
      expect(row.value.reason).toContain(reason);
    }
    const db = freshDb();
    const unknown = await failure(createView(db, 'function (doc) { emit(null, doc.val); }', '_product'));
    expect(unknown).toMatchObject({ status: 400, name: 'invalid_design_doc', message: '`_product` is not a supported reduce function.' });
  });

  it('group_level over array keys, as a number or a string; invalid group_level, limit and skip are 400', async () => {
    const db = freshDb();
    const view = await createView(db, 'function (doc) { if (doc.foo) emit(doc.foo); }', '_count');
    await db.bulkDocs([['foo', 'bar'], ['foo', 'bar'], ['foo', 'bar', 'baz'], ['baz'], ['baz', 'bar']].map((foo) => ({ foo })));
    const one = await db.query(view, { group_level: 1, reduce: true });
    expect(one.rows).toEqual([{ key: ['baz'], value: 2 }, { key: ['foo'], value: 3 }]);
    for (const level of [999, '999']) {
      const exact = await db.query(view, { group_level: level, reduce: true });
      expect(exact.rows).toHaveLength(4);
      expect(exact.rows[2]).toEqual({ key: ['foo', 'bar'], value: 2 });
    }
    expect((await db.query(view, { group_level: 0, reduce: true })).rows).toEqual([{ key: null, value: 5 }]);
    for (const opts of [{ group_level: -1 }, { group_level: 'exact' }, { limit: -1, group: true }, { limit: '1a', group: true }, { skip: -1, group: true }, { skip: '1a', group: true }]) {
      const err = await failure(db.query(view, { reduce: true, ...opts }));
      expect({ opts, status: err.status, name: err.name }).toEqual({ opts, status: 400, name: 'query_parse_error' });
    }
  });

  it('limit and skip over groups, as numbers or strings', async () => {
    const db = freshDb();
    const view = await createView(db, 'function (doc) { if (doc.foo) emit(doc.foo); }', '_count');
    await db.bulkDocs([{ foo: 'bar' }, { foo: 'bar' }, { foo: 'baz' }]);
    for (const n of [1, '1']) {
      expect((await db.query(view, { limit: n, group: true, reduce: true })).rows).toEqual([{ key: 'bar', value: 2 }]);
      expect((await db.query(view, { skip: n, group: true, reduce: true })).rows).toEqual([{ key: 'baz', value: 1 }]);
    }
  });

  it('reduced and unreduced answers: only key and value when reduced; include_docs on a reduce is a 400', async () => {
    const db = freshDb();
    const view = await createView(db, 'function (doc) { if (doc.name) emit(doc.name); }', '_count');
    await db.bulkDocs([['foo', '1'], ['bar', '2'], ['foo', '3'], ['quux', '4'], ['foo', '5'], ['foo', '6'], ['foo', '7']].map(([name, _id]) => ({ name, _id })));
    expect(await db.query(view)).toEqual({ rows: [{ key: null, value: 7 }] });
    expect(await db.query(view, { group: true })).toEqual({ rows: [{ key: 'bar', value: 1 }, { key: 'foo', value: 5 }, { key: 'quux', value: 1 }] });
    const plain = await db.query(view, { reduce: false });
    expect(Object.keys(plain.rows[0]).sort()).toEqual(['id', 'key', 'value']);
    expect(plain).toMatchObject({ total_rows: 7, offset: 0 });
    expect(keys(plain)).toEqual(['bar', 'foo', 'foo', 'foo', 'foo', 'foo', 'quux']);
    const skipped = await db.query(view, { reduce: false, skip: 3 });
    expect(skipped).toMatchObject({ total_rows: 7, offset: 3 });
    expect(keys(skipped)).toEqual(['foo', 'foo', 'foo', 'quux']);
    const withDocs = await db.query(view, { reduce: false, include_docs: true });
    expect(Object.keys(withDocs.rows[0]).sort()).toEqual(['doc', 'id', 'key', 'value']);
    expect(withDocs.rows.map((r: Loose) => r.doc._id)).toEqual(['2', '1', '3', '5', '6', '7', '4']);
    const err = await failure(db.query(view, { include_docs: true }));
    expect(err).toMatchObject({ status: 400, name: 'query_parse_error', message: '`include_docs` is invalid for reduce' });
  });

  it('keys on a reduce view need group=true (or reduce=false)', async () => {
    const db = freshDb();
    const view = await createView(db, 'function (doc) { emit(doc._id); }', '_count');
    await db.bulkDocs([{ _id: '1' }, { _id: '2' }]);
    for (const opts of [{ keys: ['1', '2'], group: false }, { keys: ['1', '2'] }]) {
      const err = await failure(db.query(view, opts));
      expect(err).toMatchObject({ status: 400, name: 'query_parse_error', message: 'Multi-key fetches for reduce views must use `group=true`' });
    }
    expect((await db.query(view, { keys: ['1', '2'], reduce: false })).rows).toHaveLength(2);
    expect((await db.query(view, { keys: ['2', '1'], group: true })).rows).toEqual([{ key: '2', value: 1 }, { key: '1', value: 1 }]);
  });

  it('custom JavaScript reduces with rereduce and sum(): groups, ranges, keys, limit 0, a reduce returning 0', async () => {
    const db = freshDb();
    const reduce = `function (keys, values, rereduce) {
      if (!rereduce) { var s = sum(values); return { sum: s, count: values.length, average: s / values.length }; }
      var total = sum(values.map(function (v) { return v.sum; }));
      var n = sum(values.map(function (v) { return v.count; }));
      return { sum: total, count: n, average: total / n };
    }`;
    const view = await createView(db, 'function (doc) { if (doc.name) emit(doc.name, doc.count); }', reduce);
    await db.bulkDocs([['foo', 1], ['bar', 7], ['foo', 3], ['quux', 3], ['foo', 3], ['foo', 0], ['foo', 4], ['baz', 3], ['baz', 0], ['baz', 2]].map(([name, count]) => ({ name, count })));
    const bar = { key: 'bar', value: { sum: 7, count: 1, average: 7 } };
    const baz = { key: 'baz', value: { sum: 5, count: 3, average: 5 / 3 } };
    const foo = { key: 'foo', value: { sum: 11, count: 5, average: 11 / 5 } };
    const quux = { key: 'quux', value: { sum: 3, count: 1, average: 3 } };
    const rows = async (opts: Loose) => (await db.query(view, opts)).rows;
    expect(await rows({ group: true })).toEqual([bar, baz, foo, quux]);
    expect(await rows({ group: false })).toEqual([{ key: null, value: { sum: 26, count: 10, average: 2.6 } }]);
    expect(await rows({ group: true, startkey: 'bar', endkey: 'baz', skip: 1 })).toEqual([baz]);
    expect(await rows({ group: true, endkey: 'baz' })).toEqual([bar, baz]);
    expect(await rows({ group: true, startkey: 'foo' })).toEqual([foo, quux]);
    expect(await rows({ group: true, startkey: 'foo', descending: true })).toEqual([foo, baz, bar]);
    expect(await rows({ group: true, startkey: 'quux', skip: 1 })).toEqual([]);
    expect(await rows({ group: true, startkey: 'quux', limit: 0 })).toEqual([]);
    expect(await rows({ group: true, keys: ['bar', 'baz'], limit: 1 })).toEqual([bar]);
    expect(await rows({ group: true, keys: ['bar', 'baz'], limit: 0 })).toEqual([]);
    expect(await rows({ group: true, key: 'bar', limit: 0 })).toEqual([]);
    expect(await rows({ group: true, key: 'bar' })).toEqual([bar]);
    expect(await rows({ group: true, key: 'zork' })).toEqual([]);
    expect(await rows({ group: true, keys: [] })).toEqual([]);
    expect(await rows({ group: true, key: null })).toEqual([]);

    const zero = freshDb();
    const zeroView = await createView(zero, 'function (doc) { emit(doc.foo); }', 'function () { return 0; }');
    await zero.put({ _id: 'a', foo: 'bar' });
    expect((await zero.query(zeroView)).rows).toEqual([{ key: null, value: 0 }]);
  });

  it('a map that throws skips that doc (#214); a reduce returning undefined gives null', async () => {
    const db = freshDb();
    const view = await createView(db, 'function (doc) { emit(doc.foo.bar, doc); }');
    await db.bulkDocs([{ foo: { bar: 'foobar' } }, { notfoo: 'thisWillThrow' }, { foo: { bar: 'otherFoobar' } }]);
    expect(keys(await db.query(view))).toEqual(['foobar', 'otherFoobar']);
    expect((await db.query(view)).rows).toHaveLength(2);

    const undef = freshDb();
    const undefView = await createView(undef, 'function (doc) { emit(doc.name); }', 'function () {}');
    await undef.put({ _id: '1', name: 'bar' });
    expect((await undef.query(undefView, { group: true })).rows).toEqual([{ key: 'bar', value: null }]);
    expect(keys(await undef.query(undefView, { reduce: false }))).toEqual(['bar']);
  });
});

describe('test.mapreduce.js: revisions, conflicts, update_seq, staleness (http)', () => {
  it('the view maps the winning revision only (#238), also when a later branch loses or is deleted', async () => {
    const db = freshDb();
    const view = await createView(db, 'function (doc) { emit(doc.name); }');
    const put = (docs: Loose[]) => db.bulkDocs(docs, { new_edits: false });
    await put([{ _id: 'doc', name: 'zoot', _rev: '2-x', _revisions: { start: 2, ids: ['x', 'y'] } }]);
    expect(keys(await db.query(view))).toEqual(['zoot']);
    await put([{ _id: 'doc', name: 'suit', _rev: '2-w', _revisions: { start: 2, ids: ['w', 'y'] } }]);
    expect(keys(await db.query(view))).toEqual(['zoot']);
    await put([{ _id: 'doc', name: 'gone', _deleted: true, _rev: '2-z', _revisions: { start: 2, ids: ['z', 'y'] } }]);
    expect(keys(await db.query(view))).toEqual(['zoot']);
    await put([{ _id: 'doc', name: 'zorb', _rev: '2-zz', _revisions: { start: 2, ids: ['zz', 'y'] } }]);
    expect((await db.query(view)).rows).toEqual([{ id: 'doc', key: 'zorb', value: null }]);
  });

  it('the map sees _conflicts; include_docs with conflicts=true lists them on the doc', async () => {
    const db = freshDb();
    await db.put({ _id: '_design/test', views: { test: { map: 'function (doc) { if (doc._conflicts) { emit(doc._conflicts, null); } }' } } });
    await db.bulkDocs([{ _id: '1', foo: 'bar', _rev: '1-a' }, { _id: '1', foo: 'baz', _rev: '1-b' }], { new_edits: false });
    const res = await db.query('test', { include_docs: true, conflicts: true });
    expect(res.rows).toHaveLength(1);
    expect(res.rows[0].key).toEqual(['1-a']);
    expect(res.rows[0].doc._conflicts).toEqual(['1-a']);
    expect((await db.query('test', { include_docs: true })).rows[0].doc).not.toHaveProperty('_conflicts');
  });

  it('many edits, deletions and undeletions: each doc ends with its last emit', async () => {
    const db = freshDb();
    const view = await createView(db, 'function (doc) { if (doc.name) emit(doc.name, doc.likes); }');
    let docs: Loose[] = [...Array(30).keys()].map((i) => ({ _id: `z-${1000 + i}`, name: `soldier ${i}` }));
    const edits: ((doc: Loose) => void)[] = [
      (d) => { d.likes = 'pizza'; }, (d) => { d._deleted = true; }, (d) => { d._deleted = false; },
      (d) => { d.name = 'nameless'; }, (d) => { d._deleted = true; }, (d) => { d.likes = 'turtles'; }, (d) => { d._deleted = false; },
    ];
    let res = await db.bulkDocs(docs);
    for (const edit of edits) {
      docs = docs.map((doc, i) => ({ ...doc, _rev: res[i].rev }));
      docs.forEach(edit);
      res = await db.bulkDocs(docs);
    }
    const final = await db.query(view);
    expect(final.total_rows).toBe(30);
    expect(final.rows.map((r: Loose) => [r.id, r.key, r.value])).toEqual(docs.map((d) => [d._id, 'nameless', 'turtles']));
  });

  it('removes, undeletes and updates show at once in the next query', async () => {
    const db = freshDb();
    const view = await createView(db, 'function (doc) { if (doc.name) emit(doc.name); }');
    let { rev } = await db.put({ _id: '1', name: 'bar' });
    expect(keys(await db.query(view))).toEqual(['bar']);
    ({ rev } = await db.put({ _id: '1', _rev: rev, name: 'bar', _deleted: true }));
    expect(keys(await db.query(view))).toEqual([]);
    ({ rev } = await db.put({ _id: '1', name: 'bar' }));
    expect(keys(await db.query(view))).toEqual(['bar']);
    ({ rev } = await db.put({ _id: '1', _rev: rev, name: 'foo' }));
    expect(keys(await db.query(view))).toEqual(['foo']);
  });

  it('update_seq only on request (#6230); a POST of keys (#8370 "should work with post")', async () => {
    const db = freshDb();
    await db.bulkDocs([0, 1, 2, 3].map((i) => ({ _id: String(i), name: 'foo' })));
    const view = await createView(db, 'function (doc) { if (doc.name) emit(doc.name); };\n');
    expect(await db.query(view)).not.toHaveProperty('update_seq');
    expect(await db.query(view, { update_seq: false })).not.toHaveProperty('update_seq');
    const withSeq = await db.query(view, { update_seq: true });
    expect(withSeq.rows).toHaveLength(4);
    expect(typeof withSeq.update_seq).toBe('string');
    expect(Number.parseInt(withSeq.update_seq, 10)).toBe((await db.info()).update_seq.split('-')[0] * 1);
    const long = Array.from({ length: 60 }, (_, i) => `a-rather-long-key-to-push-the-query-into-a-post-${i}`);
    const posted = await db.query(view, { keys: ['foo', ...long] });
    expect(posted.rows).toHaveLength(4);
  });

  it('stale=ok and stale=update_after answer from the index as it stands; update=false/lazy by URL', async () => {
    const db = freshDb();
    const view = await createView(db, 'function (doc) { if (doc.n) emit(doc.n); }');
    await db.bulkDocs([{ n: 1 }, { n: 2 }]);
    expect((await db.query(view)).rows).toHaveLength(2);
    await db.post({ n: 3 });
    expect((await db.query(view, { stale: 'ok' })).rows).toHaveLength(2);
    expect((await db.query(view, { stale: 'update_after' })).rows).toHaveLength(2);
    await expect.poll(async () => (await db.query(view, { stale: 'ok' })).rows.length).toBe(3);
    // PouchDB's http adapter does not forward `update`: these go straight to the server.
    await db.post({ n: 4 });
    const path = `/${db.name.split('/').pop()}/_design/theViewDoc/_view/theView`;
    const rowsOf = async (query: string) => ((await (await request(h.server, `${path}?${query}`)).json()) as Loose).rows.length;
    expect(await rowsOf('update=false')).toBe(3);
    expect(await rowsOf('update=lazy')).toBe(3);
    await expect.poll(() => rowsOf('update=false')).toBe(4);
    const bad = await request(h.server, `${path}?update=sometimes`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'query_parse_error', reason: 'Invalid value for `update`.' });
  });
});

describe('errors for missing design docs and views (http)', () => {
  it('a missing design doc is 404 missing; a missing view in a ddoc is 404 missing_named_view (#181)', async () => {
    const db = freshDb();
    await db.put({ _id: '_design/test' });
    const noView = await failure(db.query('test/unexisting'));
    expect(noView).toMatchObject({ status: 404, name: 'not_found', message: 'missing_named_view' });
    const noDdoc = await failure(db.query('nothere/view'));
    expect(noDdoc).toMatchObject({ status: 404, name: 'not_found', message: 'missing' });
    await db.put({ _id: '_design/deleted', views: { v: { map: 'function (doc) { emit(doc._id); }' } } });
    await db.remove(await db.get('_design/deleted'));
    expect(await failure(db.query('deleted/v'))).toMatchObject({ status: 404, name: 'not_found', message: 'deleted' });
  });

  it('reduce=true or group=true on a map-only view is a 400; reduce=false there is fine', async () => {
    const db = freshDb();
    const view = await createView(db, 'function (doc) { emit(doc._id); }');
    await db.put({ _id: 'a' });
    const err = await failure(db.query(view, { reduce: true }));
    expect(err).toMatchObject({ status: 400, name: 'query_parse_error', message: 'Reduce is invalid for map-only views.' });
    const grouped = await failure(db.query(view, { group: true }));
    expect(grouped).toMatchObject({ status: 400, name: 'query_parse_error', message: 'Invalid use of grouping on a map view.' });
    expect((await db.query(view, { reduce: false })).rows).toHaveLength(1);
  });

  it('a view added to, then changed in, a design doc answers from the new map; viewCleanup answers ok', async () => {
    const db = freshDb();
    await db.put({ _id: 'a', n: 1 });
    const ddoc = { _id: '_design/test', views: { v: { map: 'function (doc) { emit(doc.n); }' } } };
    const { rev } = await db.put(ddoc);
    expect(keys(await db.query('test/v'))).toEqual([1]);
    await db.put({ ...ddoc, _rev: rev, views: { v: { map: 'function (doc) { if (doc.n) emit(doc.n * 10); }' } } });
    expect(keys(await db.query('test/v'))).toEqual([10]);
    expect(await db.viewCleanup()).toEqual({ ok: true });
  });
});

describe('test.persisted.js and test.views.js (http)', () => {
  it('a deleted design doc stops answering, viewCleanup is ok, and a re-created one maps every doc again', async () => {
    const db = freshDb();
    expect(await db.viewCleanup()).toEqual({ ok: true });
    const ddoc = { _id: '_design/name', views: { name: { map: 'function (doc) { emit(doc.name); }' } } };
    const { rev } = await db.put(ddoc);
    await db.bulkDocs([{ _id: 'foo', name: 'foo' }, { _id: 'baz', name: 'bar' }, { _id: 'bar', name: 'baz' }]);
    expect((await db.query('name')).rows).toHaveLength(3);
    await db.remove('_design/name', rev);
    expect(await db.viewCleanup()).toEqual({ ok: true });
    expect(await failure(db.query('name'))).toMatchObject({ status: 404, name: 'not_found', message: 'deleted' });
    await db.put(ddoc);
    expect((await db.query('name')).rows.map((r: Loose) => [r.id, r.key])).toEqual([['baz', 'bar'], ['bar', 'baz'], ['foo', 'foo']]);
  });

  it('design docs with a map that is not a string, or a view that is null, are refused at save (couch_mrview:validate_ddoc_fields)', async () => {
    // PouchDB accepts either a refused save or a failing query; CouchDB refuses the save.
    const db = freshDb();
    const notString = await failure(db.put({ _id: '_design/barbar', views: { scores: { map: 1 } } }));
    expect(notString).toMatchObject({ status: 400, name: 'invalid_design_doc', message: '`views.scores.map` field must have string type' });
    const nullView = await failure(db.put({ _id: '_design/void', views: { 1: null } }));
    expect(nullView).toMatchObject({ status: 400, name: 'invalid_design_doc', message: '`views.1` field must have object type' });
    expect(await failure(db.query('fake/thing'))).toMatchObject({ status: 404, message: 'missing' });
  });

  it('stale=ok with include_docs: a row whose doc was deleted since gets doc null; the next query drops it', async () => {
    const db = freshDb();
    const view = await createView(db, 'function (doc) { emit(doc.name); }');
    await db.bulkDocs([{ name: 'bar', _id: '1' }, { name: 'foo', _id: '2' }]);
    expect(await db.query(view)).toMatchObject({ total_rows: 2, offset: 0 });
    await db.remove(await db.get('2'));
    const stale = await db.query(view, { stale: 'ok', include_docs: true });
    expect(stale.rows.map((r: Loose) => [r.key, r.doc === null ? null : r.doc._id])).toEqual([['bar', '1'], ['foo', null]]);
    const fresh = await db.query(view);
    expect(fresh.total_rows).toBe(1);
    expect(keys(fresh)).toEqual(['bar']);
  });

  it('several design docs and several views per design doc; ids like constructor and hasOwnProperty', async () => {
    const db = freshDb();
    await db.put({
      _id: '_design/foo',
      views: { byId: { map: 'function (doc) { emit(doc._id); }' }, byField: { map: 'function (doc) { emit(doc.field); }' } },
    });
    await db.put({ _id: 'myDoc', field: 'myField' });
    expect(keys(await db.query('foo/byId'))).toEqual(['myDoc']);
    await db.put({ _id: '_design/bar', views: { byId: { map: 'function (doc) { emit(doc._id); }' } } });
    expect(keys(await db.query('bar/byId'))).toEqual(['myDoc']);
    expect(keys(await db.query('foo/byField'))).toEqual(['myField']);
    await db.bulkDocs([{ _id: 'constructor' }, { _id: 'isPrototypeOf' }, { _id: 'hasOwnProperty' }]);
    const res = await db.query('bar/byId', { include_docs: true });
    expect(res.rows.map((r: Loose) => [r.id, r.doc._id])).toEqual([
      ['constructor', 'constructor'], ['hasOwnProperty', 'hasOwnProperty'], ['isPrototypeOf', 'isPrototypeOf'], ['myDoc', 'myDoc'],
    ]);
  });

  it('limit keeps total_rows the size of the view; the map sees _conflicts of replicated branches (#1000)', async () => {
    const db = freshDb();
    await db.put({ _id: '_design/c', views: { c: { map: 'function (doc) { if (doc._conflicts) emit(doc._id, doc._conflicts); }' }, bar: { map: "function (doc) { if (doc.foo === 'bar') emit(doc.foo); }" } } });
    await db.bulkDocs([{ foo: 'bar' }, { foo: 'bar' }, { foo: 'baz' }]);
    const limited = await db.query('c/bar', { limit: 1 });
    expect(limited.total_rows).toBe(2);
    expect(limited.rows).toHaveLength(1);
    const [first] = await db.bulkDocs([{ _id: '1', foo: 'bar' }, { _id: '2', name: 'two' }]);
    await db.bulkDocs([{ _id: '1', foo: 'baz', _rev: '1-ffffffffffffffffffffffffffffffff' }], { new_edits: false });
    const { _rev: winner } = await db.get('1');
    const loser = winner === first.rev ? '1-ffffffffffffffffffffffffffffffff' : first.rev;
    expect((await db.query('c/c')).rows).toEqual([{ id: '1', key: '1', value: [loser] }]);
  });
});
