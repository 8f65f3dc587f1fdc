// The changes feed (normal, longpoll, live), after shared/couchdb-reference/changes.json.
import { describe, expect, it } from 'vitest';
import { BadRequestError, NotFoundError, type ChangesRow, type DatabaseAdapter, type Seq } from '@settee/core';
import { backends } from './backends.js';
import { expectCouchError } from './expect-couch-error.js';
import { useBackend } from './harness.js';
import { hasQuirk } from './quirks.js';
import { sleep, waitFor } from './timing.js';
import { unsafe } from './unsafe.js';

const REV = {
  d1: '2-da5f5e1016548de978a346070af79102',
  d2: '2-790db1d78f21e7fbfb6348d5a3bf8082',
  d3: '1-e46b6d02253661d3a3a130ffc9fb5dfc',
  confWinner: '1-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
  confLoser: '1-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  app: '1-1772b2f34b57f2f6e97da5b53386c001',
} as const;

const APP = {
  filters: { typed: 'function (doc, req) { return doc.type === (req.query.type || "x"); }' },
  views: { by_type: { map: 'function (doc) { if (doc.type) emit(doc.type, null); }' } },
};

/** A changes row without its (opaque) seq. */
type Change = Omit<ChangesRow, 'seq'>;

const CHANGE: Record<'d3' | 'd1' | 'd2' | 'conf' | 'app', Change> = {
  d3: { id: 'd3', changes: [{ rev: REV.d3 }] },
  d1: { id: 'd1', changes: [{ rev: REV.d1 }] },
  d2: { id: 'd2', changes: [{ rev: REV.d2 }], deleted: true },
  conf: { id: 'conf', changes: [{ rev: REV.confWinner }] },
  app: { id: '_design/app', changes: [{ rev: REV.app }] },
};

const DOCS = {
  d3: { _id: 'd3', _rev: REV.d3, type: 'x', v: 3 },
  d1: { _id: 'd1', _rev: REV.d1, type: 'x', v: 11 },
  d2: { _id: 'd2', _rev: REV.d2, _deleted: true },
  conf: { _id: 'conf', _rev: REV.confWinner, type: 'y' },
  app: { _id: '_design/app', _rev: REV.app, ...APP },
};

/**
 * changes.json steps 2-7: d1..d3, d1 updated, d2 deleted, "conf" conflicted, a design doc and a _local doc. With
 * `recordedRevs` false the revisions the server makes are used as they come (pouchdb-server hashes its own way).
 */
async function writeFixture(db: DatabaseAdapter, recordedRevs = true): Promise<void> {
  const created = await db.bulkDocs([
    { _id: 'd1', type: 'x', v: 1 },
    { _id: 'd2', type: 'y', v: 2 },
    { _id: 'd3', type: 'x', v: 3 },
  ]);
  if (recordedRevs) {
    expect(created).toStrictEqual([
      { ok: true, id: 'd1', rev: '1-53bb45222f0ad689b97e55700b6c2819' },
      { ok: true, id: 'd2', rev: '1-8f54c498d33d5b5781e91319ee3b7d0c' },
      { ok: true, id: 'd3', rev: REV.d3 },
    ]);
  }
  const [d1, d2] = created.map((result) => ('rev' in result ? result.rev : ''));
  const updated = await db.put({ _id: 'd1', _rev: d1, type: 'x', v: 11 });
  const removed = await db.remove('d2', d2 ?? '');
  if (recordedRevs) {
    expect(updated).toStrictEqual({ ok: true, id: 'd1', rev: REV.d1 });
    expect(removed).toStrictEqual({ ok: true, id: 'd2', rev: REV.d2 });
  }
  expect(
    await db.bulkDocs(
      [
        { _id: 'conf', _rev: REV.confLoser, type: 'x' },
        { _id: 'conf', _rev: REV.confWinner, type: 'y' },
      ],
      { new_edits: false },
    ),
  ).toStrictEqual([]);
  const app = await db.put({ _id: '_design/app', ...APP });
  if (recordedRevs) expect(app).toStrictEqual({ ok: true, id: '_design/app', rev: REV.app });
  const local = await db.put({ _id: '_local/l1', v: 1 });
  if (recordedRevs) expect(local).toStrictEqual({ ok: true, id: '_local/l1', rev: '0-1' });
}

function withoutSeqs(rows: readonly ChangesRow[]): Change[] {
  return rows.map(({ seq: _seq, ...rest }) => rest);
}

