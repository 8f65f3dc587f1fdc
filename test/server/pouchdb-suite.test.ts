// PouchDB's own integration suite (pouchdb/pouchdb tests/integration and tests/find) runs against any CouchDB through
// its http adapter. These are the cases of that suite whose outcome depends on the server, rewritten small, run with
// PouchDB 9's http adapter against settee-server. Where PouchDB expects what only its own server (or an old CouchDB)
// does, the case asserts CouchDB 3.4's answer instead and says so.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { failure, PouchDB, usePouchServer, type Loose } from './pouchdb-harness.js';
import { request } from './start.js';

const require = createRequire(import.meta.url);
PouchDB.plugin(require('pouchdb-adapter-memory'));
PouchDB.plugin(require('pouchdb-find'));

const h = usePouchServer('suite');
const { remoteUrl, freshDb } = h;

describe('test.basics.js (http)', () => {
  it('creates databases whose names hold + and an encoded /', async () => {
    for (const name of ['plus+suffix', 'some%2Ftest']) {
      const db = new PouchDB(remoteUrl(`basics_${name}`));
      await db.info();
      await db.destroy();
    }
  });

  it('a missing doc and a conflicting put carry the id in their error', async () => {
    const db = freshDb();
    expect(await failure(db.get('abc-123'))).toMatchObject({ status: 404, docId: 'abc-123' });
    const { id } = await db.post({});
    expect(await failure(db.put({ _id: id }))).toMatchObject({ status: 409, name: 'conflict', docId: id });
    expect(await failure(db.post({ _id: id }))).toMatchObject({ status: 409, docId: id });
  });

  it('a removed doc reads back as a stub at its deletion rev', async () => {
    const db = freshDb();
    await db.put({ _id: 'foo', value: 'test' });
    const res = await db.remove(await db.get('foo'));
    expect(await db.get('foo', { rev: res.rev })).toEqual({ _id: 'foo', _rev: res.rev, _deleted: true });
    expect(await failure(db.get('foo'))).toMatchObject({ status: 404, name: 'not_found' });
  });

  it('a live include_docs feed sees the deletion', async () => {
    const db = freshDb();
    await db.info();
    const deleted = new Promise<Loose>((resolve, reject) => {
      const feed = db
        .changes({ live: true, include_docs: true })
        .on('change', (change: Loose) => {
          if (change.doc._deleted) feed.cancel();
        })
        .on('complete', resolve)
        .on('error', reject);
    });
    const res = await db.post({ _id: 'somestuff' });
    await db.remove({ _id: res.id, _rev: res.rev });
    expect((await deleted).status).toBe('cancelled');
  });

  it('info, put and revs_info agree', async () => {
    const db = freshDb();
    const before = await db.info();
    expect(before.doc_count).toBe(0);
    const res = await db.put({ _id: '0', a: 1 });
    expect(res).toMatchObject({ ok: true, id: '0' });
    const after = await db.info();
    expect(after.doc_count).toBe(1);
    expect(after.update_seq).not.toEqual(before.update_seq);
    const doc = await db.get('0', { revs_info: true });
    expect(doc._revs_info[0].status).toBe('available');
  });

  it('rejects a malformed rev, special members, non-string and reserved ids', async () => {
    const db = freshDb();
    const { id } = await db.post({ test: 'somestuff' });
    expect(await failure(db.put({ _id: id, _rev: 'undefined' }))).toMatchObject({ status: 400, name: 'bad_request' });
    const invalid = await failure(db.bulkDocs({ docs: [{ _zing: 4 }, { _zoom: 'hello' }] }));
    expect(invalid).toMatchObject({ status: 400, name: 'doc_validation', message: 'Bad special document member: _zing' });
    expect((await failure(db.post({ _id: 123 }))).name).toMatch(/^(bad_request|illegal_docid)$/);
    expect(await failure(db.put({ _id: '_i_test' }))).toMatchObject({
      status: 400,
      message: 'Only reserved document ids may start with underscore.',
    });
  });

  it('keeps the _replication_* fields of a doc (#2442)', async () => {
    const db = freshDb();
    const doc = { _replication_id: 'test', _replication_state: 'triggered', _replication_state_time: 1, _replication_stats: {} };
    const res = await db.post(doc);
    expect(await db.get(res.id)).toMatchObject(doc);
  });

  it('recreating a deleted doc leaves no conflict and extends its history (#2888)', async () => {
    const db = freshDb();
    const history = async (): Promise<number> => (await db.get('foo', { open_revs: 'all', revs: true }))[0].ok._revisions.ids.length;
    let rev = (await db.put({ _id: 'foo' })).rev;
    expect(await history()).toBe(1);
    await db.remove('foo', rev);
    expect(await history()).toBe(2);
    rev = (await db.put({ _id: 'foo' })).rev;
    expect(await history()).toBe(3);
    expect(await db.get('foo', { conflicts: true })).not.toHaveProperty('_conflicts');
    await db.remove('foo', rev);
    expect(await history()).toBe(4);
  });

  it('refuses to edit from the rev a deletion replaced (2779)', async () => {
    const db = freshDb();
    const { rev } = await db.put({ _id: 'foo' });
    await db.remove('foo', rev);
    expect(await failure(db.put({ _id: 'foo', _rev: rev }))).toMatchObject({ status: 409, name: 'conflict' });
    // PouchDB's 4712 expects a conflict for a made-up rev on a new doc; CouchDB 3.4.3 (recorded in
    // couchdb-reference/documents.json, doc "bad5") accepts it and starts the doc at generation 2.
    expect((await db.put({ _id: 'foobar', _rev: '1-123' })).rev).toMatch(/^2-/);
  });

  it('round-trips ids with %, quotes and unicode, null values and Object.prototype names', async () => {
    const db = freshDb();
    const ids = ['foo%bar', "'your_sql_injection_script_here'", 'パウチュDBは最高だ', 'β', '\uD843\uDF2D', '\u0000foo\u0000bar\u0001baz'];
    for (const id of ids) {
      const info = await db.put({ _id: id, foo: 'bar' });
      await db.put({ _id: id, _rev: info.rev, foo: 'baz' });
      expect((await db.get(id))._id).toBe(id);
    }
    const all = await db.allDocs({ keys: ['foo%bar'], include_docs: true });
    expect(all.rows[0]).toMatchObject({ id: 'foo%bar', key: 'foo%bar', doc: { _id: 'foo%bar' } });
    await db.put({ _id: 'doc', foo: null });
    expect(Object.keys(await db.get('doc')).sort()).toEqual(['_id', '_rev', 'foo']);
    const odd = { _id: 'x', constructor: 1, toString: 1, hasOwnProperty: 1, isPrototypeOf: 1, propertyIsEnumerable: 1, watch: 1 };
    await db.put(odd);
    const { _rev, ...saved } = await db.get('x');
    expect(saved).toEqual(odd);
  });

  it('puts of _local docs and of docs say ok: true, in bulk too', async () => {
    const db = freshDb();
    expect((await db.put({ _id: '_local/foo' })).ok).toBe(true);
    expect((await db.put({ _id: 'quux' })).ok).toBe(true);
    const bulk = await db.bulkDocs([{ _id: '_local/bar' }, { _id: 'baz' }]);
    expect(bulk.map((row: Loose) => row.ok)).toEqual([true, true]);
    expect((await db.post({})).ok).toBe(true);
  });

  it('doc_count follows writes and deletions', async () => {
    const db = freshDb();
    await db.bulkDocs({ docs: [{ _id: '1' }, { _id: '2' }, { _id: '3' }] });
    expect((await db.info()).doc_count).toBe(3);
    await db.remove(await db.get('1'));
    expect((await db.info()).doc_count).toBe(2);
  });
});

describe('test.bulk_docs.js (http)', () => {
  const makeDocs = (n: number): Loose[] => Array.from({ length: n }, (_, i) => ({ _id: String(i), integer: i, string: String(i) }));

  it('updates, deletes, and reports a conflict without a rev', async () => {
    const db = freshDb();
    const docs = makeDocs(5);
    let results = await db.bulkDocs({ docs });
    docs.forEach((doc, i) => Object.assign(doc, { _rev: results[i].rev, string: `${doc.string}.00` }));
    results = await db.bulkDocs(docs);
    expect(results.map((row: Loose) => row.id)).toEqual(['0', '1', '2', '3', '4']);
    docs.forEach((doc, i) => Object.assign(doc, { _rev: results[i].rev, _deleted: true }));
    await db.put(docs[0]);
    results = await db.bulkDocs({ docs });
    expect(results[0]).toMatchObject({ name: 'conflict', status: 409 });
    expect(results[0].rev).toBeUndefined();
    for (const row of results.slice(1)) expect(row.rev).toEqual(expect.any(String));
  });

  it('two edits from one rev in one request: both conflict when the rev is missing', async () => {
    const db = freshDb();
    await db.put({ _id: 'foobar', body: 'baz' });
    const results = await db.bulkDocs({ docs: [{ _id: 'foobar', body: 'blam' }, { _id: 'foobar', _deleted: true }] });
    expect(results.map((row: Loose) => row.name)).toEqual(['conflict', 'conflict']);
  });

  it('new_edits=false without a _rev is an error', async () => {
    const db = freshDb();
    expect(await failure(db.bulkDocs({ docs: [{ _id: 'foo', integer: 1 }] }, { new_edits: false }))).toBeTruthy();
  });

  it('handles empty and large batches, and the same id twice in one batch (Jira 911)', async () => {
    const db = freshDb();
    expect(await db.bulkDocs([])).toEqual([]);
    await db.bulkDocs(Array.from({ length: 201 }, (_, i) => ({ _id: `n${i}` })));
    const results = await db.bulkDocs({ docs: [{ _id: '0' }, { _id: '1' }, { _id: '1' }, { _id: '3' }] });
    expect(results).toHaveLength(4);
    expect(results[1]).toMatchObject({ id: '1', ok: true });
    expect(results[2]).toMatchObject({ id: '1', name: 'conflict' });
  });

  it('rejects a reserved id in bulk, and a body without docs', async () => {
    const db = freshDb();
    const reserved = await failure(db.bulkDocs({ docs: [{ _id: '_invalid', foo: 'bar' }, { _id: 123 }] }));
    expect(reserved).toMatchObject({ status: 400, message: 'Only reserved document ids may start with underscore.' });
    expect(await failure(db.bulkDocs({ doc: [{ foo: 'bar' }] }))).toMatchObject({ status: 400 });
    expect(await failure(db.bulkDocs({ docs: 'foo' }))).toMatchObject({ status: 400 });
    expect(await failure(db.bulkDocs({ docs: ['foo'] }))).toMatchObject({ status: 400 });
  });

  it('a deleted leaf written with new_edits=false does not count (#2935)', async () => {
    const deleted = { _id: 'EE35E', _rev: '4-70b26', _deleted: true, _revisions: { start: 4, ids: ['70b26', '9f454', '914bf', '7fdf8'] } };
    const live = { _id: 'EE35E', _rev: '3-f6d28', _revisions: { start: 3, ids: ['f6d28', '914bf', '7fdf8'] } };
    for (const docs of [[deleted, live], [live, deleted]]) {
      const db = freshDb();
      expect(await db.bulkDocs({ docs, new_edits: false })).toEqual([]);
      expect((await db.allDocs()).total_rows).toBe(1);
      expect((await db.info()).doc_count).toBe(1);
    }
  });

  it('new_edits=false reports only the doc validate_doc_update refused (#2935)', async () => {
    const db = freshDb();
    await db.put({
      _id: '_design/validate',
      validate_doc_update: "function (newDoc) { if (newDoc.foo === undefined) { throw {unauthorized: 'Document must have a foo.'}; } }",
    });
    const one = (id: string, extra: object): object => ({ _id: id, _rev: '1-x', _revisions: { start: 1, ids: ['x'] }, ...extra });
    const res = await db.bulkDocs({ docs: [one('doc0', { foo: 'bar' }), one('doc1', {}), one('doc2', { foo: 'bar' })] }, { new_edits: false });
    expect(res).toHaveLength(1);
    expect(res[0]).toMatchObject({ id: 'doc1', error: 'unauthorized' });
  });

  it('new_edits=false keeps both branches and ignores a replayed rev', async () => {
    const db = freshDb();
    const branch = (rev: string): object => ({ _id: 'foo', _rev: `2-${rev}`, _revisions: { start: 2, ids: [rev, 'a'] } });
    await db.bulkDocs({ docs: [branch('x'), branch('y')] }, { new_edits: false });
    const leaves = await db.get('foo', { open_revs: 'all' });
    expect(leaves.map((leaf: Loose) => leaf.ok._rev).sort()).toEqual(['2-x', '2-y']);

    const first = [
      { _id: 'bar', _rev: '1-x', v: 'baz', _revisions: { start: 1, ids: ['x'] } },
      { _id: 'fee', _rev: '1-x', _revisions: { start: 1, ids: ['x'] } },
    ];
    await db.bulkDocs({ docs: first, new_edits: false });
    const { last_seq } = await db.changes();
    const second = [
      { _id: 'bar', _rev: '1-x', v: 'zam', _revisions: { start: 1, ids: ['x'] } },
      { _id: 'faa', _rev: '1-x', _revisions: { start: 1, ids: ['x'] } },
    ];
    await db.bulkDocs({ docs: second, new_edits: false });
    const since = await db.changes({ since: last_seq });
    expect(since.results.map((row: Loose) => row.id)).toEqual(['faa']);
    expect(await db.get('bar')).toMatchObject({ _rev: '1-x', v: 'baz' });
  });

  it('new_edits=false deletions, with and without history', async () => {
    const db = freshDb();
    const first = { _id: 'foo', _rev: '1-x', _revisions: { start: 1, ids: ['x'] } };
    await db.put(first, { new_edits: false });
    await db.put({ _id: 'foo', _rev: '2-y', _deleted: true, _revisions: { start: 2, ids: ['y', 'x'] } }, { new_edits: false });
    expect((await db.allDocs({ keys: ['foo'] })).rows[0].value).toEqual({ rev: '2-y', deleted: true });

    await db.put({ ...first, _id: 'bar' }, { new_edits: false });
    await db.put({ _id: 'bar', _rev: '2-y', _deleted: true }, { new_edits: false });
    const bar = (await db.allDocs({ keys: ['bar'] })).rows[0].value;
    expect(bar.rev).toBe('1-x');
    expect(bar.deleted).toBeUndefined();

    await db.put({ ...first, _id: 'baz' }, { new_edits: false });
    await db.put({ _id: 'baz', _rev: '2-y' }, { new_edits: false });
    expect((await db.allDocs({ keys: ['baz'] })).rows[0].value.rev).toBe('2-y');

    await db.put({ _id: 'qux', _rev: '2-y', _deleted: true }, { new_edits: false });
    expect((await db.allDocs({ keys: ['qux'] })).rows[0].value).toEqual({ rev: '2-y', deleted: true });

    await db.bulkDocs({ docs: [{ _id: 'gone', _rev: '1-a', _deleted: true }] }, { new_edits: false });
    // PouchDB expects reason 'missing' (its own server); CouchDB answers 'deleted'.
    expect(await failure(db.get('gone'))).toMatchObject({ status: 404, message: 'deleted' });
  });

  it('answers updates in request order (#3062)', async () => {
    const db = freshDb();
    const docs: Loose[] = Array.from({ length: 11 }, (_, i) => ({ _id: `doc-${i + 10}` }));
    const infos = await db.bulkDocs({ docs });
    docs.forEach((doc, i) => (doc._rev = infos[i].rev));
    const updated = await db.bulkDocs({ docs: docs.filter((_, i) => i % 2 === 1).reverse() });
    expect(updated.map((row: Loose) => row.id)).toEqual(['doc-19', 'doc-17', 'doc-15', 'doc-13', 'doc-11']);
    expect(updated.every((row: Loose) => typeof row.rev === 'string' && !row.error)).toBe(true);
  });

  // The _local half of PouchDB's case expects a conflict too; CouchDB overwrites _local docs written without a rev.
  it('two concurrent creations of one id: one wins, one conflicts', async () => {
    for (const id of ['fooId']) {
      const name = `concurrent_${h.next()}`;
      await request(h.server, `/${name}`, { method: 'PUT' });
      const [a, b] = await Promise.all([
        new PouchDB(remoteUrl(name)).bulkDocs({ docs: [{ _id: id }] }),
        new PouchDB(remoteUrl(name)).bulkDocs({ docs: [{ _id: id }] }),
      ]);
      const rows = [a[0], b[0]];
      expect(rows.filter((row) => row.ok === true)).toHaveLength(1);
      expect(rows.filter((row) => row.name === 'conflict')).toHaveLength(1);
    }
  });
});

