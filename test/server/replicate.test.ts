// settee-server's server-side replication: POST /_replicate (one-shot, continuous, cancel, errors), _active_tasks,
// _scheduler/jobs and /docs, and _replicator documents, between real servers on 127.0.0.1 (settee-server ⇄
// settee-server, settee-server → pouchdb-server), driven through @settee/http's client methods and raw fetch.
import type { DatabaseAdapter, JsonObject } from '@settee/core';
import { createHttpAdapter, type HttpServer, type ReplicationDocState } from '@settee/http';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ADMIN, request, startServer } from './start.js';

/** The server's URL with the test admin's credentials in its user info. */
function adminUrl(server: { url: string }): string {
  const url = new URL(server.url);
  url.username = ADMIN.name;
  url.password = ADMIN.password;
  return url.toString().replace(/\/$/, '');
}

/** `id → sorted leaf revs` of a database, deleted leaves included (style=all_docs). */
async function leaves(db: DatabaseAdapter): Promise<Record<string, string[]>> {
  const feed = await db.changes({ style: 'all_docs' });
  const rows = feed.results.map((row) => [row.id, row.changes.map((change) => change.rev).sort()] as const);
  return Object.fromEntries([...rows].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Polls `probe` until it returns a value other than undefined (bounded by the test's own timeout). */
async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, tries = 400): Promise<T> {
  for (let i = 0; i < tries; i += 1) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** Docs of every kind the replicator must carry: plain, deleted, conflicted, with an attachment. */
async function seed(db: DatabaseAdapter): Promise<void> {
  await db.bulkDocs(Array.from({ length: 8 }, (_, i) => ({ _id: `d${i}`, i, type: i % 2 === 0 ? 'even' : 'odd' })));
  const gone = await db.get('d7');
  await db.remove('d7', gone._rev);
  const a = 'a'.repeat(32);
  await db.bulkDocs(
    [
      { _id: 'clash', _rev: `2-${'b'.repeat(32)}`, v: 'B', _revisions: { start: 2, ids: ['b'.repeat(32), a] } },
      { _id: 'clash', _rev: `2-${'c'.repeat(32)}`, v: 'C', _revisions: { start: 2, ids: ['c'.repeat(32), a] } },
    ],
    { new_edits: false },
  );
  await db.put({ _id: 'cover', _attachments: { 'c.txt': { content_type: 'text/plain', data: btoa('front') } } });
}

type Server = Awaited<ReturnType<typeof startServer>>;
let a: Server;
let b: Server;
let clientA: HttpServer;
let clientB: HttpServer;

beforeAll(async () => {
  [a, b] = await Promise.all([startServer(), startServer()]);
  clientA = createHttpAdapter({ url: adminUrl(a) });
  clientB = createHttpAdapter({ url: adminUrl(b) });
  await clientA.createDb('source');
  await seed(clientA.db('source'));
  await clientA.db('source').put({ _id: '_local/mine', v: 1 });
});

afterAll(async () => {
  await Promise.all([clientA.close(), clientB.close()]);
  await Promise.all([a.closeAll(), b.closeAll()]);
});

/** The response body as text, to show that no credential is echoed. */
async function rawReplicate(server: Server, body: unknown, auth?: string | null): Promise<{ status: number; text: string; json: JsonObject }> {
  const response = await request(server, '/_replicate', { method: 'POST', json: body, ...(auth === undefined ? {} : { auth }) });
  const text = await response.text();
  return { status: response.status, text, json: JSON.parse(text) as JsonObject };
}

describe('POST /_replicate one-shot', () => {
  it('copies every leaf (conflicts, deletions, attachments) to another settee-server and answers CouchDB\'s body', async () => {
    const body = { source: `${adminUrl(a)}/source`, target: `${adminUrl(b)}/copy`, create_target: true };
    const { status, text, json } = await rawReplicate(a, body);
    expect(status).toBe(200);
    expect(text).not.toContain(ADMIN.password);
    expect(Object.keys(json)).toEqual(['ok', 'session_id', 'source_last_seq', 'replication_id_version', 'history']);
    expect(json['ok']).toBe(true);
    expect(json['replication_id_version']).toBe(4);
    const history = json['history'] as JsonObject[];
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ session_id: json['session_id'], start_last_seq: 0, end_last_seq: json['source_last_seq'], doc_write_failures: 0 });
    // d0..d7 (d7 deleted), two conflicting leaves of clash, cover.
    expect(history[0]?.['docs_written']).toBe(11);

    const copy = clientB.db('copy');
    expect(await leaves(copy)).toEqual(await leaves(clientA.db('source')));
    expect(new TextDecoder().decode((await copy.getAttachment('cover', 'c.txt')).data)).toBe('front');
    await expect(copy.get('_local/mine')).rejects.toMatchObject({ status: 404 });
    // The target was created admin-only, like any database on this server.
    expect((await request(b, '/copy', { auth: null })).status).toBe(401);

    // The checkpoint is `_local/<replication id>` on both sides, with the answer's session.
    const locals = await clientA.db('source').localDocs();
    const checkpoint = locals.rows.find((row) => row.key !== '_local/mine');
    expect(checkpoint).toBeDefined();
    const onTarget = await copy.get(checkpoint?.key ?? '');
    expect(onTarget['session_id']).toBe(json['session_id']);

    const again = await rawReplicate(a, body);
    expect(again.json).toMatchObject({ ok: true, no_changes: true, session_id: json['session_id'], history });
  });

  it('takes local database names and {url, headers} objects, and passes doc_ids and selector through', async () => {
    const bare = await clientA.replicate({ source: 'source', target: 'bare', create_target: true });
    expect(bare['ok']).toBe(true);
    expect(await leaves(clientA.db('bare'))).toEqual(await leaves(clientA.db('source')));

    const headers = { Authorization: `Basic ${Buffer.from(`${ADMIN.name}:${ADMIN.password}`).toString('base64')}` };
    const ids = await clientA.replicate({
      source: { url: `${a.url}/source`, headers },
      target: 'ids',
      create_target: true,
      doc_ids: ['d1', 'd3', 'nope'],
    });
    expect(ids).toMatchObject({ ok: true, docs_read: 2, docs_written: 2, doc_write_failures: 0 });
    expect(typeof ids['start_time']).toBe('string');
    expect((await clientA.db('ids').allDocs()).rows.map((row) => row.key)).toEqual(['d1', 'd3']);

    const selected = await clientA.replicate({ source: 'source', target: `${adminUrl(b)}/evens`, create_target: true, selector: { type: 'even' } });
    expect(selected['ok']).toBe(true);
    expect((await clientB.db('evens').allDocs()).rows.map((row) => row.key)).toEqual(['d0', 'd2', 'd4', 'd6']);

    await clientA.createDb('filtered_src');
    const filteredSource = clientA.db('filtered_src');
    await filteredSource.bulkDocs([{ _id: 'n1', n: 1 }, { _id: 'n2', n: 2 }, { _id: 'n3', n: 1 }]);
    await filteredSource.put({ _id: '_design/app', filters: { by_n: 'function (doc, req) { return doc.n === Number(req.query.n); }' } });
    const filtered = await clientA.replicate({ source: 'filtered_src', target: 'filtered', create_target: true, filter: 'app/by_n', query_params: { n: '1' } });
    expect(filtered['ok']).toBe(true);
    expect((await clientA.db('filtered').allDocs()).rows.map((row) => row.key)).toEqual(['n1', 'n3']);
    // since_seq: only what changed after it.
    const since = (await filteredSource.info()).update_seq;
    await filteredSource.put({ _id: 'n4', n: 4 });
    await clientA.replicate({ source: 'filtered_src', target: 'since', create_target: true, since_seq: since });
    expect((await clientA.db('since').allDocs()).rows.map((row) => row.key)).toEqual(['n4']);
  });

  it('answers CouchDB\'s errors without credentials', async () => {
    const missing = await rawReplicate(a, { source: `${adminUrl(b)}/missing_source`, target: `${adminUrl(b)}/x` });
    expect(missing.status).toBe(500);
    expect(missing.json).toEqual({ error: 'db_not_found', reason: `could not open ${b.url}/missing_source/` });
    expect(missing.text).not.toContain(ADMIN.password);

    const noTarget = await rawReplicate(a, { source: 'source', target: `${adminUrl(b)}/missing_target` });
    expect(noTarget.status).toBe(500);
    expect(noTarget.json).toEqual({ error: 'db_not_found', reason: `could not open ${b.url}/missing_target/` });

    expect(await rawReplicate(a, { source: 'source' })).toMatchObject({ status: 500, json: { error: 'error', reason: 'Missing replicator database' } });
    expect(await rawReplicate(a, { source: 'source', target: 'x', doc_ids: 'd1' })).toMatchObject({
      status: 400,
      json: { error: 'bad_request', reason: 'parameter `doc_ids` must be an array' },
    });
    expect(await rawReplicate(a, { source: 'source', target: 'bare' }, null)).toMatchObject({
      status: 401,
      json: { error: 'unauthorized', reason: 'You are not a server admin.' },
    });
    const noFilter = await rawReplicate(a, { source: 'source', target: 'bare', filter: 'app/nope' });
    expect(noFilter.status).toBe(404);
    expect(noFilter.json['error']).toBe('not_found');
    expect(noFilter.json['reason']).toMatch(/^Couldn't parse filter code from document app on `source`/);
    expect((await request(a, '/_replicate')).status).toBe(405);
  });
});

describe('continuous replications, _active_tasks and _scheduler/jobs', () => {
  it('runs until cancelled, shows its counters, and cancel answers 404 once it is gone', async () => {
    const body = { source: 'source', target: `${adminUrl(b)}/live`, create_target: true, continuous: true };
    const started = await rawReplicate(a, body);
    expect(started.status).toBe(202);
    const localId = started.json['_local_id'];
    expect(localId).toMatch(/^[0-9a-f]{32}\+continuous\+create_target$/);

    await clientA.db('source').put({ _id: 'late', v: 1 });
    const live = clientB.db('live');
    await waitFor(async () => ((await live.get('late').catch(() => undefined)) === undefined ? undefined : true), 'the late doc');

    const tasks = await waitFor(async () => {
      const list = await clientA.activeTasks();
      const task = list.find((entry) => entry['replication_id'] === localId);
      return task !== undefined && task['docs_written'] === 12 ? list : undefined;
    }, 'the task counters');
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ type: 'replication', continuous: true, source: 'source', target: `${b.url}/live/`, doc_id: null, user: ADMIN.name });
    expect(JSON.stringify(tasks)).not.toContain(ADMIN.password);

    const jobs = await clientA.schedulerJobs();
    expect(jobs.total_rows).toBe(1);
    expect(JSON.stringify(jobs)).not.toContain(ADMIN.password);
    expect(jobs.jobs[0]).toMatchObject({ id: localId, database: null, doc_id: null, source: 'source', target: `${b.url}/live/` });
    const one = await request(a, `/_scheduler/jobs/${encodeURIComponent(String(localId))}`);
    expect(await one.json()).toMatchObject({ id: localId });
    expect((await request(a, '/_scheduler/jobs/nope')).status).toBe(404);

    // The same request again does not start a second job.
    expect((await rawReplicate(a, body)).json).toEqual({ ok: true, _local_id: localId });
    expect((await clientA.schedulerJobs()).total_rows).toBe(1);

    expect(await clientA.cancelReplication(body)).toEqual({ ok: true, _local_id: localId });
    expect(await clientA.activeTasks()).toEqual([]);
    expect((await clientA.schedulerJobs()).jobs).toEqual([]);
    const again = await rawReplicate(a, { replication_id: localId, cancel: true });
    expect(again).toMatchObject({ status: 404, json: { error: 'not_found', reason: 'missing' } });
  });

  it('is cancelled by replication_id', async () => {
    const started = await clientA.replicate({ source: 'source', target: 'bare', continuous: true });
    const id = String(started['_local_id']);
    expect(id).toMatch(/\+continuous$/);
    expect(await clientA.cancelReplication({ replication_id: id })).toEqual({ ok: true, _local_id: id });
    expect((await clientA.schedulerJobs()).total_rows).toBe(0);
  });
});

