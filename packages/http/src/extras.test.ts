// Endpoints beyond the contract, checked against the requests and answers recorded from CouchDB 3.4.3
// (documents.json: HEAD, If-None-Match, COPY; server.json; replication.json).
import { describe, expect, it } from 'vitest';
import { firstValueFrom, toArray } from 'rxjs';
import { fakeFetch, type SeenRequest } from './fake-server.test-helper.js';
import { createHttpAdapter } from './index.js';

function setup() {
  const fake = fakeFetch();
  const server = createHttpAdapter({ url: 'http://127.0.0.1:5984', fetch: fake.fetch, retry: false });
  const last = (): SeenRequest => fake.seen.at(-1) ?? { method: '', target: '', headers: {}, body: '', bytes: new Uint8Array(0) };
  return { fake, server, db: server.db('db'), last };
}

describe('document extras', () => {
  it('head answers the ETag revision, or undefined for a missing document', async () => {
    const { db, fake, last } = setup();
    fake.reply({ status: 200, raw: '', headers: { etag: '"1-db2b4219c99b98cb06831cce46c8d5b1"' } }, { status: 404, raw: '' });
    expect(await db.head('doc1')).toBe('1-db2b4219c99b98cb06831cce46c8d5b1');
    expect(last()).toMatchObject({ method: 'HEAD', target: '/db/doc1' });
    expect(await db.head('missing')).toBeUndefined();
  });

  it('getIfNoneMatch sends the quoted ETag; 304 means not modified', async () => {
    const { db, fake, last } = setup();
    const etag = '"1-db2b4219c99b98cb06831cce46c8d5b1"';
    fake.reply({ status: 304, raw: '', headers: { etag } }, { status: 200, body: { _id: 'doc1', _rev: '2-b' }, headers: { etag: '"2-b"' } });
    expect(await db.getIfNoneMatch('doc1', '1-db2b4219c99b98cb06831cce46c8d5b1')).toStrictEqual({ modified: false, etag });
    expect(last().headers['if-none-match']).toBe(etag);
    expect(await db.getIfNoneMatch('doc1', etag)).toStrictEqual({ modified: true, etag: '"2-b"', doc: { _id: 'doc1', _rev: '2-b' } });
  });

  it('copy sends COPY with Destination, and ?rev= to overwrite', async () => {
    const { db, fake, last } = setup();
    fake.reply({ status: 201, body: { ok: true, id: 'doccopy', rev: '1-e' } }, { status: 201, body: { ok: true, id: 'doccopy', rev: '2-a' } });
    expect(await db.copy('doc1', 'doccopy')).toStrictEqual({ ok: true, id: 'doccopy', rev: '1-e' });
    expect(last()).toMatchObject({ method: 'COPY', target: '/db/doc1', headers: { destination: 'doccopy' } });
    await db.copy('doc1', 'doccopy', { destinationRev: '1-e103f001dc29d2a3fa7a342433ed36eb' });
    expect(last().headers['destination']).toBe('doccopy?rev=1-e103f001dc29d2a3fa7a342433ed36eb');
  });

  it('view: GET with JSON keys, POST with keys; partitions prefix every path', async () => {
    const { db, fake, last } = setup();
    fake.reply({ status: 200, body: { rows: [] } }, { status: 200, body: { rows: [] } }, { status: 200, body: { docs: [] } });
    await db.query('app', 'by_type', { startkey: ['a', 1], reduce: false });
    expect(decodeURIComponent(last().target)).toBe('/db/_design/app/_view/by_type?startkey=["a",1]&reduce=false');
    await db.partition('sensor 1').query('_design/app', 'v', { keys: [1, 2] });
    expect(last()).toMatchObject({ method: 'POST', target: '/db/_partition/sensor%201/_design/app/_view/v', body: '{"keys":[1,2]}' });
    await db.partition('p').find({ selector: { a: 1 } });
    expect(last()).toMatchObject({ method: 'POST', target: '/db/_partition/p/_find' });
  });
});