describe('test.all_docs.js (http)', () => {
  const origDocs = [
    { _id: '0', a: 1, b: 1 },
    { _id: '3', a: 4, b: 16 },
    { _id: '1', a: 2, b: 4 },
    { _id: '2', a: 3, b: 9 },
  ];
  const ids = (res: Loose): string[] => res.rows.map((row: Loose) => row.id);

  it('ranges, raw collation of ids and changes order', async () => {
    const db = freshDb();
    for (const doc of origDocs) await db.put({ ...doc });
    expect((await db.allDocs()).total_rows).toBe(4);
    const from2 = await db.allDocs({ startkey: '2', include_docs: true });
    expect(ids(from2)).toEqual(['2', '3']);
    expect(from2.rows[0].doc).toMatchObject({ _id: '2', a: 3 });
    expect((await db.allDocs({ startkey: 'org.couchdb.user:', endkey: 'org.couchdb.user;' })).rows).toHaveLength(0);
    expect((await db.changes()).results.map((row: Loose) => row.id)).toEqual(['0', '3', '1', '2']);
    expect((await db.changes({ descending: true })).results.map((row: Loose) => row.id)).toEqual(['2', '1', '3', '0']);
  });

  it('keys: order kept, missing rows, descending, skip, deleted rows with a null doc', async () => {
    const db = freshDb();
    await db.bulkDocs(origDocs);
    expect((await db.allDocs({ keys: ['3', '1'] })).rows.map((row: Loose) => row.key)).toEqual(['3', '1']);
    const keys = ['2', '0', '1000'];
    const some = await db.allDocs({ keys });
    expect(some.rows.map((row: Loose) => row.key)).toEqual(keys);
    expect(some.rows[2]).toEqual({ key: '1000', error: 'not_found' });
    const down = await db.allDocs({ keys, descending: true });
    expect(down.rows.map((row: Loose) => row.key)).toEqual(['1000', '0', '2']);
    expect((await db.allDocs({ keys: [] })).rows).toHaveLength(0);
    const skipped = await db.allDocs({ keys: ['3', '1'], skip: 1 });
    expect(skipped.total_rows).toBe(4);
    expect(ids(skipped)).toEqual(['1']);
    await db.remove(await db.get('2'));
    const withDeleted = await db.allDocs({ keys, include_docs: true });
    expect(withDeleted.rows[0].value.deleted).toBe(true);
    expect(withDeleted.rows[0].doc).toBeNull();
  });

  it('changes since a seq show deletions and updates; include_docs bodies', async () => {
    const db = freshDb();
    const { update_seq } = await db.info();
    for (const doc of origDocs) await db.put({ ...doc });
    await db.remove(await db.get('1'));
    const three = await db.get('3');
    await db.put({ ...three, updated: 'totally' });
    const since = await db.changes({ since: update_seq, include_docs: true });
    expect(since.results.find((row: Loose) => row.id === '1').deleted).toBe(true);
    expect(since.results.find((row: Loose) => row.id === '3').doc.updated).toBe('totally');
    expect(since.results.find((row: Loose) => row.id === '0').doc.a).toBe(1);
  });

  it('conflicts: winner, _conflicts in changes and all_docs; none when there are none (5793)', async () => {
    const db = freshDb();
    for (const doc of origDocs) await db.put({ ...doc });
    await db.put({ _id: '3', _rev: '2-aa01552213fafa022e6167113ed01087', value: 'X' }, { new_edits: false });
    await db.put({ _id: '3', _rev: '2-ff01552213fafa022e6167113ed01087', value: 'Z' }, { new_edits: false });
    const winner = await db.get('3');
    expect(winner._rev).toBe('2-ff01552213fafa022e6167113ed01087');
    const changes = await db.changes({ include_docs: true, conflicts: true, style: 'all_docs' });
    const row = changes.results.find((r: Loose) => r.id === '3');
    expect(row.changes).toHaveLength(3);
    expect(row.doc._rev).toBe(winner._rev);
    expect(row.doc._conflicts).toHaveLength(2);
    expect(row.doc._conflicts[0]).toBe('2-aa01552213fafa022e6167113ed01087');
    const all = await db.allDocs({ include_docs: true, conflicts: true });
    expect(all.rows[3]).toMatchObject({ id: '3', key: '3', value: { rev: winner._rev }, doc: { _rev: winner._rev } });
    expect(all.rows[3].doc._conflicts[0]).toBe('2-aa01552213fafa022e6167113ed01087');
    expect(all.rows[0].doc).not.toHaveProperty('_conflicts');
  });

  it('total_rows stays the live count whatever the range, skip, limit, key or keys (aliases too)', async () => {
    const db = freshDb();
    const res = await db.bulkDocs({ docs: Array.from({ length: 10 }, (_, i) => ({ _id: String(i) })) });
    await db.remove('3', res[3].rev);
    await db.remove('7', res[7].rev);
    const cases: Array<[object, number]> = [
      [{}, 8],
      [{ startkey: '5' }, 4],
      [{ startkey: '5', skip: 2, limit: 10 }, 2],
      [{ startkey: '5', limit: 0 }, 0],
      [{ keys: ['5'], limit: 0 }, 0],
      [{ limit: 0 }, 0],
      [{ startkey: '5', descending: true, skip: 1 }, 4],
      [{ startkey: '5', endkey: 'z' }, 4],
      [{ startkey: '5', endkey: '5' }, 1],
      [{ start_key: '5', end_key: '5' }, 1],
      [{ startkey: '5', endkey: '4' }, 0],
      [{ startkey: '5', endkey: '4', descending: true }, 2],
      [{ startkey: '3', endkey: '7' }, 3],
      [{ startkey: '7', endkey: '3', descending: true }, 3],
      [{ startkey: '', endkey: '0' }, 1],
      [{ keys: ['0', '1', '3'] }, 3],
      [{ keys: ['0', '1', '0', '2', '1', '1'] }, 6],
      [{ keys: ['7'] }, 1],
      [{ key: '3' }, 0],
      [{ key: '2' }, 1],
      [{ key: 'z' }, 0],
      [{ key: '1', startkey: '1' }, 1],
    ];
    for (const [options, rows] of cases) {
      const answer = await db.allDocs(options);
      expect([options, answer.rows.length, answer.total_rows]).toEqual([options, rows, 8]);
    }
  });

  it('inclusive_end, descending ranges, skip with limit', async () => {
    const db = freshDb();
    await db.bulkDocs(['1', '2', '3', '4'].map((id) => ({ _id: id })));
    const cases: Array<[object, number]> = [
      [{ inclusive_end: false, endkey: '2' }, 1],
      [{ inclusive_end: false, endkey: '1' }, 0],
      [{ inclusive_end: false, endkey: '1', startkey: '0' }, 0],
      [{ inclusive_end: false, endkey: '5' }, 4],
      [{ inclusive_end: false, endkey: '4' }, 3],
      [{ inclusive_end: false, endkey: '4', startkey: '3' }, 1],
      [{ inclusive_end: false, endkey: '1', descending: true }, 3],
      [{ inclusive_end: true, endkey: '4' }, 4],
      [{ descending: true, startkey: '3', endkey: '2', inclusive_end: false }, 1],
    ];
    for (const [options, rows] of cases) expect([options, (await db.allDocs(options)).rows.length]).toEqual([options, rows]);
    const letters = freshDb();
    await letters.bulkDocs(['a', 'b', 'c', 'd', 'e'].map((id) => ({ _id: id })));
    expect(ids(await letters.allDocs({ descending: true, startkey: 'd', endkey: 'b' }))).toEqual(['d', 'c', 'b']);
    expect(ids(await letters.allDocs({ descending: true, startkey: 'd', endkey: 'b', inclusive_end: false }))).toEqual(['d', 'c']);
    expect(ids(await letters.allDocs({ descending: true, startkey: 'd', endkey: 'a', skip: 1, limit: 2 }))).toEqual(['c', 'b']);
    const afterDelete = freshDb();
    await afterDelete.bulkDocs(['w', 'x', 'y', 'z'].map((id) => ({ _id: id })));
    expect(ids(await afterDelete.allDocs({ startkey: 'x', limit: 1, skip: 1 }))).toEqual(['y']);
    await afterDelete.remove(await afterDelete.get('x'));
    const page = await afterDelete.allDocs({ startkey: 'w', limit: 2, skip: 1 });
    expect([page.total_rows, ids(page)]).toEqual([3, ['y', 'z']]);
  });

  it('escaped keys, paging by startkey+skip (#3082), update_seq on request only (#6230)', async () => {
    const db = freshDb();
    await db.bulkDocs({ docs: [{ _id: '"weird id!" a' }, { _id: '"weird id!" z' }] });
    expect((await db.allDocs({ startkey: '"weird id!" a', endkey: '"weird id!" z' })).rows).toHaveLength(2);
    await db.bulkDocs(Array.from({ length: 250 }, () => ({})));
    let lastkey: string | undefined;
    let seen = 0;
    for (;;) {
      const page = await db.allDocs(lastkey === undefined ? { limit: 100 } : { limit: 100, startkey: lastkey, skip: 1 });
      if (page.rows.length === 0) break;
      if (lastkey !== undefined) expect(page.rows[0].key > lastkey).toBe(true);
      seen += page.rows.length;
      lastkey = page.rows[page.rows.length - 1].key;
    }
    expect(seen).toBe(252);
    expect(await db.allDocs({ limit: 1 })).not.toHaveProperty('update_seq');
    expect(await db.allDocs({ limit: 1, update_seq: false })).not.toHaveProperty('update_seq');
    const withSeq = await db.allDocs({ limit: 1, update_seq: true });
    expect(typeof withSeq.update_seq === 'string' || typeof withSeq.update_seq === 'number').toBe(true);
    expect(Number.parseInt(String(withSeq.update_seq), 10)).toBe(252);
  });
});