describe('_replicator documents and _scheduler/docs', () => {
  it('a one-shot document runs to completed through @settee/http\'s replication() and records its state', async () => {
    const request_ = { source: `${adminUrl(a)}/source`, target: `${adminUrl(b)}/from_doc`, create_target: true };
    const states: ReplicationDocState[] = await lastValueFrom(clientA.replication('rep1', request_, { pollInterval: 20 }).pipe(toArray()));
    const last = states[states.length - 1];
    expect(last).toMatchObject({ database: '_replicator', doc_id: 'rep1', id: null, state: 'completed', error_count: 0 });
    expect(last?.['source']).toBe(`${a.url}/source/`);
    expect(last?.['info']).toMatchObject({ docs_written: 12, doc_write_failures: 0, changes_pending: null });
    expect(JSON.stringify(states)).not.toContain(ADMIN.password);
    expect(await leaves(clientB.db('from_doc'))).toEqual(await leaves(clientA.db('source')));


    const all = await clientA.schedulerDocs();
    expect(all.docs.map((entry) => entry.doc_id)).toContain('rep1');
    expect((await clientA.schedulerDocs({ states: 'running' })).docs.map((entry) => entry.doc_id)).not.toContain('rep1');
    expect((await request(a, '/_scheduler/docs/_replicator/missing')).status).toBe(404);
    expect((await request(a, '/_scheduler/docs', { auth: null })).status).toBe(401);
  });

  it('a continuous document runs until its document is deleted', async () => {
    const replicator = clientA.db('_replicator');
    const written = await replicator.put({ _id: 'cont1', source: 'source', target: `${adminUrl(b)}/cont_target`, create_target: true, continuous: true });
    const running = await waitFor(async () => {
      const state = (await clientA.schedulerDocs({}, '_replicator')).docs.find((entry) => entry.doc_id === 'cont1');
      return state?.state === 'running' && (state['info'] as JsonObject | undefined)?.['docs_written'] === 12 ? state : undefined;
    }, 'the running state');
    expect(running['id']).toMatch(/^[0-9a-f]{32}\+continuous\+create_target$/);
    expect(running['target']).toBe(`${b.url}/cont_target/`);
    const jobs = await clientA.schedulerJobs();
    expect(jobs.jobs.map((job) => job['doc_id'])).toEqual(['cont1']);
    expect((await clientA.activeTasks())[0]).toMatchObject({ type: 'replication', database: '_replicator', doc_id: 'cont1', continuous: true });
    // CouchDB 3 writes nothing into a running document; the writer was recorded as its owner.
    const stored = await replicator.get('cont1');
    expect(stored._rev).toBe(written.rev);
    expect(stored['owner']).toBe(ADMIN.name);

    await clientA.db('source').put({ _id: 'later', v: 2 });
    await waitFor(async () => ((await clientB.db('cont_target').get('later').catch(() => undefined)) === undefined ? undefined : true), 'the later doc');

    await replicator.remove('cont1', written.rev);
    await waitFor(async () => ((await clientA.schedulerJobs()).total_rows === 0 ? true : undefined), 'the job to stop');
    expect((await request(a, '/_scheduler/docs/_replicator/cont1')).status).toBe(404);
  });

  it('a document whose source is missing fails, and an invalid one fails with its reason', async () => {
    await clientA.db('_replicator').put({ _id: 'broken', source: 'nowhere', target: 'bare' });
    const failed = await waitFor(async () => {
      const state = await clientA.schedulerDocs({}, '_replicator').then((page) => page.docs.find((entry) => entry.doc_id === 'broken'));
      return state?.state === 'failed' ? state : undefined;
    }, 'the failed state');
    expect(failed['info']).toEqual({ error: 'could not open nowhere' });

    // An invalid replication is refused when written, with the parser's reason (CouchDB 3.4's answer).
    const bad = await request(a, '/_replicator/bad1', { method: 'PUT', json: { source: 'source' } });
    expect(bad.status).toBe(403);
    expect(await bad.json()).toEqual({ error: 'forbidden', reason: 'Missing replicator database' });
    const bulk = await request(a, '/_replicator/_bulk_docs', { method: 'POST', json: { docs: [{ _id: 'bad2', target: 'x' }, { _id: 'fine', source: 'nowhere', target: 'bare' }] } });
    expect(((await bulk.json()) as JsonObject[]).map((entry) => entry['error'] ?? 'ok')).toEqual(['forbidden', 'ok']);
  });
});

describe('settee-server → pouchdb-server', () => {
  const pouchUrl = inject('pouchdbServerUrl');
  // pouchdb-server only runs when no real CouchDB is configured (COUCHDB_URL): then there is nothing to push to.
  it.skipIf(pouchUrl === '')('pushes every leaf to pouchdb-server with create_target', async () => {
    const name = `settee-push-${Date.now().toString(36)}`;
    const pouch = createHttpAdapter({ url: pouchUrl });
    try {
      const answer = await clientA.replicate({ source: 'source', target: `${pouchUrl.replace(/\/$/, '')}/${name}`, create_target: true });
      expect(answer['ok']).toBe(true);
      expect(await leaves(pouch.db(name))).toEqual(await leaves(clientA.db('source')));
    } finally {
      await pouch.deleteDb(name).catch(() => undefined);
      await pouch.close();
    }
  });
});