describe('server extras', () => {
  it('maps _up, _dbs_info, _membership, _scheduler, _node and _db_updates', async () => {
    const { server, fake, last } = setup();
    fake.reply({ status: 200, body: { status: 'ok', seeds: {} } });
    expect(await server.up()).toStrictEqual({ status: 'ok', seeds: {} });
    const targets: string[] = [];
    const calls: Array<() => Promise<unknown>> = [
      () => server.dbsInfo(['a', 'b']),
      () => server.dbsInfo({ startkey: 'ref_', limit: 2 }),
      () => server.activeTasks(),
      () => server.membership(),
      () => server.schedulerJobs({ limit: 5 }),
      () => server.schedulerDocs({}, '_replicator'),
      () => server.nodeStats('_local', 'couchdb/request_time'),
      () => server.nodeSystem(),
      () => server.dbUpdates({ feed: 'longpoll', since: 'now', timeout: 100 }),
    ];
    for (const call of calls) {
      fake.reply({ status: 200, body: {} });
      await call();
      targets.push(`${last().method} ${decodeURIComponent(last().target)}`);
    }
    expect(targets).toStrictEqual([
      'POST /_dbs_info',
      'GET /_dbs_info?startkey="ref_"&limit=2',
      'GET /_active_tasks',
      'GET /_membership',
      'GET /_scheduler/jobs?limit=5',
      'GET /_scheduler/docs/_replicator',
      'GET /_node/_local/_stats/couchdb/request_time',
      'GET /_node/_local/_system',
      'GET /_db_updates?feed=longpoll&since=now&timeout=100',
    ]);
  });

  it('replicate and cancel post the same request, the cancel with cancel: true', async () => {
    const { server, fake, last } = setup();
    const request = { source: 'http://u:p@h/source', target: 'http://u:p@h/target', continuous: true };
    fake.reply({ status: 202, body: { ok: true, _local_id: 'x+continuous' } }, { status: 200, body: { ok: true } });
    expect(await server.replicate(request)).toStrictEqual({ ok: true, _local_id: 'x+continuous' });
    await server.cancelReplication(request);
    expect(JSON.parse(last().body)).toStrictEqual({ ...request, cancel: true });
  });

  it('replication errors keep no credentials in their message', async () => {
    const { server, fake } = setup();
    fake.reply({ status: 500, body: { error: 'db_not_found', reason: 'could not open http://admin:hunter2@h/missing_target/' } });
    const error = (await server.replicate({ source: 'a', target: 'b' }).catch((e: unknown) => e)) as Error;
    expect(error.message).toBe('db_not_found: could not open http://***@h/missing_target/');
  });

  it('replication(): writes the _replicator doc, emits each scheduler state until completed', async () => {
    const { server, fake } = setup();
    fake.reply(
      { status: 201, body: { ok: true, id: 'rep1', rev: '1-a' } },
      { status: 404, body: { error: 'not_found', reason: 'missing' } },
      { status: 200, body: { database: '_replicator', doc_id: 'rep1', state: 'running', info: null } },
      { status: 200, body: { database: '_replicator', doc_id: 'rep1', state: 'running', info: null } },
      { status: 200, body: { database: '_replicator', doc_id: 'rep1', state: 'completed', info: { docs_written: 7 } } },
    );
    const states = await firstValueFrom(server.replication('rep1', { source: 's', target: 't' }, { pollInterval: 1 }).pipe(toArray()));
    expect(states.map((s) => s.state)).toStrictEqual(['running', 'completed']);
    expect(fake.seen.map((r) => `${r.method} ${r.target}`)).toStrictEqual([
      'PUT /_replicator/rep1',
      'GET /_scheduler/docs/_replicator/rep1',
      'GET /_scheduler/docs/_replicator/rep1',
      'GET /_scheduler/docs/_replicator/rep1',
      'GET /_scheduler/docs/_replicator/rep1',
    ]);
  });

  it('replication(): unsubscribing while running deletes the document (cancels)', async () => {
    const fake = fakeFetch({ status: 200, body: { database: '_replicator', doc_id: 'cont1', state: 'running' } });
    const server = createHttpAdapter({ url: 'http://127.0.0.1:5984', fetch: fake.fetch, retry: false });
    fake.reply({ status: 201, body: { ok: true, id: 'cont1', rev: '1-a' } });
    const seen: string[] = [];
    const subscription = server.replication('cont1', { source: 's', target: 't', continuous: true }, { pollInterval: 5 }).subscribe((s) => seen.push(s.state));
    await new Promise((r) => setTimeout(r, 30));
    fake.reply({ status: 200, body: { _id: 'cont1', _rev: '1-a' } }, { status: 200, body: { ok: true } });
    subscription.unsubscribe();
    await new Promise((r) => setTimeout(r, 30));
    expect(seen).toStrictEqual(['running']);
    expect(fake.seen.slice(-2).map((r) => `${r.method} ${r.target}`)).toStrictEqual(['GET /_replicator/cont1', 'DELETE /_replicator/cont1?rev=1-a']);
  });
});
