// The remaining options and paths: since, checkpoint placement, design-document filters where the source serves
// them, the open_revs fallback for a server without _bulk_get, and cancelling a one-shot run midway.
import { createServer, request, type Server } from 'node:http';
import { replicate, replicationId, untilComplete, type ReplicationEvent, type ServerAdapter } from '@settee/core';
import { createEngine } from '@settee/engine';
import { createHttpAdapter } from '@settee/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventLog } from './event-log.js';
import { leafTable } from './leaves.js';
import { remoteUrl, uniqueDbName } from './endpoints.js';

const url = remoteUrl();

describe('replication options on the engine', () => {
  let engine: ServerAdapter;

  beforeAll(() => {
    engine = createEngine({ storage: 'memory' });
  });

  afterAll(() => engine.close());

  async function fresh(label: string) {
    const name = uniqueDbName(label);
    await engine.createDb(name);
    return engine.db(name);
  }

  it('starts after `since` instead of the checkpoint', async () => {
    const source = await fresh('src');
    const target = await fresh('tgt');
    await source.bulkDocs([{ _id: 'old1' }, { _id: 'old2' }]);
    const { update_seq: since } = await source.info();
    await source.bulkDocs([{ _id: 'new1' }, { _id: 'new2' }]);
    const result = await untilComplete(replicate(source, target, { since }));
    expect(Object.keys(await leafTable(target))).toEqual(['new1', 'new2']);
    expect(result.history[0]?.start_last_seq).toEqual(since);
  });

  it("keeps checkpoints where `checkpoint` says: 'target' only, or nowhere", async () => {
    const source = await fresh('src');
    const target = await fresh('tgt');
    await source.put({ _id: 'a' });
    const result = await untilComplete(replicate(source, target, { checkpoint: 'target' }));
    await expect(source.get(`_local/${result.replication_id}`)).rejects.toMatchObject({ status: 404 });
    expect((await target.get(`_local/${result.replication_id}`))['session_id']).toBe(result.session_id);
    // The target's checkpoint alone is enough to resume.
    await source.put({ _id: 'b' });
    expect((await untilComplete(replicate(source, target, { checkpoint: 'target' }))).stats.docs_read).toBe(1);

    const untracked = await fresh('tgt');
    const none = await untilComplete(replicate(source, untracked, { checkpoint: false }));
    expect((await untracked.localDocs()).rows).toEqual([]);
    expect((await untilComplete(replicate(source, untracked, { checkpoint: false }))).stats.missing_checked).toBe(none.stats.missing_checked);
  });

  it('stops a one-shot run when unsubscribed: no event after, and the next run resumes from the checkpoint', async () => {
    const source = await fresh('src');
    const target = await fresh('tgt');
    await source.bulkDocs(Array.from({ length: 600 }, (_, i) => ({ _id: `d${String(i).padStart(3, '0')}` })));
    const log = new EventLog(replicate(source, target, { batch_size: 50, batches_limit: 1 }));
    await log.next((event) => event.type === 'checkpoint');
    log.stop();
    const seen = log.events.length;
    // Let whatever was in flight settle: a full second replication runs meanwhile.
    const rest = await untilComplete(replicate(source, target, { batch_size: 50 }));
    expect(log.events.length).toBe(seen);
    expect(log.completed).toBe(false);
    expect(rest.stats.missing_checked).toBeLessThan(600);
    expect(await leafTable(target)).toEqual(await leafTable(source));
  });
});

