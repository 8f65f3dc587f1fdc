// POST /_replicate answers and rules taken from CouchDB 3.4's replicator (couch_replicator_scheduler_job.erl,
// couch_replicator_docs.erl, couch_replicator_ids.erl) and its Elixir replication_test.exs: what a one-shot run
// that saw no change answers, use_checkpoints, flag types, doc_ids encoding, filter code in the id,
// winning_revs_only and create_target_params.
import type { JsonObject } from '@settee/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const recording = (await import(new URL('../../../shared/couchdb-reference/replication.json', import.meta.url).href, {
  with: { type: 'json' },
})) as { default: { steps: Array<{ note?: string; response?: { body?: unknown } }> } };
import { ADMIN, basic, createUser, request, startServer } from './start.js';

type Server = Awaited<ReturnType<typeof startServer>>;
let server: Server;

beforeAll(async () => {
  server = await startServer();
});

afterAll(() => server.closeAll());

async function replicate(body: unknown): Promise<{ status: number; json: JsonObject }> {
  const response = await request(server, '/_replicate', { method: 'POST', json: body });
  return { status: response.status, json: (await response.json()) as JsonObject };
}

async function put(path: string, body: unknown): Promise<JsonObject> {
  const response = await request(server, path, { method: 'PUT', json: body });
  expect(response.status, path).toBeLessThan(300);
  return (await response.json()) as JsonObject;
}

async function ids(db: string): Promise<string[]> {
  const response = await request(server, `/${db}/_all_docs`);
  const body = (await response.json()) as { rows: { id: string }[] };
  return body.rows.map((row) => row.id);
}

describe('one-shot runs that see no change', () => {
  it('answer only {ok, no_changes} without a checkpoint, and write none', async () => {
    await put('/empty_src', {});
    const answer = await replicate({ source: 'empty_src', target: 'empty_tgt', create_target: true });
    expect(answer).toEqual({ status: 200, json: { ok: true, no_changes: true } });
    const locals = (await (await request(server, '/empty_src/_local_docs')).json()) as { rows: unknown[] };
    expect(locals.rows).toEqual([]);
  });

  it('answer no_changes for doc_ids that name no document, and after changes to other documents (replication_test.exs)', async () => {
    await put('/ids_src', {});
    await put('/ids_src/1', { integer: 1 });
    const missing = await replicate({ source: 'ids_src', target: 'ids_tgt', create_target: true, doc_ids: ['foo_666'] });
    expect(missing.json).toEqual({ ok: true, no_changes: true });

    const first = await replicate({ source: 'ids_src', target: 'ids_tgt', doc_ids: ['1'] });
    expect(first.json).toMatchObject({ ok: true, docs_read: 1, docs_written: 1 });
    await put('/ids_src/2', { integer: 2 });
    // CouchDB's one-shot jobs checkpoint the last change they replicated, so the unrelated write is no change.
    const again = await replicate({ source: 'ids_src', target: 'ids_tgt', doc_ids: ['1'] });
    expect(again.json).toMatchObject({ ok: true, no_changes: true, session_id: first.json['session_id'], source_last_seq: first.json['source_last_seq'] });
  });
});