/** Seqs are opaque, but each row has one, and distinct rows have distinct ones. */
function expectDistinctSeqs(rows: readonly ChangesRow[]): void {
  for (const row of rows) expect(['string', 'number']).toContain(typeof row.seq);
  expect(new Set(rows.map((row) => JSON.stringify(row.seq))).size).toBe(rows.length);
}

describe.each(backends)('changes [$name]', (backend) => {
  const h = useBackend(backend);

  async function fixture(): Promise<DatabaseAdapter> {
    const db = await h.createDb('changes');
    await writeFixture(db);
    return db;
  }

  /**
   * The fixture with whatever revisions the server makes, and its unfiltered feed by id: filtered feeds are checked
   * against those rows (seqs included), which the tests above hold to the recorded answers.
   */
  async function looseFixture(): Promise<{ db: DatabaseAdapter; row: (id: string) => ChangesRow; end: Seq }> {
    const db = await h.createDb('changes');
    await writeFixture(db, false);
    const all = await db.changes({ include_docs: true });
    const rows = new Map(all.results.map((entry) => [entry.id, entry]));
    const row = (id: string): ChangesRow => {
      const found = rows.get(id);
      if (!found) throw new Error(`${id} is not in the feed`);
      const { doc: _doc, ...rest } = found;
      return rest;
    };
    return { db, row, end: all.last_seq };
  }

  /** The document the unfiltered feed gave for `id` (include_docs). */
  async function docOf(db: DatabaseAdapter, id: string): Promise<ChangesRow['doc']> {
    return (await db.changes({ include_docs: true })).results.find((entry) => entry.id === id)?.doc;
  }

  describe('normal feed', () => {
    it('is empty for a new database', async () => {
      const db = await h.createDb('empty');
      const answer = await db.changes();
      expect(answer).toStrictEqual({ results: [], last_seq: expect.anything(), pending: 0 });
    });

    it('lists each document once at its latest change, in sequence order, without _local docs', async () => {
      const db = await fixture();
      for (const answer of [await db.changes(), await db.changes({ since: 0 })]) {
        expect(withoutSeqs(answer.results)).toStrictEqual([CHANGE.d3, CHANGE.d1, CHANGE.d2, CHANGE.conf, CHANGE.app]);
        expectDistinctSeqs(answer.results);
        expect(answer.pending).toBe(0);
        expect(answer.last_seq).toStrictEqual(answer.results[4]?.seq);
      }
    });

    it('limit pages the feed; pending counts the rest; since continues after last_seq', async () => {
      const db = await fixture();
      const page1 = await db.changes({ limit: 2 });
      expect(withoutSeqs(page1.results)).toStrictEqual([CHANGE.d3, CHANGE.d1]);
      expect(page1.pending).toBe(3);
      expect(page1.last_seq).toStrictEqual(page1.results[1]?.seq);
      const page2 = await db.changes({ since: page1.last_seq });
      expect(withoutSeqs(page2.results)).toStrictEqual([CHANGE.d2, CHANGE.conf, CHANGE.app]);
      expect(page2.pending).toBe(0);
      const none = await db.changes({ limit: 0 });
      expect(none.results).toStrictEqual([]);
      expect(none.pending).toBe(5);
    });

    it('descending reverses the feed; last_seq is the last row sent', async () => {
      const db = await fixture();
      const all = await db.changes({ descending: true });
      expect(withoutSeqs(all.results)).toStrictEqual([CHANGE.app, CHANGE.conf, CHANGE.d2, CHANGE.d1, CHANGE.d3]);
      expect(all.pending).toBe(0);
      expect(all.last_seq).toStrictEqual(all.results[4]?.seq);
      const one = await db.changes({ descending: true, limit: 1 });
      expect(withoutSeqs(one.results)).toStrictEqual([CHANGE.app]);
      expect(one.pending).toBe(4);
    });

    it('descending ignores since: it always runs back from the newest change to the first', async () => {
      // CouchDB starts a descending feed at the current update_seq (fabric_view_changes get_start_seq).
      const { db, row } = await looseFixture();
      const middle = (await db.changes({ limit: 2 })).last_seq;
      const all = await db.changes({ descending: true, since: middle });
      expect(all.results.map((entry) => entry.id)).toStrictEqual(['_design/app', 'conf', 'd2', 'd1', 'd3']);
      expect(all.last_seq).toStrictEqual(row('d3').seq);
    });

    it('since now and since last_seq answer nothing', async () => {
      const db = await fixture();
      const end = (await db.changes()).last_seq;
      expect(await db.changes({ since: 'now' })).toStrictEqual({ results: [], last_seq: end, pending: 0 });
      expect(await db.changes({ since: end })).toStrictEqual({ results: [], last_seq: end, pending: 0 });
    });

    it('since as a JSON-quoted seq (an EventSource Last-Event-ID) resumes after that seq', async () => {
      // fabric_view_changes unpack_seq_regex_match takes the seq out of its quotes: a browser EventSource sends
      // the `id:` line as it came, which is the JSON of the seq.
      const { db } = await looseFixture();
      const all = await db.changes();
      const second = all.results[1]!.seq;
      const quoted = (await db.changes({ since: JSON.stringify(second) })).results.map((row) => row.id);
      expect(quoted).toStrictEqual(all.results.slice(2).map((row) => row.id));
    });

    it('include_docs adds the winning document, the tombstone for a deleted one', async () => {
      const db = await fixture();
      const answer = await db.changes({ include_docs: true });
      expect(withoutSeqs(answer.results)).toStrictEqual([
        { ...CHANGE.d3, doc: DOCS.d3 },
        { ...CHANGE.d1, doc: DOCS.d1 },
        { ...CHANGE.d2, doc: DOCS.d2 },
        { ...CHANGE.conf, doc: DOCS.conf },
        { ...CHANGE.app, doc: DOCS.app },
      ]);
    });

    it('style all_docs lists every leaf, the winner first', async () => {
      const db = await fixture();
      const answer = await db.changes({ style: 'all_docs' });
      expect(withoutSeqs(answer.results)).toStrictEqual([
        CHANGE.d3,
        CHANGE.d1,
        CHANGE.d2,
        { id: 'conf', changes: [{ rev: REV.confWinner }, { rev: REV.confLoser }] },
        CHANGE.app,
      ]);
    });

    it('conflicts adds _conflicts to included documents and does nothing without include_docs', async () => {
      const db = await fixture();
      const withDocs = await db.changes({ conflicts: true, include_docs: true });
      expect(withoutSeqs(withDocs.results)[3]).toStrictEqual({
        ...CHANGE.conf,
        doc: { ...DOCS.conf, _conflicts: [REV.confLoser] },
      });
      const without = await db.changes({ conflicts: true });
      expect(withoutSeqs(without.results)).toStrictEqual([CHANGE.d3, CHANGE.d1, CHANGE.d2, CHANGE.conf, CHANGE.app]);
    });
  });

  describe('filters', () => {
    it('_doc_ids keeps the listed documents; pending counts the others', async () => {
      const db = await fixture();
      const end = (await db.changes()).last_seq;
      const answer = await db.changes({ filter: '_doc_ids', doc_ids: ['d1', 'conf', 'nope'] });
      expect(withoutSeqs(answer.results)).toStrictEqual([CHANGE.d1, CHANGE.conf]);
      expect(answer.last_seq).toStrictEqual(end);
      expect(answer.pending).toBe(3);
      const one = await db.changes({ filter: '_doc_ids', doc_ids: ['d3'] });
      expect(withoutSeqs(one.results)).toStrictEqual([CHANGE.d3]);
      expect(one.pending).toBe(4);
    });

    it('_doc_ids without a list of ids is a 400', async () => {
      const db = await fixture();
      const reason = '`doc_ids` filter parameter is not a list of doc ids.';
      await expectCouchError(db.changes({ filter: '_doc_ids' }), BadRequestError, 400, 'bad_request', reason);
    });

    it('_selector matches winning revisions only', async () => {
      const db = await fixture();
      // conf's losing leaf has type "x" but its winner has "y".
      const answer = await db.changes({ filter: '_selector', selector: { type: 'x' } });
      expect(withoutSeqs(answer.results)).toStrictEqual([CHANGE.d3, CHANGE.d1]);
      expect(answer.pending).toBe(0);
    });

    it('_selector can match tombstones', async () => {
      const db = await fixture();
      const answer = await db.changes({ filter: '_selector', selector: { _deleted: true }, include_docs: true });
      expect(withoutSeqs(answer.results)).toStrictEqual([{ ...CHANGE.d2, doc: DOCS.d2 }]);
    });

    it('_selector without a selector is a 400', async () => {
      const db = await fixture();
      await expectCouchError(
        db.changes({ filter: '_selector' }),
        BadRequestError,
        400,
        'bad_request',
        'Selector error: expected a JSON object',
      );
    });

    it('_selector with fields cuts each included document to them; bad fields and operators are 400 bad_request', async () => {
      const db = await fixture();
      const answer = await db.changes({ filter: '_selector', selector: { _deleted: true }, fields: ['_id'], include_docs: true });
      expect(answer.results.map((row) => row.doc)).toStrictEqual([{ _id: DOCS.d2._id }]);
      await expectCouchError(
        db.changes({ filter: '_selector', selector: { type: 'x' }, fields: unsafe('type') }),
        BadRequestError,
        400,
        'bad_request',
        'Selector error: fields must be JSON array',
      );
      await expectCouchError(db.changes({ filter: '_selector', selector: { type: { $bad: 1 } } }), BadRequestError, 400, 'bad_request', 'Invalid operator: $bad');
    });

    it('_design keeps design documents', async () => {
      const db = await fixture();
      const answer = await db.changes({ filter: '_design' });
      expect(withoutSeqs(answer.results)).toStrictEqual([CHANGE.app]);
      expect(answer.pending).toBe(4);
    });

    it('rejects a malformed filter name and answers 404 for a missing design document', async () => {
      const db = await fixture();
      await expectCouchError(
        db.changes({ filter: 'bogus' }),
        BadRequestError,
        400,
        'bad_request',
        '`filter` must be of the form `designname/filtername`',
      );
      await expectCouchError(db.changes({ filter: 'nodesign/x' }), NotFoundError, 404, 'not_found', 'missing');
    });

    it('a design-document filter gets query_params as req.query', async () => {
      const { db, row, end } = await looseFixture();
      // Recorded: filter=app/typed&type=y.
      const typed = await db.changes({ filter: 'app/typed', query_params: { type: 'y' } });
      expect(typed.results).toStrictEqual([row('conf')]);
      expect(typed.last_seq).toStrictEqual(end);
      if (!hasQuirk(backend, 'changes-without-pending')) expect(typed.pending).toBe(0);
      // Derived: without `type` the filter falls back to "x"; conf's losing leaf ("x") is not looked at.
      const fallback = await db.changes({ filter: 'app/typed', include_docs: true });
      expect(fallback.results).toStrictEqual([
        { ...row('d3'), doc: await docOf(db, 'd3') },
        { ...row('d1'), doc: await docOf(db, 'd1') },
      ]);
      const limited = await db.changes({ filter: 'app/typed', query_params: { type: 'x' }, limit: 1 });
      expect(limited.results).toStrictEqual([row('d3')]);
      const rest = await db.changes({ filter: 'app/typed', query_params: { type: 'x' }, since: limited.last_seq });
      expect(rest.results).toStrictEqual([row('d1')]);
    });

    it('_view keeps the documents the map function emits for', async () => {
      const { db, row, end } = await looseFixture();
      // Recorded: filter=_view&view=app/by_type (the tombstone and the design doc have no type).
      const answer = await db.changes({ filter: '_view', view: 'app/by_type' });
      expect(answer.results).toStrictEqual([row('d3'), row('d1'), row('conf')]);
      expect(answer.last_seq).toStrictEqual(end);
      if (!hasQuirk(backend, 'changes-without-pending')) expect(answer.pending).toBe(0);
    });

    it('judges each leaf with style all_docs; a function sees _conflicts and at most 20 _revisions', async () => {
      // Derived from CouchDB's couch_changes (open_revs with [deleted, conflicts], filter_revs) and
      // couch_query_servers (docs go to the query server with `revs`, cut to query_server_config/revs_limit = 20).
      const db = await h.createDb('leaves');
      const loser = '1-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
      const winner = '1-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
      const hashes = Array.from({ length: 25 }, (_, i) => String(25 - i).padStart(32, '0'));
      await db.bulkDocs(
        [
          { _id: 'c', _rev: loser, type: 'x' },
          { _id: 'c', _rev: winner, type: 'y' },
          { _id: 'long', _rev: `25-${hashes[0]}`, _revisions: { start: 25, ids: hashes }, type: 'z' },
        ],
        { new_edits: false },
      );
      await db.put({
        _id: '_design/f',
        filters: {
          typed: 'function (doc, req) { return doc.type === req.query.type; }',
          conflicted: 'function (doc) { return Array.isArray(doc._conflicts) && doc._revisions.ids.length === 1; }',
          history: 'function (doc) { return doc._revisions.start === 25 && doc._revisions.ids.length === 20; }',
        },
      });
      const ids = async (options: Parameters<DatabaseAdapter['changes']>[0]): Promise<Change[]> =>
        withoutSeqs((await db.changes(options)).results);
      expect(await ids({ filter: 'f/typed', query_params: { type: 'x' } })).toStrictEqual([]);
      expect(await ids({ filter: 'f/typed', query_params: { type: 'x' }, style: 'all_docs' })).toStrictEqual([
        { id: 'c', changes: [{ rev: loser }] },
      ]);
      expect(await ids({ filter: 'f/typed', query_params: { type: 'y' }, style: 'all_docs' })).toStrictEqual([
        { id: 'c', changes: [{ rev: winner }] },
      ]);
      expect(await ids({ filter: 'f/conflicted' })).toStrictEqual([{ id: 'c', changes: [{ rev: winner }] }]);
      // Each leaf opened on its own has no _conflicts.
      expect(await ids({ filter: 'f/conflicted', style: 'all_docs' })).toStrictEqual([]);
      expect(await ids({ filter: 'f/history' })).toStrictEqual([{ id: 'long', changes: [{ rev: `25-${hashes[0]}` }] }]);
      expect(await ids({ filter: '_selector', selector: { _conflicts: { $exists: true } } })).toStrictEqual([
        { id: 'c', changes: [{ rev: winner }] },
      ]);
      expect(await ids({ filter: '_selector', selector: { type: 'x' }, style: 'all_docs' })).toStrictEqual([
        { id: 'c', changes: [{ rev: loser }] },
      ]);
    });

    it('answers 404 for a missing filter function or view and 400 without a view', async () => {
      const { db } = await looseFixture();
      // Recorded.
      await expectCouchError(db.changes({ filter: 'app/missing' }), NotFoundError, 404, 'not_found', 'missing json key: missing');
      // Derived from CouchDB's chttpd_changes: the view is looked up like the filter function, by JSON path.
      await expectCouchError(
        db.changes({ filter: '_view', view: 'app/nope' }),
        NotFoundError,
        404,
        'not_found',
        'missing json key: nope',
      );
      await expectCouchError(db.changes({ filter: '_view', view: 'nodesign/v' }), NotFoundError, 404, 'not_found', 'missing');
      await expectCouchError(
        db.changes({ filter: '_view' }),
        BadRequestError,
        400,
        'bad_request',
        '`view` filter parameter is not provided.',
      );
      const plain = await h.createDb('plain');
      await plain.put({ _id: '_design/plain', language: 'javascript' });
      await expectCouchError(plain.changes({ filter: 'plain/f' }), NotFoundError, 404, 'not_found', 'missing json key: filters');
    });
  });

  describe('longpoll', () => {
    it('answers at once when there are changes', async () => {
      const db = await fixture();
      const answer = await db.changes({ feed: 'longpoll', since: 0, limit: 2 });
      expect(withoutSeqs(answer.results)).toStrictEqual([CHANGE.d3, CHANGE.d1]);
      expect(answer.pending).toBe(3);
    });

    it('answers an empty result after the timeout when nothing changes', async () => {
      const db = await fixture();
      const end = (await db.changes()).last_seq;
      const started = Date.now();
      const answer = await db.changes({ feed: 'longpoll', since: 'now', timeout: 100 });
      expect(Date.now() - started).toBeGreaterThanOrEqual(90);
      expect(answer).toStrictEqual({ results: [], last_seq: end, pending: 0 });
    });

    it('wakes up on the first later write, long before the timeout', async () => {
      const db = await fixture();
      const end = (await db.changes()).last_seq;
      const started = Date.now();
      const waiting = db.changes({ feed: 'longpoll', since: end, timeout: 10_000 });
      await sleep(50);
      const written = await db.put({ _id: 'late', v: 1 });
      const answer = await waiting;
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(withoutSeqs(answer.results)).toStrictEqual([{ id: 'late', changes: [{ rev: written.rev }] }]);
      expect(answer.last_seq).toStrictEqual(answer.results[0]?.seq);
    });

    it('a filtered longpoll goes on waiting through changes its filter leaves out', async () => {
      const db = await fixture();
      const end = (await db.changes()).last_seq;
      let answered = false;
      const waiting = db.changes({ feed: 'longpoll', since: end, timeout: 10_000, filter: '_doc_ids', doc_ids: ['wanted'] }).finally(() => {
        answered = true;
      });
      await sleep(50);
      await db.put({ _id: 'unwanted', v: 1 });
      await sleep(200);
      expect(answered).toBe(false);
      const written = await db.put({ _id: 'wanted', v: 1 });
      const answer = await waiting;
      expect(withoutSeqs(answer.results)).toStrictEqual([{ id: 'wanted', changes: [{ rev: written.rev }] }]);
    });
  });

  describe('live feed', () => {
    it('emits existing changes, then each later write exactly once, in order', async () => {
      const db = await fixture();
      const seen: ChangesRow[] = [];
      const errors: unknown[] = [];
      const subscription = db.liveChanges({ since: 0 }).subscribe({
        next: (row) => seen.push(row),
        error: (err: unknown) => errors.push(err),
      });
      try {
        await waitFor(() => seen.length >= 5, 'the five existing changes');
        expect(withoutSeqs(seen)).toStrictEqual([CHANGE.d3, CHANGE.d1, CHANGE.d2, CHANGE.conf, CHANGE.app]);

        const expected: Change[] = [];
        const a1 = await db.put({ _id: 'live-a', v: 1 });
        expected.push({ id: 'live-a', changes: [{ rev: a1.rev }] });
        await waitFor(() => seen.length >= 6, 'the first live write');
        const b1 = await db.put({ _id: 'live-b', v: 1 });
        expected.push({ id: 'live-b', changes: [{ rev: b1.rev }] });
        await waitFor(() => seen.length >= 7, 'the second live write');
        const a2 = await db.put({ _id: 'live-a', _rev: a1.rev, v: 2 });
        expected.push({ id: 'live-a', changes: [{ rev: a2.rev }] });
        const gone = await db.remove('live-b', b1.rev);
        expected.push({ id: 'live-b', changes: [{ rev: gone.rev }], deleted: true });
        await db.put({ _id: '_local/not-in-feed', v: 1 });
        await waitFor(() => seen.length >= 9, 'the last live writes');
        await sleep(100);
        expect(withoutSeqs(seen.slice(5))).toStrictEqual(expected);
        expectDistinctSeqs(seen);
        expect(errors).toStrictEqual([]);
      } finally {
        subscription.unsubscribe();
      }
    });

    it('resumes after a given since, and since now skips history', async () => {
      const db = await fixture();
      const end = (await db.changes()).last_seq;
      const written = await db.put({ _id: 'after', v: 1 });
      const resumed: ChangesRow[] = [];
      const fromNow: ChangesRow[] = [];
      const s1 = db.liveChanges({ since: end }).subscribe((row) => resumed.push(row));
      const s2 = db.liveChanges({ since: 'now' }).subscribe((row) => fromNow.push(row));
      try {
        await waitFor(() => resumed.length >= 1, 'the change after since');
        await sleep(50);
        expect(withoutSeqs(resumed)).toStrictEqual([{ id: 'after', changes: [{ rev: written.rev }] }]);
        expect(fromNow).toStrictEqual([]);
        const next = await db.put({ _id: 'next', v: 1 });
        await waitFor(() => fromNow.length >= 1 && resumed.length >= 2, 'the next write on both feeds');
        expect(withoutSeqs(fromNow)).toStrictEqual([{ id: 'next', changes: [{ rev: next.rev }] }]);
      } finally {
        s1.unsubscribe();
        s2.unsubscribe();
      }
    });

    it('applies filters and include_docs', async () => {
      const db = await fixture();
      const end = (await db.changes()).last_seq;
      const seen: ChangesRow[] = [];
      const subscription = db
        .liveChanges({ since: end, filter: '_doc_ids', doc_ids: ['wanted'], include_docs: true })
        .subscribe((row) => seen.push(row));
      try {
        await db.put({ _id: 'unwanted', v: 1 });
        const wanted = await db.put({ _id: 'wanted', v: 2 });
        await waitFor(() => seen.length >= 1, 'the wanted change');
        await sleep(50);
        expect(withoutSeqs(seen)).toStrictEqual([
          { id: 'wanted', changes: [{ rev: wanted.rev }], doc: { _id: 'wanted', _rev: wanted.rev, v: 2 } },
        ]);
      } finally {
        subscription.unsubscribe();
      }
    });

    // changes_async_test.exs "continuous filtered changes with doc ids": a _doc_ids or _design feed starts at
    // `since`, not at the update seq that a filtered normal feed reports as its last_seq.
    it('a _doc_ids feed from since=0 first emits the listed past changes', async () => {
      const { db, row } = await looseFixture();
      const seen: ChangesRow[] = [];
      const subscription = db.liveChanges({ since: 0, filter: '_doc_ids', doc_ids: ['d1', 'd3', 'later'] }).subscribe((entry) => seen.push(entry));
      try {
        await waitFor(() => seen.length >= 2, 'the past listed changes');
        const later = await db.put({ _id: 'later', v: 1 });
        await waitFor(() => seen.length >= 3, 'the later write');
        await sleep(50);
        expect(withoutSeqs(seen)).toStrictEqual(withoutSeqs([row('d3'), row('d1'), { seq: 0, id: 'later', changes: [{ rev: later.rev }] }]));
      } finally {
        subscription.unsubscribe();
      }
    });

    it('a _design feed from since=0 first emits the past design changes', async () => {
      const { db, row } = await looseFixture();
      const seen: ChangesRow[] = [];
      const subscription = db.liveChanges({ since: 0, filter: '_design' }).subscribe((entry) => seen.push(entry));
      try {
        await waitFor(() => seen.length >= 1, 'the past design change');
        await sleep(50);
        expect(withoutSeqs(seen)).toStrictEqual(withoutSeqs([row('_design/app')]));
      } finally {
        subscription.unsubscribe();
      }
    });

    it('applies a design-document filter with query_params and a _view filter to later writes', async () => {
      const { db } = await looseFixture();
      const end = (await db.changes()).last_seq;
      const typed: ChangesRow[] = [];
      const viewed: ChangesRow[] = [];
      const errors: unknown[] = [];
      const s1 = db
        .liveChanges({ since: end, filter: 'app/typed', query_params: { type: 'z' } })
        .subscribe({ next: (row) => typed.push(row), error: (err: unknown) => errors.push(err) });
      const s2 = db
        .liveChanges({ since: end, filter: '_view', view: 'app/by_type', include_docs: true })
        .subscribe({ next: (row) => viewed.push(row), error: (err: unknown) => errors.push(err) });
      try {
        await db.put({ _id: 'untyped', v: 1 });
        const x = await db.put({ _id: 'typed-x', type: 'x' });
        const z = await db.put({ _id: 'typed-z', type: 'z' });
        await waitFor(() => typed.length >= 1 && viewed.length >= 2, 'the filtered live changes');
        await sleep(50);
        expect(withoutSeqs(typed)).toStrictEqual([{ id: 'typed-z', changes: [{ rev: z.rev }] }]);
        expect(withoutSeqs(viewed)).toStrictEqual([
          { id: 'typed-x', changes: [{ rev: x.rev }], doc: { _id: 'typed-x', _rev: x.rev, type: 'x' } },
          { id: 'typed-z', changes: [{ rev: z.rev }], doc: { _id: 'typed-z', _rev: z.rev, type: 'z' } },
        ]);
        expect(errors).toStrictEqual([]);
      } finally {
        s1.unsubscribe();
        s2.unsubscribe();
      }
    });

    it('fails with 404 when the design document or filter function is missing', async () => {
      const { db } = await looseFixture();
      for (const [filter, reason] of [['nodesign/x', 'missing'], ['app/missing', 'missing json key: missing']] as const) {
        const failure = new Promise<unknown>((resolve) => {
          db.liveChanges({ since: 0, filter }).subscribe({ next: () => resolve('a row'), error: resolve, complete: () => resolve('completed') });
        });
        await expectCouchError(Promise.reject(await failure), NotFoundError, 404, 'not_found', reason);
      }
    });

    it('stops emitting once unsubscribed', async () => {
      const db = await fixture();
      const end = (await db.changes()).last_seq;
      const seen: ChangesRow[] = [];
      const subscription = db.liveChanges({ since: end }).subscribe((row) => seen.push(row));
      await db.put({ _id: 'before-stop', v: 1 });
      await waitFor(() => seen.length >= 1, 'the first change');
      subscription.unsubscribe();
      await db.put({ _id: 'after-stop', v: 1 });
      await sleep(100);
      expect(seen.map((row) => row.id)).toStrictEqual(['before-stop']);
    });
  });
});
