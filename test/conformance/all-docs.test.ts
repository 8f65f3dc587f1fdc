// _all_docs and _local_docs, after shared/couchdb-reference/all_docs.json (and the raw id order of collation.json).
import { describe, expect, it } from 'vitest';
import { BadRequestError, type AllDocsRow, type DatabaseAdapter } from '@settee/core';
import { backends } from './backends.js';
import { expectCouchError } from './expect-couch-error.js';
import { useBackend } from './harness.js';

/** The live documents of all_docs.json with their revisions, in raw (UTF-8 byte) id order. */
const LIVE: ReadonlyArray<readonly [id: string, rev: string]> = [
  ['1', '1-806db366bc1ba3ebef40f4b7c63a53af'],
  ['10', '1-2b096e3ce045f2c1adc19529b5c3653c'],
  ['9', '1-991d4e37465057dfd5854fa70c81e3a5'],
  ['A', '1-b1024006c3cc364431e257a78c715750'],
  ['B', '1-2b9d7e3c069dd5a0a92d927de94a5a92'],
  ['_design/x', '1-ac85fc9abd1578d42425e6186d27ceb0'],
  ['a', '1-cd6dcd82d939d5b6220025fbc573b36a'],
  ['b', '1-d5bb5b461558ec5a478528f7e22367b7'],
  ['conf', '1-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'],
  ['ä', '1-6dabb6b081f7bf3593bbc712a836b2c4'],
];
const DEL_REV = '2-bade853560f4e4e95e643da6029f90c0';
const CONF_LOSER = '1-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';

function row(id: string): AllDocsRow {
  const found = LIVE.find(([liveId]) => liveId === id);
  if (found === undefined) throw new Error(`no live doc ${id}`);
  return { id, key: id, value: { rev: found[1] } };
}

function rows(...ids: string[]): AllDocsRow[] {
  return ids.map(row);
}

function docOf(id: string): Record<string, unknown> {
  const { rev } = row(id).value;
  if (id === '_design/x') return { _id: id, _rev: rev, language: 'javascript' };
  if (id === 'conf') return { _id: id, _rev: rev, v: 'y' };
  return { _id: id, _rev: rev, v: id };
}

const ALL_IDS = LIVE.map(([id]) => id);

/** all_docs.json steps 1-4: ten documents, "del" deleted, "conf" conflicted, one _local doc. */
async function writeFixture(db: DatabaseAdapter): Promise<void> {
  const ids = ['a', 'B', '_design/x', 'b', 'A', 'ä', '1', '10', '9', 'del'];
  const written = await db.bulkDocs(
    ids.map((id) => (id === '_design/x' ? { _id: id, language: 'javascript' } : { _id: id, v: id })),
  );
  expect(written).toStrictEqual(
    ids.map((id) => ({ ok: true, id, rev: id === 'del' ? '1-2cc453915cfaa908fc1074971a4b8eba' : row(id).value.rev })),
  );
  expect(await db.remove('del', '1-2cc453915cfaa908fc1074971a4b8eba')).toStrictEqual({ ok: true, id: 'del', rev: DEL_REV });
  const conflicts = await db.bulkDocs(
    [
      { _id: 'conf', _rev: CONF_LOSER, v: 'x' },
      { _id: 'conf', _rev: '1-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', v: 'y' },
    ],
    { new_edits: false },
  );
  expect(conflicts).toStrictEqual([]);
  expect(await db.put({ _id: '_local/hidden', v: 1 })).toStrictEqual({ ok: true, id: '_local/hidden', rev: '0-1' });
}