describe('the request members', () => {
  it('answers {ok, use_checkpoints: false} when use_checkpoints is false, and writes no checkpoint', async () => {
    await put('/nockpt_src', {});
    await put('/nockpt_src/a', { v: 1 });
    const answer = await replicate({ source: 'nockpt_src', target: 'nockpt_tgt', create_target: true, use_checkpoints: false });
    expect(answer).toEqual({ status: 200, json: { ok: true, use_checkpoints: false } });
    expect(await ids('nockpt_tgt')).toEqual(['a']);
    const locals = (await (await request(server, '/nockpt_src/_local_docs')).json()) as { rows: unknown[] };
    expect(locals.rows).toEqual([]);
  });

  it('refuses flags that are not booleans, and answers CouchDB\'s reasons for filters', async () => {
    for (const name of ['continuous', 'create_target', 'winning_revs_only', 'cancel']) {
      expect(await replicate({ source: 'a', target: 'b', [name]: 'true' })).toEqual({
        status: 400,
        json: { error: 'bad_request', reason: `parameter \`${name}\` must be a boolean` },
      });
    }
    expect(await replicate({ source: 'a', target: 'b', doc_ids: ['x'], filter: 'd/f' })).toEqual({
      status: 400,
      json: { error: 'bad_request', reason: '`doc_ids`,`filter`,`selector` are mutually exclusive' },
    });
    expect(await replicate({ source: 'a', target: 'b', filter: 'nofilter' })).toEqual({
      status: 500,
      json: { error: 'error', reason: 'Invalid filter. Must match `ddocname/filtername`.' },
    });
  });

  it('refuses query_params values that are not strings (validate_rep_props)', async () => {
    expect(await replicate({ source: 'a', target: 'b', filter: 'd/f', query_params: { n: 1 } })).toEqual({
      status: 400,
      json: { error: 'bad_request', reason: 'n value must be a string.' },
    });
  });

  it('takes percent-encoded doc_ids (replication_test.exs `_design%2Ffoo`)', async () => {
    await put('/enc_src', {});
    await put('/enc_src/_design/foo', { language: 'javascript' });
    await put('/enc_src/8', { integer: 8 });
    await put('/enc_src/9', { integer: 9 });
    const answer = await replicate({ source: 'enc_src', target: 'enc_tgt', create_target: true, doc_ids: ['_design%2Ffoo', '8'] });
    expect(answer.json).toMatchObject({ ok: true, docs_read: 2, docs_written: 2 });
    expect(await ids('enc_tgt')).toEqual(['8', '_design/foo']);
  });

  it('creates the target with create_target_params', async () => {
    await put('/params_src', {});
    await put('/params_src/p:a', { v: 1 });
    const answer = await replicate({ source: 'params_src', target: 'params_tgt', create_target: true, create_target_params: { partitioned: true } });
    expect(answer.json['ok']).toBe(true);
    const info = (await (await request(server, '/params_tgt')).json()) as { props: JsonObject };
    expect(info.props).toEqual({ partitioned: true });
  });

  it('copies only winning revisions with winning_revs_only, under its own replication id', async () => {
    await put('/wro_src', {});
    const bulk = await request(server, '/wro_src/_bulk_docs', {
      method: 'POST',
      json: {
        new_edits: false,
        docs: [
          { _id: 'c', _rev: `1-${'a'.repeat(32)}`, v: 'loses' },
          { _id: 'c', _rev: `1-${'b'.repeat(32)}`, v: 'wins' },
        ],
      },
    });
    expect(bulk.status).toBe(201);
    const answer = await replicate({ source: 'wro_src', target: 'wro_tgt', create_target: true, winning_revs_only: true });
    expect(answer.json['history']).toMatchObject([{ docs_written: 1 }]);
    const doc = (await (await request(server, '/wro_tgt/c?conflicts=true')).json()) as JsonObject;
    expect(doc).toMatchObject({ _rev: `1-${'b'.repeat(32)}`, v: 'wins' });
    expect(doc['_conflicts']).toBeUndefined();
    // A plain replication of the same endpoints is another replication: it starts over and copies the loser too.
    const all = await replicate({ source: 'wro_src', target: 'wro_tgt' });
    expect(all.json['history']).toHaveLength(1);
    expect(all.json['history']).toMatchObject([{ missing_checked: 2, docs_written: 1 }]);
  });
});

describe('filtered replications', () => {
  it('start over when the filter\'s code changes (COUCHDB-892), and continuous ids change with it', async () => {
    await put('/flt_src', {});
    const ddoc = await put('/flt_src/_design/mydesign', {
      filters: { myfilter: 'function (doc, req) { return doc.value < Number(req.query.maxvalue); }' },
    });
    for (const value of [1, 2, 3, 4]) await put(`/flt_src/foo${value}`, { value });
    const body = { source: 'flt_src', target: 'flt_tgt', create_target: true, filter: 'mydesign/myfilter', query_params: { maxvalue: '3' } };
    const first = await replicate(body);
    expect(first.json['history']).toMatchObject([{ docs_read: 2, docs_written: 2 }]);
    const started = await replicate({ ...body, continuous: true });
    const firstId = String(started.json['_local_id']);
    expect((await replicate({ replication_id: firstId, cancel: true })).status).toBe(200);

    await put('/flt_src/_design/mydesign', { _rev: ddoc['rev'], filters: { myfilter: 'function (doc, req) { return true; }' } });
    const second = await replicate(body);
    expect(second.json['history']).toHaveLength(1);
    expect(second.json['history']).toMatchObject([{ start_last_seq: 0, docs_read: 3, docs_written: 3 }]);
    expect(await ids('flt_tgt')).toEqual(['_design/mydesign', 'foo1', 'foo2', 'foo3', 'foo4']);
    const restarted = await replicate({ ...body, continuous: true });
    expect(restarted.json['_local_id']).not.toBe(firstId);
    expect((await replicate({ replication_id: restarted.json['_local_id'], cancel: true })).status).toBe(200);
  });
});