describe('test.changes.js (http)', () => {
  const numbered = (from: number, to: number): object[] =>
    Array.from({ length: to - from }, (_, i) => ({ _id: String(from + i), integer: from + i }));
  const changeIds = (res: Loose): string[] => res.results.map((row: Loose) => row.id);

  it('since, limit and limit=0 (PouchDB asks for one)', async () => {
    const db = freshDb();
    await db.bulkDocs({ docs: numbered(0, 12) });
    const { update_seq } = await db.info();
    await db.bulkDocs({ docs: numbered(12, 14) });
    expect(changeIds(await db.changes({ since: update_seq }))).toEqual(['12', '13']);
    expect((await db.changes({ since: update_seq, limit: 1 })).results).toHaveLength(1);
    expect((await db.changes({ since: update_seq, limit: 0 })).results).toHaveLength(1);
    expect((await db.changes({ limit: 0 })).results).toHaveLength(1);
  });

  it('limit with include_docs after updates gives the updated bodies', async () => {
    const db = freshDb();
    const info: Loose[] = [];
    for (const doc of numbered(0, 4)) info.push(await db.put(doc));
    const { update_seq } = await db.info();
    const two = await db.put({ _id: '2', _rev: info[2].rev, integer: 11 });
    const three = await db.put({ _id: '3', _rev: info[3].rev, integer: 12 });
    const res = await db.changes({ limit: 2, since: update_seq, include_docs: true });
    expect(res.results.map((row: Loose) => [row.id, row.doc.integer, row.doc._rev])).toEqual([
      ['2', 11, two.rev],
      ['3', 12, three.rev],
    ]);
    const all = await db.changes({ include_docs: true });
    expect(all.results).toHaveLength(4);
    expect(all.results[2]).toMatchObject({ id: '2', changes: [{ rev: two.rev }], doc: { integer: 11 } });
  });

  it('a filter or view the design doc lacks is a 404; _view without view is a 400', async () => {
    const db = freshDb();
    await db.put({ _id: '1', integer: 1 });
    await db.put({ _id: '_design/foo', filters: { even: 'function (doc) { return doc.integer % 2 === 1; }' } });
    await db.put({ _id: '_design/bar', views: { even: { map: 'function (doc) { if (doc.integer % 2 === 1) emit(doc._id, null); }' } } });
    for (const options of [
      { filter: 'foo/odd' },
      { filter: 'bar/even' },
      { filter: 'foobar/odd' },
      { filter: '_view', view: 'bar/odd' },
      { filter: '_view', view: 'foo/even' },
    ]) {
      expect([options, (await failure(db.changes(options))).status]).toEqual([options, 404]);
    }
    expect(await failure(db.changes({ filter: '_view' }))).toMatchObject({ status: 400, name: 'bad_request' });
  });

  it('filters and _view with limit and since; last_seq ignores the filter', async () => {
    const db = freshDb();
    const first = await db.changes();
    expect(Number.parseInt(String(first.last_seq), 10)).toBe(0);
    await db.bulkDocs({ docs: numbered(0, 3) });
    const { update_seq } = await db.info();
    for (const doc of numbered(3, 6)) await db.put(doc);
    await db.put({
      _id: '_design/foo',
      filters: { odd: 'function (doc) { return doc.integer % 2 === 1; }' },
      views: { odd: { map: 'function (doc) { if (doc.integer % 2 === 1) { emit(doc._id, null); } }' } },
    });
    const filtered = await db.changes({ filter: 'foo/odd', limit: 2, since: update_seq, include_docs: true });
    expect(filtered.results.map((row: Loose) => [row.id, row.doc.integer])).toEqual([
      ['3', 3],
      ['5', 5],
    ]);
    const viewed = await db.changes({ filter: '_view', view: 'foo/odd', limit: 2, since: update_seq, include_docs: true });
    expect(viewed.results.map((row: Loose) => [row.id, row.doc.integer])).toEqual([
      ['3', 3],
      ['5', 5],
    ]);
    const all = await db.changes();
    const odd = await db.changes({ filter: 'foo/odd' });
    expect(odd.results).toHaveLength(3);
    expect(odd.last_seq).toEqual(all.last_seq);
    expect((await db.changes({ filter: '_view', view: 'foo/odd' })).last_seq).toEqual(all.last_seq);
  });

  it('style=all_docs lists every leaf; the default lists the winner', async () => {
    const db = freshDb();
    const branches = [
      ['1-a', '2-b', '3-c'],
      ['1-a', '2-d', '3-e', '4-f'],
      ['1-a', '2-g'],
    ];
    for (const branch of branches) {
      for (let i = 0; i < branch.length; i++) {
        const rev = branch[i] as string;
        const ids = branch.slice(0, i + 1).reverse().map((r) => r.split('-')[1]);
        const doc: Loose = { _id: 'foo', _rev: rev, _revisions: { start: i + 1, ids } };
        if (rev === '2-g') doc._deleted = true;
        await db.put(doc, { new_edits: false });
      }
    }
    expect((await db.changes()).results[0].changes).toEqual([{ rev: '4-f' }]);
    const all = (await db.changes({ style: 'all_docs' })).results[0].changes.map((c: Loose) => c.rev).sort();
    expect(all).toEqual(['2-g', '3-c', '4-f']);
  });

  it('descending ignores since and lists every change newest first', async () => {
    const db = freshDb();
    for (const id of ['0', '1', '2']) await db.post({ _id: id, test: 'ing' });
    expect(changeIds(await db.changes({ descending: true, since: 1 }))).toEqual(['2', '1', '0']);
    const many = freshDb();
    await many.bulkDocs({ docs: Array.from({ length: 100 }, (_, i) => ({ _id: `doc_${i}` })) });
    let seen = 0;
    const done = await many.changes({ descending: true, return_docs: false }).on('change', () => (seen += 1));
    expect(seen).toBe(100);
    expect(done.results).toHaveLength(0);
  });

  it('live feeds: include_docs, several watchers, cancel, a feed from now', async () => {
    const db = freshDb();
    await db.info();
    const watch = (options: object): Promise<Loose[]> =>
      new Promise((resolve, reject) => {
        const seen: Loose[] = [];
        const feed = db
          .changes({ live: true, ...options })
          .on('change', (change: Loose) => {
            seen.push(change);
            if (seen.length === 1) feed.cancel();
          })
          .on('complete', (result: Loose) => (result.status === 'cancelled' ? resolve(seen) : reject(new Error('not cancelled'))))
          .on('error', reject);
      });
    const watchers = Promise.all([watch({ include_docs: true }), watch({}), watch({})]);
    await db.post({ test: 'adoc' });
    const [withDoc, plain, other] = await watchers;
    expect(withDoc[0].doc).toMatchObject({ test: 'adoc', _rev: expect.any(String) });
    expect(plain[0]).not.toHaveProperty('doc');
    expect(other).toHaveLength(1);

    // A feed from 'now' sees a creation, an update and a deletion, in order.
    const seen: Loose[] = [];
    const crud = db.changes({ live: true, style: 'all_docs', since: 'now' });
    const finished = new Promise<void>((resolve, reject) => {
      crud.on('change', (change: Loose) => {
        seen.push(change);
        if (seen.length === 3) crud.cancel();
      });
      crud.on('complete', () => resolve()).on('error', reject);
    });
    const song = await db.put({ _id: 'currentSong', title: 'Holding On For Life' });
    const edited = await db.put({ _id: 'currentSong', _rev: song.rev, title: 'Holding On For Life', artist: 'Broken Bells' });
    const removed = await db.remove('currentSong', edited.rev);
    await finished;
    expect(seen.map((change) => [change.changes[0].rev, change.deleted === true])).toEqual([
      [song.rev, false],
      [edited.rev, false],
      [removed.rev, true],
    ]);
  });

  it('#3136 winners, deletions, limit and descending over replicated branches', async () => {
    const db = freshDb();
    const docs = [
      { _id: 'alpha', _rev: '1-a', _revisions: { start: 1, ids: ['a'] } },
      { _id: 'beta', _rev: '1-b', _revisions: { start: 1, ids: ['b'] } },
      { _id: 'gamma', _rev: '1-b', _revisions: { start: 1, ids: ['b'] } },
      { _id: 'alpha', _rev: '2-d', _revisions: { start: 2, ids: ['d', 'a'] } },
      { _id: 'beta', _rev: '2-e', _revisions: { start: 2, ids: ['e', 'b'] } },
      { _id: 'beta', _rev: '3-f', _deleted: true, _revisions: { start: 3, ids: ['f', 'e', 'b'] } },
    ];
    const seqs: unknown[] = [];
    for (const doc of docs) {
      await db.bulkDocs([doc], { new_edits: false });
      seqs.push((await db.changes({ doc_ids: [doc._id] })).results[0].seq);
    }
    const gamma = { seq: seqs[2], id: 'gamma', changes: [{ rev: '1-b' }] };
    const alpha = { seq: seqs[3], id: 'alpha', changes: [{ rev: '2-d' }] };
    const beta = { seq: seqs[5], id: 'beta', deleted: true, changes: [{ rev: '3-f' }] };
    const results = async (options: object): Promise<unknown> => (await db.changes(options)).results;
    expect(await results({})).toEqual([gamma, alpha, beta]);
    expect(await results({ limit: 0 })).toEqual([gamma]);
    expect(await results({ limit: 2 })).toEqual([gamma, alpha]);
    expect(await results({ limit: 1, descending: true })).toEqual([beta]);
    expect(await results({ limit: 2, descending: true })).toEqual([beta, alpha]);
    expect(await results({ descending: true })).toEqual([beta, alpha, gamma]);
  });

  it('#3136 a winner written before a later losing branch; since and limit', async () => {
    const db = freshDb();
    const rev = (id: string, ids: string[], deleted = false): Loose => ({
      _id: id,
      _rev: `${ids.length}-${ids[0]}`,
      _revisions: { start: ids.length, ids },
      ...(deleted ? { _deleted: true } : {}),
    });
    const sorted = (res: Loose): Loose => {
      for (const row of res.results) row.changes.sort((a: Loose, b: Loose) => (a.rev < b.rev ? -1 : 1));
      return res;
    };
    const batches = [
      [rev('foo', ['a']), rev('foo', ['e', 'a'], true), rev('foo', ['g', 'e', 'a'])],
      [rev('foo', ['a']), rev('foo', ['b', 'a']), rev('foo', ['c', 'b', 'a'])],
      [rev('foo', ['a']), rev('foo', ['d', 'a']), rev('foo', ['h', 'd', 'a']), rev('foo', ['f', 'h', 'd', 'a'])],
    ];
    const seqs: unknown[] = [0];
    const expectedDocs = [
      [['3-g'], '3-g'],
      [['3-c', '3-g'], '3-g'],
      [['3-c', '3-g', '4-f'], '4-f'],
    ];
    for (const [i, batch] of batches.entries()) {
      await db.bulkDocs(batch, { new_edits: false });
      const res = sorted(await db.changes({ style: 'all_docs', since: seqs[seqs.length - 1], include_docs: true }));
      seqs.push(res.last_seq);
      const [revs, winner] = expectedDocs[i] as [string[], string];
      expect(res.results).toEqual([{ seq: res.last_seq, id: 'foo', changes: revs.map((r) => ({ rev: r })), doc: { _id: 'foo', _rev: winner } }]);
    }

    const limited = freshDb();
    const steps = [[rev('foo', ['a'])], [rev('foo', ['b', 'a'])], [rev('bar', ['x'])], [rev('foo', ['c', 'a'], true)]];
    const at: unknown[] = [0];
    for (const batch of steps) {
      await limited.bulkDocs(batch, { new_edits: false });
      at.push((await limited.changes()).last_seq);
    }
    const bar = { seq: at[3], id: 'bar', changes: [{ rev: '1-x' }], doc: { _id: 'bar', _rev: '1-x' } };
    const foo = { seq: at[4], id: 'foo', changes: [{ rev: '2-b' }, { rev: '2-c' }], doc: { _id: 'foo', _rev: '2-b' } };
    const expected = [[bar], [bar], [bar], [foo], []];
    for (const [i, since] of at.entries()) {
      const res = sorted(await limited.changes({ style: 'all_docs', since, limit: 1, include_docs: true }));
      expect([i, res.results]).toEqual([i, expected[i]]);
    }
  });

  it('doc_ids, short and long, by GET and POST, live too (#2569)', async () => {
    const db = freshDb();
    const long = (n: number): string => `${String(n)}-${'x'.repeat(1200)}`;
    await db.bulkDocs([{ _id: '0' }, { _id: '1' }, { _id: '2' }, { _id: '3' }, { _id: long(1) }, { _id: long(2) }]);
    expect(changeIds(await db.changes({ doc_ids: ['1', '3'] })).sort()).toEqual(['1', '3']);
    expect(changeIds(await db.changes({ filter: '_doc_ids', doc_ids: ['1', '3'] })).sort()).toEqual(['1', '3']);
    expect(changeIds(await db.changes({ doc_ids: [long(2), '0'] })).sort()).toEqual(['0', long(2)]);
    const live = await new Promise<string[]>((resolve, reject) => {
      const seen: string[] = [];
      const feed = db
        .changes({ doc_ids: [long(1), '3'], live: true })
        .on('change', (change: Loose) => {
          seen.push(change.id);
          if (seen.length === 2) {
            feed.cancel();
            resolve(seen);
          }
        })
        .on('error', reject);
    });
    expect(live.sort()).toEqual([long(1), '3'].sort());
  });

  it('since now and latest give the current update_seq; limit ignores _local docs', async () => {
    const db = freshDb();
    await db.bulkDocs({ docs: [{ _id: '_local/foo' }, { _id: 'a' }, { _id: 'b' }] });
    const { update_seq } = await db.info();
    expect((await db.changes({ since: 'now' })).last_seq).toEqual(update_seq);
    expect((await db.changes({ since: 'latest' })).last_seq).toEqual(update_seq);
    expect(changeIds(await db.changes({ limit: 1 }))).toEqual(['a']);
  });

  it('a conflict replicated back shows both leaves, the local winner and its _conflicts', async () => {
    const local = freshDb();
    const remote = freshDb();
    const info = await local.bulkDocs({ docs: numbered(0, 4) });
    await local.put({ _id: '2', _rev: info[2].rev, integer: 11 });
    const rev2 = (await local.put({ _id: '3', _rev: info[3].rev, integer: 12 })).rev;
    await PouchDB.replicate(local, remote);
    const rev3 = (await local.put({ _id: '3', _rev: rev2, integer: 20 })).rev;
    const rev4local = (await local.put({ _id: '3', _rev: rev3, integer: 30 })).rev;
    const remoteRev = (await remote.put({ _id: '3', _rev: rev2, integer: 100 })).rev;
    await PouchDB.replicate(remote, local);
    const changes = await local.changes({ include_docs: true, style: 'all_docs', conflicts: true });
    const row = changes.results[3];
    expect(row.id).toBe('3');
    expect(row.changes).toEqual([{ rev: rev4local }, { rev: remoteRev }]);
    expect(row.doc).toMatchObject({ integer: 30, _rev: rev4local, _conflicts: [remoteRev] });
  });
});

