// View behaviour CouchDB's own Elixir suites rely on (test/elixir/test/view_*_test.exs, reduce_builtin_test.exs,
// design_docs_test.exs) beyond the recorded views.json exchanges: function sources as those suites write them,
// built-in reduce names with trailing text, `include_docs` following an emitted `{_rev}` / `{_id}`, the reduce
// overflow row and the design-document field checks. Expected answers come from CouchDB 3.4's code (named at each
// test), not from a recording.
import { describe, expect, it } from 'vitest';
import { BadRequestError, type DatabaseAdapter, type JsonObject } from '@settee/core';
import { backends } from './backends.js';
import { expectCouchError } from './expect-couch-error.js';
import { useBackend } from './harness.js';

/** Three documents with `integer` 1..3 (as the Elixir suites' make_docs). */
async function integers(db: DatabaseAdapter): Promise<void> {
  await db.bulkDocs([1, 2, 3].map((n) => ({ _id: String(n), integer: n })));
}

describe.each(backends)('view client cases [$name]', (backend) => {
  const h = useBackend(backend);

  it('compiles map and reduce functions followed by a semicolon, as the Elixir suites write them', async () => {
    // couchjs evaluates the source as a script where a leading anonymous function is an expression statement.
    const db = await h.createDb('vcase');
    await integers(db);
    await db.put({
      _id: '_design/semi',
      views: {
        summate: {
          map: 'function (doc) {emit(doc.integer, doc.integer)};',
          reduce: 'function (keys, values) { return sum(values); };\n',
        },
      },
    });
    expect((await db.query('semi', 'summate')).rows).toStrictEqual([{ key: null, value: 6 }]);
    expect((await db.query('semi', 'summate', { reduce: false })).rows.map((row) => row.key)).toStrictEqual([1, 2, 3]);
  });

  it('runs a built-in reduce whose name has trailing characters (couch_query_servers matches a prefix)', async () => {
    const db = await h.createDb('vcase');
    await integers(db);
    const map = 'function (doc) { emit(doc.integer, doc.integer); }';
    await db.put({
      _id: '_design/trail',
      views: {
        sum: { map, reduce: '_sum\n' },
        count: { map, reduce: '_countorama' },
        stats: { map, reduce: '_stats\nare\nawesome' },
      },
    });
    expect((await db.query('trail', 'sum')).rows).toStrictEqual([{ key: null, value: 6 }]);
    expect((await db.query('trail', 'count')).rows).toStrictEqual([{ key: null, value: 3 }]);
    expect((await db.query('trail', 'stats')).rows).toStrictEqual([{ key: null, value: { sum: 6, count: 3, min: 1, max: 3, sumsqr: 14 } }]);
  });

  it('include_docs reads the revision an emitted {_rev} names, and null for a missing {_id}', async () => {
    // couch_mrview_util:docid_rev: `_id` defaults to the row's id, `_rev` to the winner.
    const db = await h.createDb('vcase');
    const first = await db.put({ _id: 'd', integer: 0 });
    await db.put({ _id: 'd', _rev: first.rev, integer: 100, prev: first.rev });
    await db.put({
      _id: '_design/links',
      views: {
        with_prev: { map: 'function (doc) { emit(doc._id, { _rev: doc.prev || doc._rev }); }' },
        to_missing: { map: 'function (doc) { emit(doc._id, { _id: "nobody" }); }' },
      },
    });
    const [row] = (await db.query('links', 'with_prev', { include_docs: true })).rows;
    expect(row?.doc).toStrictEqual({ _id: 'd', _rev: first.rev, integer: 0 });
    expect((await db.query('links', 'to_missing', { include_docs: true })).rows.map((r) => r.doc)).toStrictEqual([null]);
  });

  it('answers a reduce that does not shrink with a reduce_overflow_error row (HTTP 200)', async () => {
    // share/server/views.js throws reduce_overflow_error; fabric_view:transform_row turns it into an error row.
    const db = await h.createDb('vcase');
    await db.put({ _id: 'one', integer: 1 });
    const reduce = "function (keys, values) { var chars = []; for (var i = 0; i < 1000; i++) { chars.push('wazzap'); } return chars; }";
    await db.put({ _id: '_design/big', views: { too_big: { map: 'function (doc) { emit(doc.integer, doc.integer); }', reduce } } });
    const [row] = (await db.query('big', 'too_big')).rows as unknown as JsonObject[];
    expect(row).toMatchObject({ key: null, error: 'reduce_overflow_error' });
    expect(row?.['reason']).toMatch(/^Reduce output must shrink more rapidly: Current output: '\[\["wazzap"/);
    expect(row).not.toHaveProperty('value');
  });

  it('orders the rows of one key emitted several times by one doc by value, in Erlang term order', async () => {
    // couch_mrview_updater:insert_results sorts a doc's emits and folds equal keys into one {dups, Values} entry,
    // which couch_mrview_util:expand_dups reads back in that sorted order, whatever the emit order was.
    const db = await h.createDb('vcase');
    await db.put({ _id: 'one' });
    const map = "function (doc) { emit('k', 'b'); emit('k'); emit('k', 'a'); emit('k', 2); emit('k', [1]); emit('k', { z: 1 }); emit('k', true); }";
    await db.put({ _id: '_design/dups', views: { dups: { map } } });
    const expected = [2, null, true, { z: 1 }, [1], 'a', 'b'];
    expect((await db.query('dups', 'dups')).rows.map((row) => row.value)).toStrictEqual(expected);
    expect((await db.query('dups', 'dups', { descending: true })).rows.map((row) => row.value)).toStrictEqual([...expected].reverse());
  });

  it.each([
    ['a view that is not an object', { views: { v: 1 } }, '`views.v` field must have object type'],
    ['views.lib that is not an object', { views: { lib: 'x' } }, '`views.lib` field must have object type'],
    ['a show that is neither a string nor an object', { shows: { s: 1 } }, '`shows.s` field must have object or string type'],
    ['an update handler that is an array', { updates: { u: [] } }, '`updates.u` field must have object or string type'],
    ['a filter that is a number', { filters: { f: 2 } }, '`filters.f` field must have object or string type'],
    ['rewrites that are an object', { rewrites: {} }, '`rewrites` field must have string or array type'],
    ['a validate_doc_update that is not a string', { validate_doc_update: 1 }, '`validate_doc_update` field must have string type'],
    // The fields are checked in couch_mrview's order: language before views.
    ['a bad language and bad views', { views: [], language: 1 }, '`language` field must have string type'],
  ] as const)('refuses a design document with %s (couch_mrview:validate_ddoc_fields)', async (_title, body, reason) => {
    const db = await h.createDb('vcase');
    await expectCouchError(db.put({ _id: '_design/bad', ...body } as JsonObject & { _id: string }), BadRequestError, 400, 'invalid_design_doc', reason);
  });
});