describe('counters', () => {
  /** The recorded answer of one step of CouchDB 3.4.3's replication.json. */
  function recorded(prefix: string): JsonObject {
    const step = recording.default.steps.find((entry) => entry.note?.startsWith(prefix) === true);
    return step?.response?.body as JsonObject;
  }

  it('shows CouchDB 3.4\'s members, bulk_get_docs and bulk_get_attempts included, in the answer and _scheduler/docs', async () => {
    await put('/cnt_src', {});
    for (const id of ['a', 'b', 'c']) await put(`/cnt_src/${id}`, { id });
    const answer = await replicate({ source: 'cnt_src', target: 'cnt_tgt', create_target: true });
    const history = answer.json['history'] as JsonObject[];
    const recordedHistory = recorded('POST /_replicate one-shot')['history'] as JsonObject[];
    expect(Object.keys(history[0] ?? {})).toEqual(Object.keys(recordedHistory[0] ?? {}));
    expect(history[0]).toMatchObject({ docs_read: 3, bulk_get_docs: 3, bulk_get_attempts: 3 });

    await put('/_replicator/cnt', { source: 'cnt_src', target: 'cnt_tgt2', create_target: true });
    let state: JsonObject | undefined;
    for (let i = 0; i < 200 && state?.['state'] !== 'completed'; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      state = (await (await request(server, '/_scheduler/docs/_replicator/cnt')).json()) as JsonObject;
    }
    const recordedInfo = recorded('GET /_scheduler/docs/_replicator/rep1')['info'] as JsonObject;
    expect(Object.keys(state?.['info'] as JsonObject)).toEqual(Object.keys(recordedInfo));
  });
});

describe('_scheduler/jobs paging', () => {
  it('answers CouchDB\'s query_parse_error reasons for limit and skip', async () => {
    const notInteger = await request(server, '/_scheduler/jobs?limit=abc');
    expect(notInteger.status).toBe(400);
    expect(await notInteger.json()).toEqual({ error: 'query_parse_error', reason: 'limit must be an integer' });
    const negative = await request(server, '/_scheduler/jobs?skip=-1');
    expect(negative.status).toBe(400);
    expect(await negative.json()).toEqual({ error: 'query_parse_error', reason: 'skip not in range of [0,infinity]' });
    // `;` separates parameters too, as everywhere else (mochiweb).
    const semicolon = await request(server, '/_scheduler/jobs?limit=1;skip=-1');
    expect([semicolon.status, await semicolon.json()]).toEqual([400, { error: 'query_parse_error', reason: 'skip not in range of [0,infinity]' }]);
    expect(await (await request(server, '/_scheduler/jobs?limit=0')).json()).toEqual({ total_rows: 0, offset: 0, jobs: [] });
  });
});

describe('replications asked for by a user who is not a server admin (replication_test.exs)', () => {
  /** The server's URL for `db` with `name:password` in its user info. */
  function urlAs(name: string, password: string, db: string): string {
    const url = new URL(`${server.url}/${db}`);
    url.username = name;
    url.password = password;
    return url.toString();
  }

  beforeAll(() => createUser(server, 'joe', 'erly', ['erlanger']));

  it('run between URLs with the credentials they carry: the design document joe may not write is a failure', async () => {
    await put('/na_src', {});
    await put('/na_src/_security', {});
    await put('/na_src/_design/foo', { language: 'javascript' });
    for (const id of ['1', '2']) await put(`/na_src/${id}`, { id });
    await put('/na_tgt', {});
    await put('/na_tgt/_security', { admins: { names: ['superman'], roles: ['god'] } });
    const joe = basic('joe', 'erly');
    const response = await request(server, '/_replicate', {
      method: 'POST',
      auth: joe,
      json: { source: urlAs('joe', 'erly', 'na_src'), target: urlAs('joe', 'erly', 'na_tgt') },
    });
    expect(response.status).toBe(200);
    const answer = (await response.json()) as JsonObject;
    expect(answer['history']).toMatchObject([{ docs_read: 3, docs_written: 2, doc_write_failures: 1 }]);
    expect(await ids('na_tgt')).toEqual(['1', '2']);

    // Local names would skip _security: server admins only.
    const local = await request(server, '/_replicate', { method: 'POST', auth: joe, json: { source: 'na_src', target: 'na_tgt' } });
    expect(local.status).toBe(401);
    expect(await local.json()).toEqual({ error: 'unauthorized', reason: 'You are not a server admin.' });
  });

  it('may not cancel a replication another user started (401), its owner and admins may', async () => {
    await put('/nc_src', {});
    const started = await replicate({ source: urlAs(ADMIN.name, ADMIN.password, 'nc_src'), target: 'nc_tgt', create_target: true, continuous: true });
    const id = String(started.json['_local_id']);
    const refused = await request(server, '/_replicate', { method: 'POST', auth: basic('joe', 'erly'), json: { replication_id: id, cancel: true } });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ error: 'unauthorized', reason: "Can't cancel a replication triggered by another user" });
    expect(await replicate({ replication_id: id, cancel: true })).toEqual({ status: 200, json: { ok: true, _local_id: id } });
  });
});