/** Writes `branch` (revs like '2-b', oldest first) under `id` with new_edits=false, each rev a child of the one before. */
async function putBranch(db: Loose, id: string, branch: Array<string | { rev: string; deleted?: boolean; value?: string }>): Promise<void> {
  const steps = branch.map((step) => (typeof step === 'string' ? { rev: step } : step));
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    const ids = steps.slice(0, i + 1).reverse().map((s) => s.rev.split('-')[1]);
    const doc: Loose = { _id: id, _rev: step.rev, value: step.value ?? `${id} ${step.rev}`, _revisions: { start: i + 1, ids } };
    if (step.deleted) doc._deleted = true;
    await db.put(doc, { new_edits: false });
  }
}

describe('test.revs_diff.js (http)', () => {
  it('lists only the revs the server lacks, for known, unknown, conflicting and deleted docs', async () => {
    const db = freshDb();
    for (const id of ['somestuff', 'constructor']) {
      const first = await db.post({ _id: id, test: 'x' });
      const second = await db.put({ _id: id, _rev: first.rev, another: 'test' });
      expect(await db.revsDiff({ [id]: [first.rev, second.rev] })).toEqual({});
      const diff = await db.revsDiff({ [id]: [first.rev, second.rev, '2-randomid'] });
      expect(diff[id].missing).toEqual(['2-randomid']);
    }
    expect((await db.revsDiff({ foo: ['1-a', '2-a', '2-b'] })).foo.missing).toEqual(['1-a', '2-a', '2-b']);
    await putBranch(db, '939', ['1-a', '2-a']);
    await putBranch(db, '939', ['1-a', '2-b']);
    await putBranch(db, '935', ['1-a', { rev: '2-a', deleted: true }]);
    expect(await db.revsDiff({ '939': ['1-a', '2-a', '2-b'], '935': ['1-a', '2-a'] })).toEqual({});
    expect(await db.revsDiff({})).toEqual({});
  });
});

describe('test.get.js (http)', () => {
  it('404 not_found for a missing doc or design doc; a deleted doc stays readable by rev', async () => {
    const db = freshDb();
    const info = await db.post({ test: 'somestuff' });
    expect(await failure(db.get(`${info.id}asdf`))).toMatchObject({ status: 404, name: 'not_found', message: 'missing' });
    await db.put({ _id: '_design/someid', test: 'somestuff' });
    expect(await failure(db.get('_design/someidasdf'))).toMatchObject({ status: 404, name: 'not_found', message: 'missing' });
    await db.remove({ _id: info.id, _rev: info.rev });
    expect(await failure(db.get(info.id))).toMatchObject({ status: 404, name: 'not_found' });
    expect(await db.get(info.id, { rev: info.rev })).toMatchObject({ test: 'somestuff' });
    expect(await failure(db.get(info.id, { rev: '1-nonexistentRev' }))).toMatchObject({ status: 404 });
  });

  it('rev, revs and revs_info along one branch or the winning one', async () => {
    const db = freshDb();
    const first = await db.post({ test: 'somestuff' });
    const second = await db.put({ _id: first.id, _rev: first.rev, another: 'test1' });
    const third = await db.put({ _id: first.id, _rev: second.rev, last: 'test2' });
    const doc = await db.get(first.id, { revs: true });
    expect(doc._revisions).toEqual({ start: 3, ids: [third, second, first].map((r) => r.rev.split('-')[1]) });
    expect((await db.get(first.id, { revs_info: true }))._revs_info).toHaveLength(3);
    expect((await db.get(first.id, { rev: first.rev })).test).toBe('somestuff');

    await putBranch(db, 'foo', ['1-a', '2-b', '3-c', '4-d']);
    expect((await db.get('foo', { rev: '3-c', revs: true }))._revisions).toEqual({ start: 3, ids: ['c', 'b', 'a'] });

    await putBranch(db, 'tree', ['1-a', '2-b', '3-c']);
    await putBranch(db, 'tree', ['1-a', '2-d', '3-e', '4-f']);
    expect((await db.get('tree', { revs: true }))._revisions).toEqual({ start: 4, ids: ['f', 'e', 'd', 'a'] });

    await putBranch(db, 'info', ['1-a', '2-b', '3-c']);
    await putBranch(db, 'info', ['1-a', '2-d', { rev: '3-e', deleted: true }]);
    expect((await db.get('info', { revs_info: true }))._revs_info.map((r: Loose) => r.rev)).toEqual(['3-c', '2-b', '1-a']);
  });

  it('conflicts, open_revs all or listed, with revs; bad open_revs are 400', async () => {
    const db = freshDb();
    await putBranch(db, 'foo', ['1-a', '2-b']);
    await putBranch(db, 'foo', ['1-a', '2-c']);
    await putBranch(db, 'foo', ['1-a', { rev: '2-d', deleted: true }]);
    const doc = await db.get('foo', { conflicts: true });
    expect([doc._rev, doc._conflicts]).toEqual(['2-c', ['2-b']]);
    const all = await db.get('foo', { open_revs: 'all' });
    expect(all.map((row: Loose) => row.ok._rev).sort()).toEqual(['2-b', '2-c', '2-d']);
    const listed = await db.get('foo', { open_revs: ['2-b'], revs: true });
    expect(listed[0].ok._revisions).toEqual({ start: 2, ids: ['b', 'a'] });
    const some = await db.get('foo', { open_revs: ['2-b', '5-nonexistent', '2-d'] });
    expect(some.filter((row: Loose) => row.missing).map((row: Loose) => row.missing)).toEqual(['5-nonexistent']);
    expect(some.filter((row: Loose) => row.ok).map((row: Loose) => row.ok._rev).sort()).toEqual(['2-b', '2-d']);
    const wrong = await failure(db.get('foo', { open_revs: { whatever: 'which is' } }));
    expect(['unknown_error', 'bad_request']).toContain(wrong.name);
    expect(await failure(db.get('foo', { open_revs: ['1-almost', '2-correct', 'keys'] }))).toMatchObject({ name: 'bad_request' });
  });

  it('a rev hash shared by two branches keeps each path (#5883)', async () => {
    const db = freshDb();
    await db.bulkDocs(
      [
        { _id: 'foo', _rev: '3-deleted', _deleted: true, _revisions: { start: 3, ids: ['deleted', '0a21b4bd4399b51e144a06b126031edc', 'created'] } },
        { _id: 'foo', _rev: '3-0a21b4bd4399b51e144a06b126031edc', _revisions: { start: 3, ids: ['0a21b4bd4399b51e144a06b126031edc', 'updated', 'created'] } },
      ],
      { new_edits: false },
    );
    expect((await db.get('foo', { revs: true }))._revisions).toEqual({ start: 3, ids: ['0a21b4bd4399b51e144a06b126031edc', 'updated', 'created'] });
  });

  it('latest=true follows a rev to its branch leaf, for rev and open_revs (5857)', async () => {
    const db = freshDb();
    const first = await db.post({ version: 'first' });
    const second = await db.put({ _id: first.id, _rev: first.rev, version: 'second' });
    expect((await db.get(first.id, { open_revs: [first.rev], latest: true }))[0].ok.version).toBe('second');
    const both = await db.get(first.id, { open_revs: [first.rev, second.rev], latest: true });
    expect(both.map((row: Loose) => row.ok.version)).toEqual(['second']);
    expect((await db.get(first.id, { rev: first.rev, latest: true })).version).toBe('second');

    const gone = await db.post({ version: 'first' });
    await db.put({ _id: gone.id, _rev: gone.rev, _deleted: true, version: 'second' });
    expect(await db.get(gone.id, { rev: gone.rev, latest: true })).toMatchObject({ _deleted: true, version: 'second' });

    await putBranch(db, 'mydoc', ['1-a', '2-b1', '3-c1', '4-d1']);
    await putBranch(db, 'mydoc', ['1-a', '2-b2', '3-c2']);
    expect((await db.get('mydoc', { rev: '2-b2', latest: true }))._rev).toBe('3-c2');
    const losing = await db.get('mydoc', { open_revs: ['2-b2', '3-c2'], latest: true });
    expect(losing.map((row: Loose) => row.ok._rev)).toEqual(['3-c2']);
    const branches = await db.get('mydoc', { open_revs: ['2-b1', '2-b2'], latest: true });
    expect(branches.map((row: Loose) => row.ok._rev).sort()).toEqual(['3-c2', '4-d1']);
  });

  it('parallel get-or-create of docs and _local docs settles (#2951)', async () => {
    const db = freshDb();
    const getOrCreate = async (id: string): Promise<unknown> => {
      try {
        return await db.get(id);
      } catch (err) {
        if ((err as Loose).status !== 404) throw err;
        await db.put({ _id: id, foo: 'bar' }).catch((e: Loose) => {
          if (e.status !== 409) throw e;
        });
        return db.get(id);
      }
    };
    const ids = ['a', 'b', 'c', '_local/a', '_local/b'].flatMap((id) => [id, id, id]);
    const docs = await Promise.all(ids.map(getOrCreate));
    expect(docs.every((doc: Loose) => doc.foo === 'bar')).toBe(true);
  });
});