describe.skipIf(!url)('replication options over HTTP', () => {
  let remote: ServerAdapter;
  let engine: ServerAdapter;
  const names: string[] = [];

  beforeAll(() => {
    remote = createHttpAdapter({ url });
    engine = createEngine({ storage: 'memory' });
  });

  afterAll(async () => {
    for (const name of names) await remote.deleteDb(name).catch(() => undefined);
    await remote.close();
    await engine.close();
  });

  async function remoteDb(label: string) {
    const name = uniqueDbName(label);
    await remote.createDb(name);
    names.push(name);
    return name;
  }

  it('applies a design-document filter with query_params where the source serves them', async () => {
    const name = await remoteDb('filtered');
    const source = remote.db(name);
    await source.put({
      _id: '_design/app',
      filters: { mine: 'function (doc, req) { return doc.owner === req.query.owner; }' },
    });
    await source.bulkDocs([
      { _id: 'a', owner: 'ann' },
      { _id: 'b', owner: 'bob' },
      { _id: 'c', owner: 'ann' },
    ]);
    await engine.createDb('filtered');
    const target = engine.db('filtered');
    const result = await untilComplete(replicate(source, target, { filter: 'app/mine', query_params: { owner: 'ann' } }));
    expect(Object.keys(await leafTable(target))).toEqual(['a', 'c']);
    // The id hashes the filter's code, read from the source.
    const code = 'function (doc, req) { return doc.owner === req.query.owner; }';
    expect(result.replication_id).toBe(replicationId(source.location, target.location, { filter: 'app/mine', query_params: { owner: 'ann' } }, code));
  });

  it('keeps credentials out of the errors and events it reports', async () => {
    const withCredentials = new URL(url);
    withCredentials.username = 'replicator';
    withCredentials.password = 'secret-pw';
    const authed = createHttpAdapter({ url: withCredentials.href });
    try {
      await engine.createDb('secret-source');
      await engine.db('secret-source').put({ _id: 'a' });
      const missing = authed.db(uniqueDbName('missing'));
      const log = new EventLog(replicate(engine.db('secret-source'), missing));
      const failure = await log.next((event) => event.type === 'complete').catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(Error);
      const reported = JSON.stringify([String(failure), (failure as Error).message, log.events.map((event) => ('error' in event ? String(event.error) : ''))]);
      expect(reported).not.toContain('secret-pw');
      expect(missing.location).not.toContain('replicator');
    } finally {
      await authed.close();
    }
  });

  describe('a server without _bulk_get', () => {
    let proxy: Server;
    let proxyUrl = '';
    const bulkGets: string[] = [];

    beforeAll(async () => {
      // An HTTP proxy in front of pouchdb-server that answers 404 for _bulk_get, as servers before CouchDB 2 do.
      const upstream = new URL(url);
      proxy = createServer((req, res) => {
        if (req.url?.includes('/_bulk_get')) {
          bulkGets.push(req.url);
          req.resume();
          res.writeHead(404, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: 'not_found', reason: 'missing' }));
          return;
        }
        const forward = request(
          { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        forward.on('error', () => res.destroy());
        req.pipe(forward);
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      const address = proxy.address();
      proxyUrl = typeof address === 'object' && address !== null ? `http://127.0.0.1:${address.port}/` : '';
    });

    afterAll(async () => {
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    });

    it('falls back to open_revs and still copies conflicts and attachments', async () => {
      const name = await remoteDb('no_bulk_get');
      const direct = remote.db(name);
      const a = 'a'.repeat(32);
      await direct.bulkDocs(
        [
          { _id: 'c', _rev: `2-${'b'.repeat(32)}`, v: 1, _revisions: { start: 2, ids: ['b'.repeat(32), a] } },
          { _id: 'c', _rev: `2-${'c'.repeat(32)}`, v: 2, _revisions: { start: 2, ids: ['c'.repeat(32), a] } },
        ],
        { new_edits: false },
      );
      await direct.put({ _id: 'att', _attachments: { 'x.txt': { content_type: 'text/plain', data: btoa('bytes') } } });
      await direct.bulkDocs(Array.from({ length: 20 }, (_, i) => ({ _id: `p${i}` })));

      const viaProxy = createHttpAdapter({ url: proxyUrl });
      try {
        await engine.createDb('from-old-server');
        const target = engine.db('from-old-server');
        const result = await untilComplete(replicate(viaProxy.db(name), target, { batch_size: 8 }));
        expect(bulkGets).toHaveLength(1);
        expect(result.stats.doc_write_failures).toBe(0);
        expect(await leafTable(target)).toEqual(await leafTable(direct));
        expect((await target.get('att', { attachments: true }))._attachments?.['x.txt']).toMatchObject({ data: btoa('bytes') });
      } finally {
        await viaProxy.close();
      }
    });
  });
});