describe.each(backends)('allDocs [$name]', (backend) => {
  const h = useBackend(backend);

  /** One database with the fixture per test keeps tests independent; writing it takes milliseconds. */
  async function fixture(): Promise<DatabaseAdapter> {
    const db = await h.createDb('alldocs');
    await writeFixture(db);
    return db;
  }

  it('lists live documents in raw id order; deleted and _local documents are absent', async () => {
    const db = await fixture();
    expect(await db.allDocs()).toStrictEqual({ total_rows: 10, offset: 0, rows: rows(...ALL_IDS) });
  });

  it('include_docs adds each winning document; conflicts adds _conflicts to it', async () => {
    const db = await fixture();
    expect(await db.allDocs({ include_docs: true })).toStrictEqual({
      total_rows: 10,
      offset: 0,
      rows: ALL_IDS.map((id) => ({ ...row(id), doc: docOf(id) })),
    });
    expect(await db.allDocs({ include_docs: true, conflicts: true })).toStrictEqual({
      total_rows: 10,
      offset: 0,
      rows: ALL_IDS.map((id) => ({
        ...row(id),
        doc: id === 'conf' ? { ...docOf(id), _conflicts: [CONF_LOSER] } : docOf(id),
      })),
    });
  });

  it('conflicts without include_docs changes nothing', async () => {
    const db = await fixture();
    expect(await db.allDocs({ conflicts: true })).toStrictEqual({ total_rows: 10, offset: 0, rows: rows(...ALL_IDS) });
  });

  describe('keys', () => {
    it('keeps the order of keys, repeats, gives error rows for missing ids and deleted rows for deleted ones', async () => {
      const db = await fixture();
      expect(await db.allDocs({ keys: ['b', 'missing', 'del', 'a', 'b'] })).toStrictEqual({
        total_rows: 10,
        offset: null,
        rows: [
          row('b'),
          { key: 'missing', error: 'not_found' },
          { id: 'del', key: 'del', value: { rev: DEL_REV, deleted: true } },
          row('a'),
          row('b'),
        ],
      });
    });

    it('with include_docs a deleted key has doc null', async () => {
      const db = await fixture();
      expect(await db.allDocs({ keys: ['b', 'missing', 'del'], include_docs: true })).toStrictEqual({
        total_rows: 10,
        offset: null,
        rows: [
          { ...row('b'), doc: docOf('b') },
          { key: 'missing', error: 'not_found' },
          { id: 'del', key: 'del', value: { rev: DEL_REV, deleted: true }, doc: null },
        ],
      });
    });

    it('descending reverses the keys; limit and skip apply to them', async () => {
      const db = await fixture();
      expect(await db.allDocs({ keys: ['a', 'b'], descending: true })).toStrictEqual({
        total_rows: 10,
        offset: null,
        rows: rows('b', 'a'),
      });
      expect(await db.allDocs({ keys: ['a', 'b', 'A'], limit: 1, skip: 1 })).toStrictEqual({
        total_rows: 10,
        offset: null,
        rows: rows('b'),
      });
    });

    it('refuses keys together with startkey', async () => {
      const db = await fixture();
      await expectCouchError(
        db.allDocs({ keys: ['a', 'b'], startkey: 'a' }),
        BadRequestError,
        400,
        'query_parse_error',
        '`keys` is incompatible with `key`, `start_key` and `end_key`',
      );
    });
  });

  describe('ranges', () => {
    it('key selects one row; offset counts the rows before it', async () => {
      const db = await fixture();
      expect(await db.allDocs({ key: 'a' })).toStrictEqual({ total_rows: 10, offset: 6, rows: rows('a') });
    });

    it('startkey/endkey are inclusive unless inclusive_end is false', async () => {
      const db = await fixture();
      expect(await db.allDocs({ startkey: 'a', endkey: 'b' })).toStrictEqual({
        total_rows: 10,
        offset: 6,
        rows: rows('a', 'b'),
      });
      expect(await db.allDocs({ startkey: 'a', endkey: 'b', inclusive_end: false })).toStrictEqual({
        total_rows: 10,
        offset: 6,
        rows: rows('a'),
      });
    });

    it('compares raw: uppercase, then "_", then lowercase', async () => {
      const db = await fixture();
      expect(await db.allDocs({ startkey: 'A', endkey: 'a' })).toStrictEqual({
        total_rows: 10,
        offset: 3,
        rows: rows('A', 'B', '_design/x', 'a'),
      });
      expect(await db.allDocs({ startkey: '_design/', endkey: '_design0' })).toStrictEqual({
        total_rows: 10,
        offset: 5,
        rows: rows('_design/x'),
      });
    });

    it('descending reverses the order and needs the range swapped', async () => {
      const db = await fixture();
      expect(await db.allDocs({ descending: true })).toStrictEqual({
        total_rows: 10,
        offset: 0,
        rows: rows(...[...ALL_IDS].reverse()),
      });
      expect(await db.allDocs({ descending: true, startkey: 'b', endkey: 'a' })).toStrictEqual({
        total_rows: 10,
        offset: 2,
        rows: rows('b', 'a'),
      });
    });

    it('an unswapped range answers no rows, without an error', async () => {
      const db = await fixture();
      expect(await db.allDocs({ descending: true, startkey: 'a', endkey: 'b' })).toStrictEqual({
        total_rows: 10,
        offset: 3,
        rows: [],
      });
      expect(await db.allDocs({ startkey: 'b', endkey: 'a' })).toStrictEqual({ total_rows: 10, offset: 7, rows: [] });
    });
  });

  describe('paging', () => {
    it('limit, skip (reflected in offset) and limit 0', async () => {
      const db = await fixture();
      expect(await db.allDocs({ limit: 2 })).toStrictEqual({ total_rows: 10, offset: 0, rows: rows('1', '10') });
      expect(await db.allDocs({ skip: 2, limit: 2 })).toStrictEqual({ total_rows: 10, offset: 2, rows: rows('9', 'A') });
      expect(await db.allDocs({ limit: 0 })).toStrictEqual({ total_rows: 10, offset: 0, rows: [] });
      expect(await db.allDocs({ startkey: 'a', limit: 2 })).toStrictEqual({ total_rows: 10, offset: 6, rows: rows('a', 'b') });
    });

    it('update_seq adds the database sequence', async () => {
      const db = await fixture();
      const answer = await db.allDocs({ update_seq: true, limit: 1 });
      expect(answer).toStrictEqual({ total_rows: 10, offset: 0, update_seq: expect.anything(), rows: rows('1') });
      expect(['string', 'number']).toContain(typeof answer.update_seq);
      expect((await db.changes({ since: answer.update_seq ?? 0 })).results).toStrictEqual([]);
    });
  });

  describe('raw id order', () => {
    it('orders mixed case, digits, symbols and non-ASCII ids by their UTF-8 bytes', async () => {
      const db = await h.createDb('rawids');
      const ids = ['a', 'A', 'aa', 'b', 'B', 'ba', 'bb', 'ä', 'z', 'é', '~', '1', '10', '9', 'Z', 'e\u0301', 'ß', '-'];
      ids.push('abc', 'Abc', 'ABC', 'abc1', '😀', ' ');
      const written = await db.bulkDocs(ids.map((id) => ({ _id: id })));
      expect(written.every((result) => 'ok' in result)).toBe(true);
      // As recorded by CouchDB (collation.json step 21); "e\u0301" is a decomposed é.
      const expected = [' ', '-', '1', '10', '9', 'A', 'ABC', 'Abc', 'B', 'Z', 'a', 'aa', 'abc', 'abc1', 'b', 'ba'];
      expected.push('bb', 'e\u0301', 'z', '~', 'ß', 'ä', 'é', '😀');
      const answer = await db.allDocs();
      expect(answer.rows.map((r) => r.key)).toStrictEqual(expected);
      expect(answer.rows.every((r) => 'value' in r && r.value.rev === '1-967a00dff5e02add41819138abb3284d')).toBe(true);
      const descending = await db.allDocs({ descending: true });
      expect(descending.rows.map((r) => r.key)).toStrictEqual([...expected].reverse());
      expect(await db.allDocs({ startkey: 'a', endkey: 'b' })).toMatchObject({
        offset: 10,
        rows: ['a', 'aa', 'abc', 'abc1', 'b'].map((id) => ({ id })),
      });
    });

    it('puts characters above U+FFFF after U+E000-U+FFFF, as UTF-8 bytes do (not UTF-16 code units)', async () => {
      // Not recorded: follows from CouchDB comparing ids as raw binaries. "\uff5e" (EF BD 9E) < "😀" (F0 9F 98 80),
      // while JavaScript's default string order puts "😀" (D83D DE00) first.
      const db = await h.createDb('astral');
      await db.bulkDocs([{ _id: '😀' }, { _id: '\uff5e' }, { _id: '\u00ff' }]);
      expect((await db.allDocs()).rows.map((r) => r.key)).toStrictEqual(['\u00ff', '\uff5e', '😀']);
      expect((await db.allDocs({ startkey: '\uff00', endkey: '\uffff' })).rows.map((r) => r.key)).toStrictEqual(['\uff5e']);
    });
  });

  describe('localDocs', () => {
    it('lists only _local documents, with null total_rows and offset', async () => {
      const db = await fixture();
      expect(await db.localDocs()).toStrictEqual({
        total_rows: null,
        offset: null,
        rows: [{ id: '_local/hidden', key: '_local/hidden', value: { rev: '0-1' } }],
      });
    });
  });
});