describe('test.attachments.js (http)', () => {
  const TEXT = 'VGhpcyBpcyBhIGJhc2U2NCBlbmNvZGVkIHRleHQ='; // 'This is a base64 encoded text'
  const PNG =
    'iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAMAAAAoLQ9TAAAAMFBMVEX+9+j+9OD+7tL95rr93qT80YD7x2L6vkn6syz5qRT4ogT4nwD4ngD4nQD4nQD4' +
    'nQDT2nT/AAAAcElEQVQY002OUQLEQARDw1D14f7X3TCdbfPnhQTqI5UqvGOWIz8gAIXFH9zmC63XRyTsOsCWk2A9Ga7wCXlA9m2S6G4JlVwQkpw/Ymxr' +
    'UgNoMoyxBwSMH/WnAzy5cnfLFu+dK2l5gMvuPGLGJd1/9AOiBQiEgkzOpgAAAABJRU5ErkJggg==';
  const textDoc = (id = 'bin_doc'): object => ({ _id: id, _attachments: { 'foo.txt': { content_type: 'text/plain', data: TEXT } } });
  const att = (data: string, type = 'text/plain'): object => ({ content_type: type, data });
  const b64 = (text: string): string => Buffer.from(text, 'binary').toString('base64');

  it('refuses names starting with _, stubs of unknown digests (412) and data that is not base64 (3357, 2803)', async () => {
    const db = freshDb();
    expect(await failure(db.put({ _id: 'baz', _attachments: { '_text1.txt': att(b64('text1')) } }))).toMatchObject({ status: 400, name: 'bad_request' });
    await db.put(textDoc());
    const doc = await db.get('bin_doc');
    doc._attachments['bar.txt'] = { stub: true, digest: 'md5-sorryIDoNotReallyExist==' };
    expect((await failure(db.put(doc))).status).toBe(412);
    const stubOnly = { _id: 'stubby', _attachments: { 'foo.txt': { content_type: 'text/plain', digest: 'md5-aEI7pOYCRBLTRQvvqYrrJQ==', stub: true } } };
    expect((await failure(db.put(stubOnly))).status).toBe(412);
    expect(await failure(db.put({ _id: 'foo', _attachments: { 'foo.txt': att('this should have been encoded!') } }))).toBeTruthy();
    expect(await failure(db.bulkDocs({ docs: [{ _id: '_invalid' }, textDoc('other')] }))).toMatchObject({ status: 400 });
  });

  it('stubs carry content_type, digest, length and revpos, in get, allDocs and changes, live too (3963, 2771)', async () => {
    const db = freshDb();
    await db.put(textDoc());
    const check = (doc: Loose): void => {
      const { digest, ...rest } = doc._attachments['foo.txt'];
      // PouchDB lists the digests of older CouchDBs; CouchDB 3.4 hashes the gzip-compressed text (att_encoding).
      expect(digest).toMatch(/^md5-[A-Za-z0-9+/]{22}==$/);
      expect(rest).toEqual({ content_type: 'text/plain', stub: true, length: 29, revpos: 1 });
    };
    check(await db.get('bin_doc'));
    check((await db.allDocs({ include_docs: true })).rows[0].doc);
    check((await db.changes({ include_docs: true })).results[0].doc);
    const live = await new Promise<Loose>((resolve, reject) => {
      const feed = db
        .changes({ include_docs: true, live: true })
        .on('change', (change: Loose) => {
          feed.cancel();
          resolve(change);
        })
        .on('error', reject);
    });
    check(live.doc);
    await db.put(await db.get('bin_doc'));
    const again = await db.get('bin_doc');
    expect(again._attachments['foo.txt']).toMatchObject({ stub: true, length: 29, revpos: 1 });
  });

  it('attachments=true inlines data without stub or length, in get, allDocs and changes (#3074, #2858)', async () => {
    const db = freshDb();
    await db.bulkDocs([
      textDoc(),
      { _id: 'bin_doc2', _attachments: { 'foo.txt': att('') } },
      { _id: 'png_doc', _attachments: { 'foo.png': att(PNG, 'image/png') } },
      { _id: 'plain' },
      { _id: 'gone', _deleted: true },
    ]);
    const inline = (doc: Loose, name: string): Loose => {
      const { digest, revpos, ...rest } = doc._attachments[name];
      expect(typeof digest).toBe('string');
      expect(revpos).toBe(1);
      return rest;
    };
    const fromGet = await db.get('png_doc', { attachments: true });
    expect(inline(fromGet, 'foo.png')).toEqual({ content_type: 'image/png', data: PNG });
    expect(fromGet._attachments['foo.png'].digest).toBe('md5-c6eA+rofKUsstTNQBKUc8A==');
    expect(inline(await db.get('bin_doc2', { attachments: true }), 'foo.txt')).toEqual({ content_type: 'text/plain', data: '' });
    const all = await db.allDocs({ include_docs: true, attachments: true });
    expect(all.rows).toHaveLength(4);
    const byId = Object.fromEntries(all.rows.map((row: Loose) => [row.id, row.doc]));
    expect(inline(byId.bin_doc, 'foo.txt')).toEqual({ content_type: 'text/plain', data: TEXT });
    expect(byId.plain._attachments).toBeUndefined();
    const keyed = await db.allDocs({ keys: ['bin_doc', 'gone', 'nope'], include_docs: true, attachments: true });
    expect(inline(keyed.rows[0].doc, 'foo.txt').data).toBe(TEXT);
    expect(keyed.rows[1].doc).toBeNull();
    expect(keyed.rows[2].error).toBe('not_found');
    const changes = await db.changes({ include_docs: true, attachments: true });
    const changed = Object.fromEntries(changes.results.map((row: Loose) => [row.id, row]));
    expect(inline(changed.png_doc.doc, 'foo.png').data).toBe(PNG);
    expect(changed.gone.deleted).toBe(true);
    expect((await db.changes({ attachments: true })).results.every((row: Loose) => row.doc === undefined)).toBe(true);
    const stubs = await db.allDocs({ include_docs: true });
    expect(stubs.rows.find((row: Loose) => row.id === 'png_doc').doc._attachments['foo.png']).toMatchObject({ stub: true, length: 229 });
  });

  it('ignores unknown members of an inline attachment (#3881)', async () => {
    const db = freshDb();
    await db.put({ _id: 'foo', _attachments: { 'foo.txt': { data: '', content_type: 'text/plain', follows: false, foo: 'bar', baz: true, quux: 1 } } });
    const doc = await db.get('foo', { attachments: true });
    expect(Object.keys(doc._attachments['foo.txt']).filter((k) => k !== 'revpos').sort()).toEqual(['content_type', 'data', 'digest']);
  });

  it('putAttachment, getAttachment, removeAttachment: names with / ? @, new docs, bad and stale revs', async () => {
    const db = freshDb();
    const first = await db.put({ _id: 'mydoc' });
    const put = await db.putAttachment('mydoc', 'my/text?@', first.rev, Buffer.from('Mytext'), 'text/plain');
    expect(put.ok).toBe(true);
    const blob = await db.getAttachment('mydoc', 'my/text?@');
    expect(blob.toString()).toBe('Mytext');
    expect((await db.get('mydoc', { attachments: true }))._attachments['my/text?@'].data).toBe(b64('Mytext'));
    expect(await failure(db.putAttachment('mydoc', 'late.txt', first.rev, Buffer.from('bar'), 'text/plain'))).toMatchObject({
      status: 409,
      name: 'conflict',
    });

    expect((await db.putAttachment('anotherdoc', 'mytext', Buffer.from('Mytext'), 'text/plain')).ok).toBe(true);
    expect((await db.putAttachment('a', 'foo2.txt', '', '', 'text/plain')).ok).toBe(true);
    const empty = await db.get('a', { attachments: true });
    expect(empty._attachments['foo2.txt'].data).toBe('');
    expect(empty._attachments['foo2.txt'].content_type).toMatch(/^text\/plain/);
    await db.putAttachment('b64', 'att', 'Zm9v', 'text/plain');
    expect((await db.get('b64', { attachments: true }))._attachments.att.data).toBe('Zm9v');
    const binary = Buffer.from('1\u00002\u00013\u0002', 'binary');
    await db.putAttachment('bin', '1', binary, 'application/octet-stream');
    const got = await db.getAttachment('bin', '1');
    expect(Buffer.compare(got, binary)).toBe(0);

    const two = await db.put({ _id: 'two', _attachments: { mytext1: att('TXl0ZXh0MQ=='), mytext2: att('TXl0ZXh0Mg==') } });
    expect(await failure(db.removeAttachment('two', 'mytext1', 0))).toBeTruthy();
    const removed = await db.removeAttachment('two', 'mytext1', two.rev);
    const left = await db.get('two', { attachments: true });
    expect(Object.keys(left._attachments)).toEqual(['mytext2']);
    await db.removeAttachment('two', 'mytext2', removed.rev);
    expect(await db.get('two')).not.toHaveProperty('_attachments');

    expect((await failure(db.getAttachment('unexistent', 'attachment'))).status).toBe(404);
    expect((await failure(db.getAttachment('mydoc', 'unexistentAttachment'))).status).toBe(404);
  });

  it('revpos follows putAttachment and inline edits (#2709); partial stubs keep the others', async () => {
    const db = freshDb();
    await db.putAttachment('a', 'one', '', b64('one'), 'text/plain');
    let doc = await db.get('a');
    expect(doc._attachments.one.revpos).toBe(1);
    expect((await db.allDocs({ keys: ['a'], include_docs: true })).rows[0].doc._attachments.one.revpos).toBe(1);
    await db.putAttachment('a', 'two', doc._rev, b64('two'), 'text/plain');
    doc = await db.get('a');
    expect([doc._attachments.one.revpos, doc._attachments.two.revpos]).toEqual([1, 2]);
    await db.putAttachment('a', 'one', doc._rev, b64('one-changed'), 'text/plain');
    doc = await db.get('a');
    expect([doc._attachments.one.revpos, doc._attachments.two.revpos]).toEqual([3, 2]);
    doc._attachments.three = att(b64('three'));
    delete doc._attachments.two.stub;
    doc._attachments.two = att(b64('two-changed'));
    await db.put(doc);
    doc = await db.get('a', { attachments: true });
    expect([doc._attachments.one.revpos, doc._attachments.two.revpos, doc._attachments.three.revpos]).toEqual([3, 4, 4]);
    expect(doc._attachments.one.data).toBe(b64('one-changed'));
  });

  it('new_edits=false with inline attachments, twice, keeps the rev and its data', async () => {
    const db = freshDb();
    const doc = {
      _id: 'doc',
      _rev: '2-x',
      _revisions: { start: 2, ids: ['x', 'a'] },
      _attachments: { 'foo.txt': att('Zm9v'), 'bar.txt': att('Zm9v'), 'baz.txt': att('Zm9v') },
    };
    await db.bulkDocs([doc], { new_edits: false });
    await db.bulkDocs([doc], { new_edits: false });
    const saved = await db.get('doc', { attachments: true });
    expect(saved._rev).toBe('2-x');
    expect(Object.values(saved._attachments).map((a: Loose) => a.data)).toEqual(['Zm9v', 'Zm9v', 'Zm9v']);
    const frog = {
      _id: 'frog',
      _rev: '1-x',
      _revisions: { start: 1, ids: ['x'] },
      _attachments: { 'foo.txt': att('') },
    };
    await db.bulkDocs({ docs: [frog], new_edits: false });
    const res = await db.get('frog', { revs: true, open_revs: ['1-x', '2-fake'], attachments: true });
    expect(res.filter((row: Loose) => row.ok && row.ok._attachments)).toHaveLength(1);
  });

  it('getAttachment by rev: each rev has its own data; a rev without the attachment is 404', async () => {
    const db = freshDb();
    const doc: Loose = { _id: 'a', _attachments: { 'foo.txt': att('Zm9v') } };
    const revs: string[] = [];
    for (const data of ['YmFy', 'YmF6']) {
      doc._rev = (await db.put(doc)).rev;
      revs.push(doc._rev);
      doc._attachments = { 'foo.txt': att(data) };
    }
    revs.push((await db.put(doc)).rev);
    const read = async (options?: object): Promise<string> => (await db.getAttachment('a', 'foo.txt', options ?? {})).toString();
    expect([await read(), await read({ rev: revs[2] }), await read({ rev: revs[1] }), await read({ rev: revs[0] })]).toEqual([
      'baz',
      'baz',
      'bar',
      'foo',
    ]);
    const plain: Loose = { _id: 'b' };
    const rev1 = (plain._rev = (await db.put(plain)).rev);
    plain._attachments = { 'foo.txt': att('Zm9v') };
    const rev2 = (plain._rev = (await db.put(plain)).rev);
    delete plain._attachments;
    const rev3 = (await db.put(plain)).rev;
    expect((await db.getAttachment('b', 'foo.txt', { rev: rev2 })).toString()).toBe('foo');
    for (const options of [{ rev: rev1 }, { rev: '3-fake' }, {}, { rev: rev3 }]) {
      expect([options, (await failure(db.getAttachment('b', 'foo.txt', options))).status]).toEqual([options, 404]);
    }
  });

  it('an older revision keeps its own attachment after an edit and compaction (#2818)', async () => {
    const db = freshDb();
    const first = await db.put({ _id: 'doc', _attachments: { 'foo.txt': att('Zm9vYmFy') } });
    const doc = await db.get('doc');
    doc._attachments['foo.txt'] = att('dG90bw==');
    await db.put(doc);
    expect((await db.get('doc', { attachments: true }))._attachments['foo.txt'].data).toBe('dG90bw==');
    expect((await db.get('doc', { rev: first.rev, attachments: true }))._attachments['foo.txt'].data).toBe('Zm9vYmFy');
    await db.bulkDocs(Array.from({ length: 50 }, (_, i) => ({ _id: `doc${i}`, _attachments: { 'foo.txt': att('Zm9vYmFy') } })));
    const same = await db.put({ _id: 'foo' });
    await db.putAttachment('foo', 'att', same.rev, 'Zm9v', 'text/plain');
    await db.put(await db.get('foo'));
    await db.compact();
    expect((await db.get('foo', { attachments: true }))._attachments.att.data).toBe('Zm9v');
  });

  it('attachments replicate both ways with a PouchDB in memory', async () => {
    const local = new PouchDB(`att_local_${Date.now()}`, { adapter: 'memory' });
    const remote = freshDb();
    const doc: Loose = { _id: 'doc', _attachments: { 'foo.txt': att(b64('foo')) } };
    await local.bulkDocs({ docs: [doc] });
    await local.replicate.to(remote);
    await remote.put({ ...doc, _id: 'doc2' });
    await local.put({ ...doc, _id: 'doc3' });
    const many: Loose = { _id: 'many', _attachments: {} };
    for (let i = 0; i < 50; i++) many._attachments[`${i}.png`] = att(PNG, 'image/png');
    await local.put(many);
    await local.sync(remote);
    for (const pouch of [local, remote]) {
      const all = await pouch.allDocs({ include_docs: true, attachments: true });
      expect(all.rows).toHaveLength(4);
      for (const row of all.rows.filter((r: Loose) => r.id !== 'many')) {
        expect(row.doc._attachments['foo.txt']).toMatchObject({ content_type: 'text/plain', data: b64('foo'), digest: expect.any(String) });
        expect(row.doc._attachments['foo.txt']).not.toHaveProperty('stub');
      }
    }
    const copied = await remote.get('many', { attachments: true });
    expect(Object.keys(copied._attachments)).toHaveLength(50);
    expect(copied._attachments['7.png'].data).toBe(PNG);
    await local.destroy();
  });
});

