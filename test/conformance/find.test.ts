// Mango: _find, _index and _explain, after shared/couchdb-reference/find.json and the _find examples of seed 002.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  BadRequestError,
  isSetteeError,
  NotFoundError,
  type DatabaseAdapter,
  type FindRequest,
  type JsonObject,
  type MangoSelector,
  type MangoSortEntry,
  type ServerAdapter,
} from '@settee/core';
import { createEngine } from '@settee/engine';
import { backends, type Backend } from './backends.js';
import { expectCouchError } from './expect-couch-error.js';
import { useBackend } from './harness.js';

const NO_INDEX = 'No matching index found, create an index to optimize query time.';

/**
 * pouchdb-server answers `_find` with pouchdb-find, which is not CouchDB's Mango (no bookmarks, its own warnings,
 * no `_explain` analysis): the file is skipped there rather than asserting PouchDB's behaviour.
 */
function mangoSkipReason(backend: Backend): string | undefined {
  return backend.name === 'http:pouchdb-server' ? 'pouchdb-server runs pouchdb-find, not CouchDB Mango' : undefined;
}

/** A database the tests of one describe block share: created before them, deleted after them. */
function sharedDatabase(server: () => ServerAdapter, label: string, skip: boolean, fill: (db: DatabaseAdapter) => Promise<void>): () => DatabaseAdapter {
  const name = `sc_find_${label}_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  let db: DatabaseAdapter | undefined;
  beforeAll(async () => {
    if (skip) return;
    await server().createDb(name, { q: 1 });
    db = server().db(name);
    await fill(db);
  });
  afterAll(async () => {
    if (db !== undefined) await server().deleteDb(name);
  });
  return () => {
    if (db === undefined) throw new Error(`database ${label} was not created`);
    return db;
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The correctness table: one dataset, each query run without an index (the _all_docs fallback, id order) and with
// a usable JSON index (its sort order); both runs must return the same documents. Expected ids are written out by
// hand from CouchDB's rules (view collation: null < numbers < strings in ICU order < arrays < objects).
// ---------------------------------------------------------------------------------------------------------------

/** Seed 002's revisions of s2 and s4, as its `_find` example prints them. */
const SEED_REV = { s1: '1-5efc8527e2a56dc31e71abe36d365e38', s2: '1-959ab718375f00a5b678ece00f68a1f7', s2v2: '2-50d7fd758615aa6aefbc6aa2ec86fd8b', s3: '1-08ded6f70086c004a2b8ef6bb2439b88', s4: '1-ccd6248a85ad565b2b12a3127c1b82d7' };

/** Seed 002's flow (insert s1..s4, delete s3, update s1 and s2), its second batch with array ages, and more. */
async function writeTableDataset(db: DatabaseAdapter): Promise<void> {
  await db.bulkDocs([
    { _id: 's1', desc: 'bobo', age: 15 },
    { _id: 's2', desc: '小红', age: 19 },
    { _id: 's3', desc: '小明', age: 22 },
    { _id: 's4', desc: 'ab', age: 14 },
  ]);
  await db.remove('s3', SEED_REV.s3);
  await db.bulkDocs([
    { _id: 's1', _rev: SEED_REV.s1, desc: 'bobo2', age: 56.32 },
    { _id: 's2', _rev: SEED_REV.s2, desc: '小红2', age: 19.36 },
  ]);
  await db.bulkDocs([
    { _id: 's5', desc: '小红', age: [13, 14], address: '北京海淀' },
    { _id: 's6', desc: 'bobo', age: [15, 16] },
    { _id: 's7', desc: '小明', age: [22, 23], address: '广州天河' },
    { _id: 's8', desc: 'Zoë', age: 20, address: '北京' },
    { _id: 's9', desc: 'alice', age: '31', address: { city: 'Paris' } },
    { _id: 't1', desc: null, age: 5, tags: ['a', 'b'], address: '北京朝阳' },
    { _id: 't2', desc: 'ALICE', age: 20, tags: ['b'], nested: { level: 2 }, address: '上海浦东' },
    { _id: 't3', desc: 'émile', tags: [], nested: { level: 1 } },
    { _id: 't4', age: 30, active: true, nested: { level: 3 } },
    // Never a result: design documents are not in _all_docs scans or JSON indexes.
    { _id: '_design/other', language: 'javascript', views: {} },
  ]);
}

interface Row {
  readonly name: string;
  readonly selector: MangoSelector;
  /**
   * The index that serves the query: a JSON index's fields, `_all_docs` (it serves a sort on `_id` when the
   * selector narrows `_id`), or null when CouchDB has none that can.
   */
  readonly index: readonly string[] | '_all_docs' | null;
  /** The order of `expected`; the index's fields ascending when absent. */
  readonly sort?: MangoSortEntry[];
  /** Ids in the sort order (or, without an index, in any order: the fallback returns them by id). */
  readonly expected: readonly string[];
}

const BEIJING = { $regex: '北京.*' };

const ROWS: readonly Row[] = [
  { name: 'seed 002: age between 5 and 20 ($gte, $lte)', selector: { age: { $gte: 5, $lte: 20 } }, index: ['age'], expected: ['t1', 's4', 's2', 's8', 't2'] },
  { name: 'seed 002: $ne (arrays and strings differ from 20)', selector: { age: { $ne: 20 } }, index: ['age'], expected: ['t1', 's4', 's2', 't4', 's1', 's9', 's5', 's6', 's7'] },
  { name: 'seed 002: $gt (strings and arrays collate above numbers)', selector: { age: { $gt: 20 } }, index: ['age'], expected: ['t4', 's1', 's9', 's5', 's6', 's7'] },
  { name: 'seed 002: $gte', selector: { age: { $gte: 20 } }, index: ['age'], expected: ['s8', 't2', 't4', 's1', 's9', 's5', 's6', 's7'] },
  { name: 'seed 002: $lt', selector: { age: { $lt: 20 } }, index: ['age'], expected: ['t1', 's4', 's2'] },
  { name: 'seed 002: $lte', selector: { age: { $lte: 20 } }, index: ['age'], expected: ['t1', 's4', 's2', 's8', 't2'] },
  { name: 'seed 002: $regex "北京.*" (strings only)', selector: { address: BEIJING }, index: ['address'], expected: ['s8', 't1', 's5'] },
  { name: 'seed 002: $and', selector: { $and: [{ age: { $lt: 20 } }, { address: BEIJING }] }, index: ['age'], expected: ['t1'] },
  { name: 'seed 002: $or over two fields (no JSON index can serve it)', selector: { $or: [{ age: { $lt: 20 } }, { address: BEIJING }] }, index: null, expected: ['s2', 's4', 's5', 's8', 't1'] },
  { name: 'seed 002: $not (documents without the field do not match)', selector: { $not: { address: BEIJING } }, index: ['address'], expected: ['t2', 's7', 's9'] },
  { name: 'seed 002: $nor', selector: { $nor: [{ age: { $lt: 20 } }, { address: BEIJING }] }, index: ['age'], expected: ['t2', 's9', 's7'] },
  { name: 'seed 002: $all [13, 14]', selector: { age: { $all: [13, 14] } }, index: ['age'], expected: ['s5'] },
  { name: 'seed 002: $elemMatch {$gt: 5, $lt: 18}', selector: { age: { $elemMatch: { $gt: 5, $lt: 18 } } }, index: ['age'], expected: ['s5', 's6'] },
  { name: 'seed 002: $allMatch {$gt: 5, $lt: 18}', selector: { age: { $allMatch: { $gt: 5, $lt: 18 } } }, index: ['age'], expected: ['s5', 's6'] },
  { name: 'seed 002: $eq on desc', selector: { desc: { $eq: '小红2' } }, index: ['desc'], expected: ['s2'] },
  { name: '$in', selector: { desc: { $in: ['bobo', 'ab'] } }, index: ['desc'], expected: ['s4', 's6'] },
  { name: '$nin (null and ICU order: a < A < b, Latin before Han)', selector: { desc: { $nin: ['bobo', 'ab'] } }, index: ['desc'], expected: ['t1', 's9', 't2', 's1', 't3', 's8', 's7', 's5', 's2'] },
  { name: '$lt on strings takes null and lower strings', selector: { desc: { $lt: 'b' } }, index: ['desc'], expected: ['t1', 's4', 's9', 't2'] },
  { name: '$beginsWith', selector: { desc: { $beginsWith: 'bo' } }, index: ['desc'], expected: ['s6', 's1'] },
  { name: '$regex with (?i)', selector: { desc: { $regex: '(?i)^alice$' } }, index: ['desc'], expected: ['s9', 't2'] },
  { name: '$type string', selector: { age: { $type: 'string' } }, index: ['age'], expected: ['s9'] },
  { name: '$mod (integers only)', selector: { age: { $mod: [10, 0] } }, index: ['age'], expected: ['s8', 't2', 't4'] },
  { name: '$size', selector: { tags: { $size: 2 } }, index: ['tags'], expected: ['t1'] },
  { name: 'equality on a whole array', selector: { tags: ['a', 'b'] }, index: ['tags'], expected: ['t1'] },
  { name: 'dotted path', selector: { 'nested.level': { $gte: 2 } }, index: ['nested.level'], expected: ['t2', 't4'] },
  { name: 'nested object form is the dotted path', selector: { nested: { level: { $lt: 3 } } }, index: ['nested.level'], expected: ['t3', 't2'] },
  { name: 'path into an object value', selector: { 'address.city': 'Paris' }, index: ['address.city'], expected: ['s9'] },
  { name: '$keyMapMatch', selector: { address: { $keyMapMatch: { $eq: 'city' } } }, index: ['address'], expected: ['s9'] },
  { name: 'two-field index, both narrowed', selector: { age: { $gt: 0 }, desc: { $gt: 'b' } }, index: ['desc', 'age'], expected: ['s6', 's1', 's8', 's7', 's5', 's2'] },
  { name: 'descending sort (ties in reverse id order)', selector: { age: { $gt: 14 } }, index: ['age'], sort: [{ age: 'desc' }], expected: ['s7', 's6', 's5', 's9', 's1', 't4', 't2', 's8', 's2'] },
  { name: 'range on _id, sorted by _all_docs', selector: { _id: { $gt: 's5', $lt: 't2' } }, index: '_all_docs', sort: [{ _id: 'desc' }], expected: ['t1', 's9', 's8', 's7', 's6'] },
  { name: '$or on one field', selector: { $or: [{ age: 14 }, { age: 30 }] }, index: ['age'], expected: ['s4', 't4'] },
  { name: '$exists: false (no index holds missing fields)', selector: { desc: { $exists: false } }, index: null, expected: ['t4'] },
  { name: 'empty selector: every live document, no design documents', selector: {}, index: null, expected: ['s1', 's2', 's4', 's5', 's6', 's7', 's8', 's9', 't1', 't2', 't3', 't4'] },
];

const ddocOf = (fields: readonly string[]) => `idx-${fields.join('-').replace(/[^a-z_-]/g, '_')}`;
const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const idsOf = (docs: ReadonlyArray<{ _id: string }>) => docs.map((d) => d._id);

describe.each(backends)('find [$name]', (backend) => {
  const h = useBackend(backend);
  const skip = mangoSkipReason(backend);
  beforeEach((ctx) => {
    if (skip !== undefined) ctx.skip(skip);
  });

  describe('correctness table without an index (the _all_docs fallback)', () => {
    const db = sharedDatabase(() => h.server, 'table', skip !== undefined, writeTableDataset);

    it.each(ROWS.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
      const answer = await db().find({ selector: row.selector, limit: 100 });
      expect(idsOf(answer.docs)).toEqual([...row.expected].sort(byId));
      expect(answer.warning?.split('\n')[0]).toBe(NO_INDEX);
    });

    it('seed 002: the age 5..20 example prints s2 and s4 with these fields and revisions', async () => {
      // The seed's own database: s1..s4 inserted, s3 deleted, s1 and s2 updated, then documents with array ages.
      const seed = await h.createDb('seed002find');
      await seed.bulkDocs([
        { _id: 's1', desc: 'bobo', age: 15 },
        { _id: 's2', desc: '小红', age: 19 },
        { _id: 's3', desc: '小明', age: 22 },
        { _id: 's4', desc: 'ab', age: 14 },
      ]);
      await seed.remove('s3', SEED_REV.s3);
      await seed.bulkDocs([
        { _id: 's1', _rev: SEED_REV.s1, desc: 'bobo2', age: 56.32 },
        { _id: 's2', _rev: SEED_REV.s2, desc: '小红2', age: 19.36 },
        { _id: 's6', desc: 'bobo', age: [15, 16] },
        { _id: 's7', desc: '小明', age: [22, 23] },
      ]);
      const answer = await seed.find({ selector: { age: { $gte: 5, $lte: 20 } }, fields: ['_id', '_rev', 'age', 'desc'], execution_stats: true });
      expect(answer.docs).toEqual([
        { _id: 's2', _rev: SEED_REV.s2v2, age: 19.36, desc: '小红2' },
        { _id: 's4', _rev: SEED_REV.s4, age: 14, desc: 'ab' },
      ]);
      expect(answer.execution_stats).toMatchObject({ total_docs_examined: 5, total_quorum_docs_examined: 0, results_returned: 2 });
      expect(answer.warning).toBe(NO_INDEX);
    });

    it('seed 002: its "$qe" typo is an invalid operator', async () => {
      await expectCouchError(db().find({ selector: { desc: { $qe: 's2' } } }), BadRequestError, 400, 'invalid_operator', 'Invalid operator: $qe');
    });
  });

  describe('correctness table with a usable JSON index', () => {
    const db = sharedDatabase(() => h.server, 'tableidx', skip !== undefined, async (created) => {
      await writeTableDataset(created);
      const indexes = new Set(ROWS.flatMap((row) => (Array.isArray(row.index) ? [row.index.join(',')] : [])));
      for (const fields of indexes) {
        const list = fields.split(',');
        expect(await created.createIndex({ index: { fields: list }, ddoc: ddocOf(list), name: 'i' })).toEqual({ result: 'created', id: `_design/${ddocOf(list)}`, name: 'i' });
      }
    });

    it.each(ROWS.filter((row) => Array.isArray(row.index)).map((row) => [row.name, row] as const))('%s', async (_name, row) => {
      const fields = row.index as readonly string[];
      const request: FindRequest = {
        selector: row.selector,
        sort: row.sort ?? [...fields],
        use_index: [ddocOf(fields), 'i'],
        limit: 100,
      };
      const answer = await db().find(request);
      expect(idsOf(answer.docs)).toEqual(row.expected);
      // Only the "many documents examined" hint may come up; never a fallback.
      expect(answer.warning ?? '').not.toMatch(/No matching index|was not used/);
      expect((await db().explain(request)).index).toMatchObject({ ddoc: `_design/${ddocOf(fields)}`, name: 'i', type: 'json' });
    });

    it.each(ROWS.filter((row) => row.index === '_all_docs').map((row) => [row.name, row] as const))('%s', async (_name, row) => {
      const request: FindRequest = { selector: row.selector, sort: row.sort!, limit: 100 };
      const answer = await db().find(request);
      expect(idsOf(answer.docs)).toEqual(row.expected);
      expect((await db().explain(request)).index).toMatchObject({ name: '_all_docs', type: 'special' });
    });

    it.each(ROWS.filter((row) => row.index === null).map((row) => [row.name, row] as const))('%s: still the _all_docs fallback', async (_name, row) => {
      const explained = await db().explain({ selector: row.selector });
      expect(explained.index).toMatchObject({ name: '_all_docs', type: 'special' });
      expect(idsOf((await db().find({ selector: row.selector, limit: 100 })).docs)).toEqual([...row.expected].sort(byId));
    });
  });

  // -------------------------------------------------------------------------------------------------------------
  // find.json replayed: every recorded _find, _explain and _index call, in order, on two scratch databases.
  // -------------------------------------------------------------------------------------------------------------

  describe('recorded answers of find.json', () => {
    interface Step {
      note?: string;
      request?: { method: string; path: string; body?: unknown };
      response?: { status: number; body?: unknown };
    }
    const recording = JSON.parse(readFileSync(new URL('../../../shared/couchdb-reference/find.json', import.meta.url), 'utf8')) as { steps: Step[] };
    // HTTP-only steps (a non-JSON body, no Content-Type, GET on _find) belong to the HTTP adapter's tests.
    const steps = recording.steps.filter((s) => s.request !== undefined && typeof s.request.body !== 'string' && !(s.request.method === 'GET' && s.request.path.endsWith('/_find')));
    const names = new Map<string, string>();
    const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    afterAll(async () => {
      for (const name of names.values()) await h.server.deleteDb(name).catch(() => undefined);
    });

    async function replay(step: Step): Promise<{ status: number; body: unknown }> {
      const { method, path, body } = step.request!;
      const parts = path.split('/').slice(1).map(decodeURIComponent);
      const name = names.get(parts[0]!) ?? `sc_find_${parts[0]}_${suffix}`;
      names.set(parts[0]!, name);
      const db = h.server.db(name);
      try {
        if (method === 'PUT' && parts.length === 1) return { status: 201, body: await h.server.createDb(name, { q: 1 }) };
        if (parts[1] === '_bulk_docs') return { status: 201, body: await db.bulkDocs((body as { docs: JsonObject[] }).docs) };
        if (parts[1] === '_find') return { status: 200, body: await db.find(body as FindRequest) };
        if (parts[1] === '_explain') return { status: 200, body: await db.explain(body as FindRequest) };
        if (parts[1] === '_index' && method === 'POST') return { status: 200, body: await db.createIndex(body as never) };
        if (parts[1] === '_index' && method === 'GET') return { status: 200, body: await db.getIndexes() };
        if (parts[1] === '_index' && method === 'DELETE') {
          const rest = parts.slice(2);
          const ddoc = rest[0] === '_design' ? `_design/${rest[1]}` : rest[0]!;
          return { status: 200, body: await db.deleteIndex(ddoc, rest[rest.length - 1]!) };
        }
        if (parts[1] === '_design') return { status: 200, body: await db.get(`_design/${parts[2]}`) };
        throw new Error(`unhandled step ${method} ${path}`);
      } catch (error) {
        if (!isSetteeError(error)) throw error;
        return { status: error.status, body: { error: error.error, reason: error.reason } };
      }
    }

    /** Times vary and 500s carry a random ref; bookmarks are compared byte for byte (the term and its zlib bytes). */
    function comparable(body: unknown): unknown {
      if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
      const copy: Record<string, unknown> = { ...body };
      const stats = copy['execution_stats'];
      if (typeof stats === 'object' && stats !== null) {
        expect(typeof (stats as Record<string, unknown>)['execution_time_ms']).not.toBe('undefined');
        copy['execution_stats'] = { ...stats, execution_time_ms: '<ms>' };
      }
      delete copy['ref'];
      // The recording's databases are "db" and "many"; ours have scratch names.
      if (typeof copy['dbname'] === 'string') copy['dbname'] = [...names].find(([, scratch]) => scratch === copy['dbname'])?.[0] ?? copy['dbname'];
      return copy;
    }

    it.each(steps.map((s, i) => [`${i + 1}. ${s.note}`, s] as const))('%s', async (_name, step) => {
      const answer = await replay(step);
      expect({ status: answer.status, body: comparable(answer.body) }).toEqual({ status: step.response!.status, body: comparable(step.response!.body) });
    });
  });

  // -------------------------------------------------------------------------------------------------------------
  // Bookmarks, indexes as design documents, partial indexes, conflicts, deleted documents.
  // -------------------------------------------------------------------------------------------------------------

  describe('bookmarks', () => {
    /** 47 documents, n = i mod 7: many equal keys, so pages must break ties by id. */
    async function pagedDb(): Promise<DatabaseAdapter> {
      const db = await h.createDb('pages');
      await db.bulkDocs(Array.from({ length: 47 }, (_, i) => ({ _id: `p${String(i).padStart(2, '0')}`, n: i % 7 })));
      return db;
    }

    async function pages(db: DatabaseAdapter, request: FindRequest): Promise<{ ids: string[]; pages: number }> {
      const ids: string[] = [];
      let bookmark: string | undefined;
      for (let page = 1; page < 100; page++) {
        const answer = await db.find({ ...request, ...(bookmark === undefined ? {} : { bookmark }) });
        if (answer.docs.length === 0) {
          // An empty page gives the bookmark back unchanged.
          expect(answer.bookmark).toBe(bookmark);
          return { ids, pages: page };
        }
        ids.push(...idsOf(answer.docs));
        expect(answer.bookmark).toEqual(expect.any(String));
        bookmark = answer.bookmark;
      }
      throw new Error('paging did not end');
    }

    it('page through the _all_docs fallback: every document once, in id order', async () => {
      const db = await pagedDb();
      const all = Array.from({ length: 47 }, (_, i) => `p${String(i).padStart(2, '0')}`);
      expect(await pages(db, { selector: { n: { $gte: 0 } }, limit: 5 })).toEqual({ ids: all, pages: 11 });
    });

    it('page through a JSON index ascending and descending: every document once, ties by id', async () => {
      const db = await pagedDb();
      await db.createIndex({ index: { fields: ['n'] }, ddoc: 'n', name: 'n' });
      const ascending = Array.from({ length: 47 }, (_, i) => i)
        .sort((a, b) => a % 7 - b % 7 || a - b)
        .map((i) => `p${String(i).padStart(2, '0')}`);
      expect((await pages(db, { selector: { n: { $gte: 0 } }, sort: ['n'], limit: 4 })).ids).toEqual(ascending);
      expect((await pages(db, { selector: { n: { $gte: 0 } }, sort: [{ n: 'desc' }], limit: 6 })).ids).toEqual([...ascending].reverse());
      expect((await pages(db, { selector: { n: { $gt: 2, $lt: 5 } }, limit: 3 })).ids).toEqual(ascending.filter((id) => [3, 4].includes(Number(id.slice(1)) % 7)));
    });

    it('a page continues after its bookmark even when documents changed in between', async () => {
      const db = await pagedDb();
      await db.createIndex({ index: { fields: ['n'] }, ddoc: 'n', name: 'n' });
      const first = await db.find({ selector: { n: 3 }, limit: 3 });
      expect(idsOf(first.docs)).toEqual(['p03', 'p10', 'p17']);
      // Before the bookmark (not returned), the next row deleted, a new one after it.
      await db.put({ _id: 'p00a', n: 3 });
      await db.remove('p24', (await db.get('p24'))._rev);
      await db.put({ _id: 'p99', n: 3 });
      const second = await db.find({ selector: { n: 3 }, limit: 10, bookmark: first.bookmark! });
      expect(idsOf(second.docs)).toEqual(['p31', 'p38', 'p45', 'p99']);
    });

    it('skip applies after the bookmark on every page (CouchDB skips matches in each request)', async () => {
      const db = await pagedDb();
      const first = await db.find({ selector: { n: 0 }, limit: 2, skip: 1 });
      expect(idsOf(first.docs)).toEqual(['p07', 'p14']);
      const second = await db.find({ selector: { n: 0 }, limit: 2, skip: 1, bookmark: first.bookmark! });
      expect(idsOf(second.docs)).toEqual(['p28', 'p35']);
    });

    it('refuses a bookmark that is not one', async () => {
      const db = await pagedDb();
      await expectCouchError(db.find({ selector: {}, bookmark: 'not-a-bookmark' }), BadRequestError, 400, 'invalid_bookmark', 'Invalid bookmark value: "not-a-bookmark"');
    });
  });

  describe('indexes are design documents', () => {
    const MANUAL = {
      _id: '_design/manual',
      language: 'query',
      views: { by_n: { map: { fields: { n: 'asc' }, partial_filter_selector: {} }, reduce: '_count', options: { def: { fields: ['n'] } } } },
    };

    async function numbers(): Promise<DatabaseAdapter> {
      const db = await h.createDb('ddoc');
      await db.bulkDocs(Array.from({ length: 12 }, (_, i) => ({ _id: `n${String(i).padStart(2, '0')}`, n: 11 - i, even: i % 2 === 0 })));
      return db;
    }

    it('a language "query" design document written with put is an index; removing it removes the index', async () => {
      const db = await numbers();
      const { rev } = await db.put(MANUAL);
      expect((await db.getIndexes()).indexes.map((i) => i.name)).toEqual(['_all_docs', 'by_n']);
      const answer = await db.find({ selector: { n: { $lt: 3 } }, use_index: 'manual' });
      expect(idsOf(answer.docs)).toEqual(['n11', 'n10', 'n09']);
      expect(answer.warning).toBeUndefined();

      await db.remove('_design/manual', rev);
      expect((await db.getIndexes()).total_rows).toBe(1);
      const fallback = await db.find({ selector: { n: { $lt: 3 } }, use_index: 'manual' });
      expect(idsOf(fallback.docs)).toEqual(['n09', 'n10', 'n11']);
      expect(fallback.warning).toBe(`_design/manual was not used because it does not contain a valid index for this query.\n${NO_INDEX}`);
    });

    it('editing a view shows at once: a new direction in the list, new fields in the results', async () => {
      const db = await numbers();
      const { rev } = await db.put(MANUAL);
      const desc = { ...MANUAL, _rev: rev, views: { by_n: { ...MANUAL.views.by_n, map: { fields: { n: 'desc' }, partial_filter_selector: {} } } } };
      const { rev: rev2 } = await db.put(desc);
      expect((await db.getIndexes()).indexes[1]?.def).toEqual({ fields: [{ n: 'desc' }] });
      expect(idsOf((await db.find({ selector: { n: { $lt: 2 } }, use_index: 'manual' })).docs)).toEqual(['n11', 'n10']);
      const byEven = { ...desc, _rev: rev2, views: { by_n: { ...MANUAL.views.by_n, map: { fields: { even: 'asc', n: 'asc' } } } } };
      await db.put(byEven);
      const answer = await db.find({ selector: { even: true, n: { $lt: 5 } }, use_index: 'manual' });
      expect(idsOf(answer.docs)).toEqual(['n10', 'n08']);
      expect(answer.warning).toBeUndefined();
    });

    it('a replicated design document (new_edits: false) is an index too', async () => {
      const db = await numbers();
      await db.bulkDocs([{ ...MANUAL, _rev: '1-0123456789abcdef0123456789abcdef' }], { new_edits: false });
      const answer = await db.find({ selector: { n: { $gt: 9 } } });
      expect(idsOf(answer.docs)).toEqual(['n01', 'n00']);
      expect(answer.warning).toBeUndefined();
    });

    it('deleteIndex keeps a design document that still holds other indexes, and 404s for an unknown one', async () => {
      const db = await numbers();
      await db.createIndex({ index: { fields: ['n'] }, ddoc: 'two', name: 'a' });
      await db.createIndex({ index: { fields: ['even', 'n'] }, ddoc: 'two', name: 'b' });
      expect(await db.deleteIndex('two', 'a')).toEqual({ ok: true });
      const ddoc = await db.get('_design/two');
      expect(Object.keys(ddoc['views'] as object)).toEqual(['b']);
      await expectCouchError(db.deleteIndex('two', 'a'), NotFoundError, 404, 'not_found', 'missing');
      expect(await db.deleteIndex('_design/two', 'b')).toEqual({ ok: true });
      await expect(db.get('_design/two')).rejects.toMatchObject({ status: 404, reason: 'deleted' });
    });

    it('a JSON index on _id alone serves any selector: CouchDB requires no field for it, and prefers JSON indexes', async () => {
      const db = await numbers();
      expect((await db.explain({ selector: { n: { $gt: 5 } } })).index?.name).toBe('_all_docs');
      await db.createIndex({ index: { fields: ['_id'] }, ddoc: 'ids', name: 'ids' });
      const answer = await db.find({ selector: { n: { $gt: 8 } } });
      expect(idsOf(answer.docs)).toEqual(['n00', 'n01', 'n02']);
      expect(answer.warning).toBeUndefined();
      expect((await db.explain({ selector: { n: { $gt: 5 } } })).index?.name).toBe('ids');
    });

    it('a partial index holds only the documents its filter selects, and is only used when named', async () => {
      const db = await numbers();
      await db.createIndex({ index: { fields: ['n'], partial_filter_selector: { even: true } }, ddoc: 'evens', name: 'n' });
      const named = await db.find({ selector: { n: { $gte: 6 } }, use_index: ['evens', 'n'], execution_stats: true });
      expect(idsOf(named.docs)).toEqual(['n04', 'n02', 'n00']);
      expect(named.execution_stats?.total_keys_examined).toBe(3);
      const chosen = await db.explain({ selector: { n: { $gte: 6 }, even: true } });
      expect(chosen.index?.name).toBe('_all_docs');
      expect(chosen.index_candidates.find((c) => c.index.name === 'n')?.analysis).toEqual({ usable: false, reasons: [{ name: 'is_partial' }], ranking: 1, covering: false });
    });
  });

  describe('documents returned', () => {
    it('never returns deleted documents, with or without an index; conflicts: true adds _conflicts', async () => {
      const db = await h.createDb('returned');
      const written = await db.bulkDocs([
        { _id: 'a', v: 1 },
        { _id: 'b', v: 2 },
        { _id: 'c', v: 3 },
      ]);
      const revs = Object.fromEntries(written.map((r) => [r.id, 'rev' in r ? r.rev : '']));
      await db.remove('b', revs['b']!);
      // A replicated sibling with a higher hash becomes the winner; the first revision is then a conflict.
      await db.bulkDocs([{ _id: 'c', _rev: '1-ffffffffffffffffffffffffffffffff', v: 30 }], { new_edits: false });
      const plain = await db.find({ selector: { v: { $gt: 0 } } });
      expect(plain.docs.map((d) => [d._id, d['v']])).toEqual([
        ['a', 1],
        ['c', 30],
      ]);
      await db.createIndex({ index: { fields: ['v'] } });
      const indexed = await db.find({ selector: { v: { $gt: 0 } }, conflicts: true });
      expect(indexed.warning).toBeUndefined();
      expect(indexed.docs.map((d) => [d._id, d['_conflicts']])).toEqual([
        ['a', undefined],
        ['c', [revs['c']]],
      ]);
    });

    it('limit defaults to 25; {"$or": []} answers no documents, no bookmark and no warning', async () => {
      const db = await h.createDb('limits');
      await db.bulkDocs(Array.from({ length: 30 }, (_, i) => ({ _id: `m${String(i).padStart(2, '0')}`, n: i })));
      expect((await db.find({ selector: {} })).docs).toHaveLength(25);
      expect(await db.find({ selector: { $or: [] } })).toStrictEqual({ docs: [] });
    });
  });

  describe('durability', () => {
    it.runIf(backend.name === 'engine:sqlite')('indexes survive closing and reopening the SQLite engine, and stay maintained', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'settee-find-reopen-'));
      try {
        let engine = createEngine({ storage: 'sqlite', dir });
        await engine.createDb('kept', { q: 1 });
        let db = engine.db('kept');
        await db.bulkDocs(Array.from({ length: 20 }, (_, i) => ({ _id: `k${String(i).padStart(2, '0')}`, rank: (i * 7) % 20 })));
        await db.createIndex({ index: { fields: ['rank'] }, ddoc: 'rank', name: 'rank' });
        const query: FindRequest = { selector: { rank: { $lt: 4 } }, execution_stats: true };
        const before = await db.find(query);
        expect(idsOf(before.docs)).toEqual(['k00', 'k03', 'k06', 'k09']);
        await engine.close();

        engine = createEngine({ storage: 'sqlite', dir });
        db = engine.db('kept');
        expect((await db.getIndexes()).indexes.map((i) => i.name)).toEqual(['_all_docs', 'rank']);
        const after = await db.find(query);
        expect(idsOf(after.docs)).toEqual(['k00', 'k03', 'k06', 'k09']);
        expect(after.warning).toBeUndefined();
        // The end key is inclusive, as in CouchDB: the rank-4 row is read too, and its document rejected.
        expect(after.execution_stats).toMatchObject({ total_keys_examined: 5, total_docs_examined: 5, results_returned: 4 });

        await db.remove('k03', (await db.get('k03'))._rev);
        await db.put({ _id: 'k99', rank: 0 });
        await engine.close();
        engine = createEngine({ storage: 'sqlite', dir });
        expect(idsOf((await engine.db('kept').find(query)).docs)).toEqual(['k00', 'k99', 'k06', 'k09']);
        await engine.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