describe('test.conflicts.js (http)', () => {
  it('a stale or missing rev conflicts; a deleted doc is re-created without one', async () => {
    const db = freshDb();
    const first = await db.put({ _id: 'foo', a: 1 });
    const stale = await db.get('foo');
    await db.put({ _id: 'foo', _rev: first.rev, a: 2 });
    expect(await failure(db.put({ ...stale, a: 3 }))).toMatchObject({ status: 409, name: 'conflict' });
    expect((await db.changes({ return_docs: true })).results).toHaveLength(1);
    expect(await failure(db.put({ _id: 'foo', a: 3 }))).toMatchObject({ name: 'conflict' });
    const fubar = await db.put({ _id: 'fubar', a: 1 });
    await db.remove('fubar', fubar.rev);
    expect((await db.put({ _id: 'fubar', a: 1 })).ok).toBe(true);
  });

  it('force puts a sibling of a non-leaf revision, which loses', async () => {
    const db = freshDb();
    const rev1 = (await db.put({ _id: 'docId', update: 1 })).rev;
    const rev2 = (await db.put({ _id: 'docId', update: 2, _rev: rev1 })).rev;
    const rev3 = (await db.put({ _id: 'docId', update: 3, _rev: rev2 })).rev;
    const forced = (await db.put({ _id: 'docId', update: 2.2, _rev: rev1 }, { force: true })).rev;
    expect(forced).toMatch(/^2-/);
    const doc = await db.get('docId', { conflicts: true, revs: true });
    expect([doc._rev, doc._conflicts]).toEqual([rev3, [forced]]);
    expect((await db.get('docId', { rev: forced })).update).toBe(2.2);
  });

  it('the winner: longest history, then the greater rev; live leaves beat deleted ones', async () => {
    const leaf = (rev: string, ids: string[], deleted = false): Loose => ({
      _id: 'fubar',
      _rev: rev,
      _revisions: { start: Number(rev.split('-')[0]), ids },
      ...(deleted ? { _deleted: true } : {}),
    });
    const cases: Array<[Loose[], string]> = [
      [[leaf('1-a', ['a']), leaf('1-b', ['b']), leaf('1-1', ['1'])], '1-b'],
      [[leaf('2-a', ['a']), leaf('1-b', ['b'])], '2-a'],
      [[leaf('10-a', ['a']), leaf('2-b', ['b'])], '10-a'],
      [[leaf('1-a1', ['a1']), leaf('2-a2', ['a2', 'a1']), leaf('3-a3', ['a3', 'a2', 'a1'], true), leaf('1-b1', ['b1'])], '1-b1'],
      [[leaf('3-a3', ['a3', 'a2', 'a1'], true), leaf('2-a2', ['a2', 'a1']), leaf('1-a1', ['a1']), leaf('1-b1', ['b1'])], '1-b1'],
      [[leaf('2-a2', ['a2', 'a1']), leaf('1-b1', ['b1'], true), leaf('1-c1', ['c1'], true)], '2-a2'],
      [[leaf('1-b1', ['b1'], true), leaf('1-c1', ['c1'], true), leaf('2-a2', ['a2', 'a1'])], '2-a2'],
    ];
    for (const [docs, winner] of cases) {
      const db = freshDb();
      await db.bulkDocs({ docs, new_edits: false });
      expect([docs.map((d) => d._rev), (await db.get('fubar'))._rev]).toEqual([docs.map((d) => d._rev), winner]);
      expect((await db.info()).doc_count).toBe(1);
    }
    const db = freshDb();
    await db.bulkDocs({ docs: [leaf('1-1', ['1'])], new_edits: false });
    await db.bulkDocs({ docs: [leaf('2-2', ['2', '1'])], new_edits: false });
    expect((await db.get('fubar'))._rev).toBe('2-2');
  });

  it('merges 500 sibling branches (#2543) and edits a losing leaf (5832)', async () => {
    const db = freshDb();
    await db.bulkDocs([{ _id: 'foo', _rev: '1-a' }], { new_edits: false });
    for (let batch = 0; batch < 10; batch++) {
      const docs = Array.from({ length: 50 }, (_, i) => ({ _id: 'foo', _rev: `2-${batch}a${i}`, _revisions: { start: 2, ids: [`${batch}a${i}`, 'a'] } }));
      await db.bulkDocs(docs, { new_edits: false });
    }
    expect(await db.get('foo', { open_revs: 'all' })).toHaveLength(500);
    await db.bulkDocs(
      {
        docs: [
          { _id: 'fubar', _rev: '1-a1', _revisions: { start: 1, ids: ['a1'] } },
          { _id: 'fubar', _rev: '2-a2', _revisions: { start: 2, ids: ['a2', 'a1'] } },
          { _id: 'fubar', _rev: '2-b2', _revisions: { start: 2, ids: ['b2', 'a1'] } },
        ],
      },
      { new_edits: false },
    );
    const doc = await db.get('fubar', { conflicts: true });
    expect((await db.remove(doc)).rev).toMatch(/^3-/);
  });
});

describe('test.local_docs.js (http)', () => {
  it('_local docs: revs 0-N, removal to 0-0, re-creation, _revisions dropped', async () => {
    const db = freshDb();
    const first = await db.put({ _id: '_local/quux' });
    expect(first).toMatchObject({ ok: true, id: '_local/quux', rev: '0-1' });
    const second = await db.put({ _id: '_local/quux', _rev: first.rev });
    expect(second.rev).toBe('0-2');
    expect((await db.put({ _id: '_local/quux', _rev: second.rev })).rev).toBe('0-3');
    const doc = await db.get('_local/quux');
    expect(doc).not.toHaveProperty('_revisions');
    await db.put({ ...doc, _revisions: { start: 0, ids: ['1'] } });
    expect(await db.get('_local/quux')).not.toHaveProperty('_revisions');

    const foo = await db.put({ _id: '_local/foo' });
    const removed = await db.remove({ _id: '_local/foo', _rev: foo.rev });
    expect(removed).toMatchObject({ ok: true, id: '_local/foo', rev: '0-0' });
    expect(await failure(db.get('_local/foo'))).toMatchObject({ status: 404, name: 'not_found' });
    const again = await db.put({ _id: '_local/foo' });
    const deletedByPut = await db.put({ _id: '_local/foo', _rev: again.rev, _deleted: true });
    expect(deletedByPut.rev).toBe('0-0');
    expect((await db.put({ _id: '_local/foo' })).ok).toBe(true);
  });

  it('removing a missing _local doc is 404; a put with a rev that is not 0-N fails', async () => {
    const db = freshDb();
    expect(await failure(db.remove({ _id: '_local/foo', _rev: '1-fake' }))).toMatchObject({ status: 404, error: 'not_found' });
    const err = await failure(db.put({ _id: '_local/bar', _rev: '1-fake' }));
    expect(typeof err.error).toBe('string');
    expect(err.status).toBeGreaterThanOrEqual(400);
  });
});

describe('test.design_docs.js, test.bulk_get.js, test.http.js (http)', () => {
  const ddoc = {
    _id: '_design/foo',
    views: {
      scores: {
        map: 'function (doc) { if (doc.score) { emit(null, doc.score); } }',
        reduce: 'function (keys, values, rereduce) { return sum(values); }',
      },
    },
    filters: { even: 'function (doc) { return doc.integer % 2 === 0; }' },
  };

  it('a live feed through a design-doc filter; views with and without reduce, queried at once', async () => {
    const db = freshDb();
    await db.bulkDocs({ docs: [ddoc, ...[0, 1, 2, 3].map((i) => ({ _id: String(i), integer: i }))] });
    const seen = await new Promise<string[]>((resolve, reject) => {
      const ids: string[] = [];
      const feed = db
        .changes({ live: true, filter: 'foo/even' })
        .on('change', (change: Loose) => {
          ids.push(change.id);
          if (ids.length === 4) feed.cancel();
        })
        .on('complete', () => resolve(ids))
        .on('error', reject);
      void db.bulkDocs({ docs: [4, 5, 6, 7].map((i) => ({ _id: String(i), integer: i })) });
    });
    expect(seen).toEqual(['0', '2', '4', '6']);
    await db.bulkDocs([
      { _id: 'dale', score: 3 },
      { _id: 'mikeal', score: 5 },
      { _id: 'max', score: 4 },
      { _id: 'nuno', score: 3 },
    ]);
    const [plain, reduced] = await Promise.all([db.query('foo/scores', { reduce: false }), db.query('foo/scores')]);
    expect(plain.rows).toHaveLength(4);
    expect(reduced.rows[0].value).toBe(15);
  });

  it('bulkGet with and without rev, revs and attachments', async () => {
    const db = freshDb();
    const { rev } = await db.put({ _id: 'foo', val: 1, _attachments: { 'foo.txt': { content_type: 'text/plain', data: 'Zm9v' } } });
    for (const docs of [[{ id: 'foo', rev }], [{ id: 'foo' }]]) {
      const plain = (await db.bulkGet({ docs })).results[0];
      expect(plain.id).toBe('foo');
      expect(plain.docs[0].ok._rev).toBe(rev);
      expect(plain.docs[0].ok).not.toHaveProperty('_revisions');
      expect(plain.docs[0].ok._attachments['foo.txt'].stub).toBe(true);
      const full = (await db.bulkGet({ docs, revs: true, attachments: true })).results[0].docs[0].ok;
      expect(full._revisions.ids[0]).toBe(rev.slice(2));
      expect(full._attachments['foo.txt'].data).toBe('Zm9v');
    }
  });

  it('skip_setup reaches a missing database as 404; design ids with slashes; long keys lists', async () => {
    const n = h.next();
    const missing = new PouchDB(remoteUrl(`never_${n}`), { skip_setup: true });
    expect(await failure(missing.post({ test: 'abc' }))).toMatchObject({ status: 404, name: 'not_found' });
    const db = freshDb();
    await db.bulkDocs({ docs: [{ _id: '_design/foo/bar' }] });
    expect((await db.get('_design/foo/bar'))._id).toBe('_design/foo/bar');
    const ids = Array.from({ length: 75 }, (_, i) => `fairly_long_doc_name_${i}`);
    await db.bulkDocs(ids.map((id) => ({ _id: id })));
    expect((await db.allDocs({ keys: ids })).rows).toHaveLength(75);
    const custom = new PouchDB(remoteUrl(`custom_${n}`), { fetch: (url: string, opts: Loose) => {
      opts.headers.set('X-Custom', 'some-custom-header');
      return PouchDB.fetch(url, opts);
    } });
    expect((await custom.info()).doc_count).toBe(0);
  });
});

describe('test.compaction.js (http)', () => {
  it('compact answers ok and, afterwards, only leaf revisions keep a body', async () => {
    const db = freshDb();
    expect(await db.compact()).toEqual({ ok: true });
    const first = await db.post({ _id: 'foo', value: 'bar' });
    const second = await db.post({ _id: 'foo', _rev: first.rev, value: 'baz' });
    const gone = await db.put({ _id: 'gone' });
    await db.remove('gone', gone.rev);
    await putBranch(db, 'tree', ['1-a', '2-b', '3-c']);
    await putBranch(db, 'tree', ['1-a', '2-d', '3-e', '4-f']);
    await putBranch(db, 'tree', ['1-a', '2-g', '3-h', '4-i', { rev: '5-j', deleted: true }]);
    expect(await db.compact({})).toEqual({ ok: true });
    expect(await failure(db.get('foo', { rev: first.rev }))).toMatchObject({ status: 404, name: 'not_found' });
    expect((await db.get('foo', { rev: second.rev })).value).toBe('baz');
    expect(await failure(db.get('gone', { rev: gone.rev }))).toMatchObject({ status: 404, message: 'missing' });
    for (const rev of ['1-a', '2-b', '2-d', '3-e', '2-g', '4-i']) {
      expect([rev, (await failure(db.get('tree', { rev }))).status]).toEqual([rev, 404]);
    }
    for (const rev of ['3-c', '4-f', '5-j']) expect((await db.get('tree', { rev }))._rev).toBe(rev);
    // Histories stay whole: open_revs with revs still lists every ancestor.
    const leaves = await db.get('tree', { open_revs: 'all', revs: true });
    expect(leaves.map((leaf: Loose) => leaf.ok._revisions.ids.length).sort()).toEqual([3, 4, 5]);
  });

  it('compactions in parallel with writes and attachment puts (#2913, #2931)', async () => {
    const db = freshDb();
    await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        await db.put({ _id: `doc_${i}` });
        await db.compact();
        await db.put(await db.get(`doc_${i}`));
        await db.compact();
      }),
    );
    await db.put({ _id: 'doc' });
    const compactions: Array<Promise<unknown>> = [];
    for (let i = 0; i < 10; i++) {
      const doc = await db.get('doc');
      await db.putAttachment('doc', 'att.txt', doc._rev, Buffer.from(String(Math.random())), 'text/plain');
      compactions.push(Promise.all([db.compact(), db.compact()]));
    }
    await Promise.all(compactions);
    expect((await db.get('doc'))._rev).toMatch(/^11-/);
  });
});

describe('test.issue*.js (http)', () => {
  it('#3646 a doc whose every leaf ends deleted counts as no doc', async () => {
    const db = freshDb();
    const leaf = (start: number, ids: string[], deleted = true): object => ({
      _id: 'b74e3b45',
      _rev: `${start}-${ids[0]}`,
      _revisions: { start, ids },
      ...(deleted ? { _deleted: true } : {}),
    });
    await db.bulkDocs(
      {
        docs: [
          leaf(2, ['4e16ac64356d4358bf1bdb4857fc299f', 'aed67b17ea5ba6b78e704ad65d3fb5db']),
          leaf(3, ['f28d17ab990dcadd20ad38860fde9f11', '6cf4b9e2115d7e884292b97aa8765285', 'dcfdf66ab61873ee512a9ccf3e3731a1'], false),
          leaf(6, ['441f43a31c89dc68a7cc934ce5779bf8', '4c7f8b00508144d049d18668d17e552a', 'e8431fb3b448f3457c5b2d77012fa8b4']),
        ],
      },
      { new_edits: false },
    );
    expect((await db.info()).doc_count).toBe(1);
    await db.bulkDocs(
      {
        docs: [
          leaf(4, [
            'dbaa7e6c02381c2c0ec5259572387d7c',
            'f28d17ab990dcadd20ad38860fde9f11',
            '6cf4b9e2115d7e884292b97aa8765285',
            'dcfdf66ab61873ee512a9ccf3e3731a1',
          ]),
        ],
      },
      { new_edits: false },
    );
    expect((await db.info()).doc_count).toBe(0);
    expect((await db.allDocs()).rows).toHaveLength(0);
  });

  it('#2674 an attachment removed on one side and a body edited on the other sync to a third PouchDB', async () => {
    const memory = (name: string): Loose => new PouchDB(`${name}_${Date.now()}_${h.next()}`, { adapter: 'memory' });
    const [dbA, dbB, dbC] = [memory('a'), memory('b'), memory('c')];
    const remote = freshDb();
    const img1 = 'iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAMAAAAoLQ9TAAAAMFBMVEX+9+j+9OD+7tL95rr93qT80YD7x2L6vkn6syz5qRT4ogT4nwD4ngD4nQD4nQD4nQDT2nT/AAAAcElEQVQY002OUQLEQARDw1D14f7X3TCdbfPnhQTqI5UqvGOWIz8gAIXFH9zmC63XRyTsOsCWk2A9Ga7wCXlA9m2S6G4JlVwQkpw/YmxrUgNoMoyxBwSMH/WnAzy5cnfLFu+dK2l5gMvuPGLGJd1/9AOiBQiEgkzOpgAAAABJRU5ErkJggg==';
    const img2 = img1.replace(/ggg==$/, 'ffQ==');
    const revs: string[] = [];
    revs.push((await dbA.put({ _id: 'a', a: 1 })).rev);
    revs.push((await dbA.putAttachment('a', 'image1.png', revs[0], img1, 'image/png')).rev);
    revs.push((await dbA.putAttachment('a', 'image2.png', revs[1], img2, 'image/png')).rev);
    await dbA.sync(remote);
    const again = (await dbA.put(await dbA.get('a'))).rev;
    await dbA.removeAttachment('a', 'image1.png', again);
    await dbB.sync(remote);
    await dbB.put({ _id: 'a', _rev: revs[2], a: 2 });
    await dbA.sync(remote);
    await dbB.sync(remote);
    await dbC.sync(remote);
    const res = await dbC.allDocs({ include_docs: true, attachments: true });
    expect(res.rows).toHaveLength(1);
    const doc = res.rows[0].doc;
    expect(doc.a).toBe(1);
    expect(Object.keys(doc._attachments)).toEqual(['image2.png']);
    expect(doc._attachments['image2.png']).toMatchObject({ content_type: 'image/png', data: img2 });
    for (const db of [dbA, dbB, dbC]) await db.destroy();
  });
});

describe('tests/find (pouchdb-find over http)', () => {
  const ALL_DOCS_INDEX = { ddoc: null, name: '_all_docs', type: 'special', def: { fields: [{ _id: 'asc' }] } };
  const fooIndex = { index: { fields: ['foo'] }, name: 'foo-index', type: 'json' };

  it('createIndex: created, then exists without a new rev; getIndexes lists it after _all_docs', async () => {
    const db = freshDb();
    expect(await db.getIndexes()).toEqual({ total_rows: 1, indexes: [ALL_DOCS_INDEX] });
    const created = await db.createIndex(fooIndex);
    expect(created).toMatchObject({ id: expect.stringMatching(/^_design\//), name: 'foo-index', result: 'created' });
    const again = await db.createIndex(fooIndex);
    expect(again).toMatchObject({ id: created.id, name: 'foo-index', result: 'exists' });
    expect((await db.get(created.id))._rev).toMatch(/^1-/);
    const listed = await db.getIndexes();
    expect(listed.total_rows).toBe(2);
    expect(listed.indexes[1]).toEqual({ ddoc: created.id, name: 'foo-index', type: 'json', partitioned: false, def: { fields: [{ foo: 'asc' }] } });
    const twin = await db.createIndex({ ...fooIndex, name: 'bar-index' });
    expect(twin.result).toBe('created');
    expect(twin.id).not.toBe(created.id);
  });

  it('the design doc it writes: language query, a _count view over the fields, the definition in options', async () => {
    const db = freshDb();
    const { id } = await db.createIndex({ index: { fields: [{ foo: 'asc' }, 'bar'] }, name: 'foo-index', type: 'json' });
    const ddoc = await db.get(id);
    expect(ddoc.language).toBe('query');
    expect(ddoc.views['foo-index']).toMatchObject({
      map: { fields: { foo: 'asc', bar: 'asc' } },
      reduce: '_count',
      options: { def: { fields: [{ foo: 'asc' }, 'bar'] } },
    });
  });

  it('deleteIndex: ok, with or without type; the last index of a ddoc takes the ddoc with it', async () => {
    const db = freshDb();
    await db.createIndex({ index: { fields: ['foo'] }, name: 'foo-index' });
    const [, index] = (await db.getIndexes()).indexes;
    const { type: _type, ...untyped } = index;
    expect(await db.deleteIndex(untyped)).toEqual({ ok: true });
    expect(await db.getIndexes()).toEqual({ total_rows: 1, indexes: [ALL_DOCS_INDEX] });

    await db.createIndex({ index: { fields: ['foo'] }, name: 'myname', ddoc: 'myddoc' });
    await db.createIndex({ index: { fields: ['bar'] }, name: 'myname2', ddoc: 'myddoc' });
    const mine = (await db.getIndexes()).indexes.find((i: Loose) => i.name === 'myname');
    await db.deleteIndex(mine);
    expect(Object.keys((await db.get('_design/myddoc')).views)).toEqual(['myname2']);
    const last = (await db.getIndexes()).indexes.find((i: Loose) => i.name === 'myname2');
    await db.deleteIndex(last);
    expect(await failure(db.get('_design/myddoc'))).toMatchObject({ status: 404 });

    expect(await failure(db.deleteIndex({ ddoc: 'foo', name: 'bar' }))).toMatchObject({ status: 404 });
  });

  it('errors: no selector, a sort as an object, a mixed-direction index, an operator misused, a view ddoc', async () => {
    const db = freshDb();
    await db.createIndex(fooIndex);
    await db.bulkDocs([
      { _id: '1', foo: 'eyo' },
      { _id: '2', foo: 'ebb' },
    ]);
    expect(await failure(db.find({}))).toBeInstanceOf(Error);
    expect(await failure(db.find({ fields: ['_id', 'foo'], sort: [{ foo: 'asc' }] }))).toBeInstanceOf(Error);
    expect(await failure(db.find({ selector: { foo: { $lte: 'eba' } }, sort: { foo: 'asc' } }))).toBeInstanceOf(Error);
    expect(await failure(db.createIndex({ index: { fields: [{ foo: 'desc' }, 'bar'] }, name: 'mixed', type: 'json' }))).toBeInstanceOf(Error);
    expect(await failure(db.find({ selector: { foo: { $mod: { gte: 3 } } } }))).toBeInstanceOf(Error);
    await db.put({ _id: '_design/myddoc', views: { 'foo-index': { map: 'function (){emit(1)}' } } });
    expect(await failure(db.createIndex({ ...fooIndex, ddoc: 'myddoc' }))).toBeInstanceOf(Error);
    expect(await failure(db.createIndex({}))).toBeInstanceOf(Error);
  });

  it('find: equality, ranges and sort on an index, fields, limit and skip, $or and $in, use_index in explain', async () => {
    const db = freshDb();
    await db.bulkDocs([
      { name: 'mario', _id: 'mario', rank: 5, series: 'mario', debut: 1981 },
      { name: 'jigglypuff', _id: 'puff', rank: 8, series: 'pokemon', debut: 1996 },
      { name: 'link', rank: 10, _id: 'link', series: 'zelda', debut: 1986 },
      { name: 'donkey kong', rank: 7, _id: 'dk', series: 'mario', debut: 1981 },
      { name: 'pikachu', series: 'pokemon', _id: 'pikachu', rank: 1, debut: 1996 },
      { name: 'luigi', rank: 11, _id: 'luigi', series: 'mario', debut: 1983 },
      { name: 'yoshi', _id: 'yoshi', rank: 6, series: 'mario', debut: 1990 },
    ]);
    await db.createIndex({ index: { fields: ['name', 'series'] }, ddoc: 'index-1', type: 'json' });
    await db.createIndex({ index: { fields: ['name', 'debut'] }, ddoc: 'index-2', type: 'json' });
    await db.createIndex({ index: { fields: ['rank'] } });
    // PouchDB asks with {name: 'mario'} alone; CouchDB 3 (mango_idx_view is_usable) only uses a json index whose
    // every field the selector requires, so the selector names debut too.
    const explained = await db.explain({ selector: { name: 'mario', debut: { $gt: 0 } }, use_index: 'index-2', fields: ['_id'] });
    expect(explained.index.ddoc).toBe('_design/index-2');
    const sorted = await db.find({ selector: { rank: { $gt: 5 } }, sort: ['rank'], fields: ['_id', 'rank'], limit: 3, skip: 1 });
    expect(sorted.docs).toEqual([
      { _id: 'dk', rank: 7 },
      { _id: 'puff', rank: 8 },
      { _id: 'link', rank: 10 },
    ]);
    const down = await db.find({ selector: { rank: { $gte: 0 } }, sort: [{ rank: 'desc' }], fields: ['_id'], limit: 2 });
    expect(down.docs).toEqual([{ _id: 'luigi' }, { _id: 'link' }]);
    const either = await db.find({ selector: { $or: [{ series: 'zelda' }, { debut: { $in: [1996] } }] }, fields: ['_id'] });
    expect(either.docs.map((d: Loose) => d._id).sort()).toEqual(['link', 'pikachu', 'puff']);
    expect(either.warning).toMatch(/No matching index found/);
    const byName = await db.find({ selector: { name: 'mario', series: 'mario' } });
    expect(byName.docs).toHaveLength(1);
    expect(byName.docs[0]).toMatchObject({ _id: 'mario', _rev: expect.any(String) });
  });
});

describe('test.replication.js (PouchDB-driven, with settee-server on one or both ends)', () => {
  const memory = (): Loose => new PouchDB(`repl_${Date.now()}_${h.next()}`, { adapter: 'memory' });
  const docs = [
    { _id: '0', integer: 0, string: '0' },
    { _id: '1', integer: 1, string: '1' },
    { _id: '2', integer: 2, string: '2' },
  ];

  it('pull, push and http-to-http copy everything once, checkpoint, and read nothing the second time', async () => {
    const remote = freshDb();
    await remote.bulkDocs(docs.concat([{ _id: '4/5', integer: 4, string: '4' }, { _id: '3&2', integer: 3, string: '3' }]));
    const local = memory();
    const pulled = await local.replicate.from(remote);
    expect([pulled.ok, pulled.docs_written]).toEqual([true, 5]);
    const again = await local.replicate.from(remote);
    expect([again.docs_read, again.docs_written]).toEqual([0, 0]);
    const edited = await remote.get('0');
    await remote.put({ ...edited, count: 1 });
    expect((await local.replicate.from(remote)).docs_written).toBe(1);

    const target = freshDb();
    const pushed = await local.replicate.to(target);
    expect(pushed.docs_written).toBe(5);
    expect((await local.replicate.to(target)).docs_read).toBe(0);
    const copy = freshDb();
    const copied = await PouchDB.replicate(remote, copy);
    expect(copied.docs_written).toBe(5);
    expect((await copy.info()).doc_count).toBe(5);
    await local.destroy();
  });

  it('many conflicts, staggered conflicts and a 500-generation history arrive whole (#2543)', async () => {
    const remote = freshDb();
    const many = Array.from({ length: 200 }, (_, i) => ({ _id: 'doc', _rev: `1-${i.toString(16).padStart(32, '0')}` }));
    await remote.bulkDocs({ docs: many }, { new_edits: false });
    const local = memory();
    const first = await local.replicate.from(remote);
    expect(first.docs_written).toBe(200);
    expect(await local.get('doc', { open_revs: 'all' })).toHaveLength(200);
    await remote.bulkDocs({ docs: [{ _id: 'doc', _rev: `1-${'f'.repeat(32)}` }] }, { new_edits: false });
    const second = await local.replicate.from(remote);
    expect([second.docs_read, second.docs_written]).toEqual([1, 1]);

    const ids = Array.from({ length: 499 }, (_, i) => i.toString(16).padStart(32, 'c'));
    const long = { _id: 'long', _rev: `500-${'a'.repeat(32)}`, _revisions: { start: 500, ids: ['a'.repeat(32), ...ids] } };
    await remote.bulkDocs([long], { new_edits: false });
    await local.replicate.from(remote);
    expect((await local.get('long', { revs: true }))._revisions.ids).toHaveLength(500);
    await local.destroy();
  });

  it('deletions, undeletion and 50 conflicting leaves replicate to the server with the same leaves (2779, #3136)', async () => {
    const local = memory();
    const remote = freshDb();
    const { rev } = await local.put({ _id: 'foo' });
    await local.replicate.to(remote);
    await local.remove('foo', rev);
    await local.replicate.to(remote);
    const tomb = (await local.allDocs({ keys: ['foo'] })).rows[0].value.rev;
    await local.put({ _id: 'foo', _rev: tomb });
    await local.replicate.to(remote);
    expect((await remote.get('foo', { open_revs: 'all', revs: true }))[0].ok._revisions.ids).toHaveLength(3);

    await local.bulkDocs(
      Array.from({ length: 50 }, (_, i) => ({ _id: 'bar', _rev: `2-${i}`, _deleted: i % 3 === 1, _revisions: { start: 2, ids: [String(i), 'x'] } })),
      { new_edits: false },
    );
    await local.replicate.to(remote);
    const leaves = async (db: Loose): Promise<string[]> => (await db.get('bar', { open_revs: 'all' })).map((r: Loose) => r.ok._rev).sort();
    expect(await leaves(remote)).toEqual(await leaves(local));
    const simplify = (res: Loose): Loose =>
      res.results.map((row: Loose) => ({ id: row.id, deleted: row.deleted, changes: row.changes.map((c: Loose) => c.rev).sort() }));
    expect(simplify(await remote.changes({ style: 'all_docs' }))).toEqual(simplify(await local.changes({ style: 'all_docs' })));
    await local.destroy();
  });

  it('filtered replication: design filter with query_params, doc_ids, selector, _view', async () => {
    const remote = freshDb();
    await remote.bulkDocs([
      { _id: 'a', type: 'x', n: 1 },
      { _id: 'b', type: 'y', n: 2 },
      { _id: 'c', type: 'x', n: 3 },
      {
        _id: '_design/f',
        filters: { byType: 'function (doc, req) { return doc.type === req.query.type; }' },
        views: { odd: { map: 'function (doc) { if (doc.n % 2) emit(doc._id); }' } },
      },
    ]);
    const ids = async (options: object): Promise<string[]> => {
      const local = memory();
      await local.replicate.from(remote, options);
      const all = (await local.allDocs()).rows.map((row: Loose) => row.id);
      await local.destroy();
      return all;
    };
    expect(await ids({ filter: 'f/byType', query_params: { type: 'y' } })).toEqual(['b']);
    expect(await ids({ doc_ids: ['a', 'c'] })).toEqual(['a', 'c']);
    expect(await ids({ selector: { type: 'x' } })).toEqual(['a', 'c']);
    expect(await ids({ filter: '_view', view: 'f/odd' })).toEqual(['a', 'c']);
    expect(await ids({ filter: (doc: Loose) => doc.n === 2 })).toEqual(['b']);
  });

  it('a write validate_doc_update forbids counts as a doc_write_failure, the rest arrive', async () => {
    const remote = freshDb();
    await remote.put({
      _id: '_design/guard',
      validate_doc_update: "function (newDoc) { if (newDoc.bad) { throw { forbidden: 'no bad docs' }; } }",
    });
    const local = memory();
    await local.bulkDocs([{ _id: 'good' }, { _id: 'evil', bad: true }]);
    const result = await local.replicate.to(remote);
    expect([result.docs_written, result.doc_write_failures]).toEqual([1, 1]);
    expect(result.errors[0]).toMatchObject({ name: 'forbidden', message: 'no bad docs' });
    expect(await failure(remote.get('evil'))).toMatchObject({ status: 404 });
    await local.destroy();
  });

  it('live replication pushes later writes; sync brings both sides together; checkpoints stay in _local docs', async () => {
    const local = memory();
    const remote = freshDb();
    const live = local.replicate.to(remote, { live: true });
    const arrived = new Promise<void>((resolve, reject) => {
      const feed = remote
        .changes({ live: true, since: 'now' })
        .on('change', (change: Loose) => {
          if (change.id === 'late') {
            feed.cancel();
            resolve();
          }
        })
        .on('error', reject);
    });
    await local.put({ _id: 'late' });
    await arrived;
    live.cancel();
    await remote.put({ _id: 'fromServer' });
    await local.sync(remote);
    expect((await local.allDocs()).rows.map((r: Loose) => r.id)).toEqual(['fromServer', 'late']);
    const checkpoints = await request(h.server, `/${remote.name.split('/').pop()}/_local_docs`);
    const rows = ((await checkpoints.json()) as { rows: Array<{ id: string }> }).rows;
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.id.startsWith('_local/'))).toBe(true);
    await local.destroy();
  });
});
