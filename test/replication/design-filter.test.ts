// Design-document filters (`filter: 'ddoc/name'` + `query_params`) served by an engine source: the engine runs
// the filter function in its changes feed, so one-shot and continuous replications copy only what it accepts.
import {
  NotFoundError,
  replicate,
  replicationId,
  untilComplete,
  type DatabaseAdapter,
  type ReplicationEvent,
  type ServerAdapter,
} from '@settee/core';
import { createEngine } from '@settee/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventLog } from './event-log.js';
import { leafTable } from './leaves.js';
import { uniqueDbName } from './endpoints.js';

const OWNED_BY = {
  _id: '_design/app',
  filters: { mine: 'function (doc, req) { return doc.owner === req.query.owner; }' },
};

describe('design-document filters on an engine:memory source', () => {
  let engine: ServerAdapter;

  beforeAll(() => {
    engine = createEngine({ storage: 'memory' });
  });

  afterAll(() => engine.close());

  async function fresh(label: string): Promise<DatabaseAdapter> {
    const name = uniqueDbName(label);
    await engine.createDb(name);
    return engine.db(name);
  }

  it('copies only the documents the filter accepts for the given query_params; other params are another replication', async () => {
    const source = await fresh('src');
    const target = await fresh('tgt');
    await source.put(OWNED_BY);
    await source.bulkDocs([
      { _id: 'a', owner: 'ann' },
      { _id: 'b', owner: 'bob' },
      { _id: 'c', owner: 'ann' },
    ]);
    const ann = { filter: 'app/mine', query_params: { owner: 'ann' } };
    const first = await untilComplete(replicate(source, target, ann));
    expect(Object.keys(await leafTable(target))).toEqual(['a', 'c']);
    expect(first.replication_id).toBe(replicationId(source.location, target.location, ann, OWNED_BY.filters.mine));
    expect(first.history[0]).toMatchObject({ docs_read: 2, docs_written: 2 });

    const bob = { filter: 'app/mine', query_params: { owner: 'bob' } };
    const second = await untilComplete(replicate(source, target, bob));
    expect(second.replication_id).not.toBe(first.replication_id);
    expect(Object.keys(await leafTable(target))).toEqual(['a', 'b', 'c']);

    // Resuming from the checkpoint reads only the later change that passes.
    await source.bulkDocs([
      { _id: 'd', owner: 'ann' },
      { _id: 'e', owner: 'bob' },
    ]);
    const again = await untilComplete(replicate(source, target, ann));
    expect(again.history[0]).toMatchObject({ docs_read: 1, docs_written: 1 });
    expect(Object.keys(await leafTable(target))).toEqual(['a', 'b', 'c', 'd']);
  });

  it('starts over when the filter\'s code changes, as CouchDB hashes the code into the id (COUCHDB-892)', async () => {
    const source = await fresh('src');
    const target = await fresh('tgt');
    const below = { _id: '_design/app', filters: { f: 'function (doc, req) { return doc.value < Number(req.query.max); }' } };
    const written = await source.put(below);
    await source.bulkDocs([1, 2, 3, 4].map((value) => ({ _id: `foo${value}`, value })));
    const options = { filter: 'app/f', query_params: { max: '3' } };
    const first = await untilComplete(replicate(source, target, options));
    expect(first.history).toHaveLength(1);
    expect(Object.keys(await leafTable(target))).toEqual(['foo1', 'foo2']);

    await source.put({ ...below, _rev: written.rev, filters: { f: '  function (doc, req) { return true; }\n' } });
    const second = await untilComplete(replicate(source, target, options));
    expect(second.replication_id).not.toBe(first.replication_id);
    expect(second.replication_id).toBe(replicationId(source.location, target.location, options, 'function (doc, req) { return true; }'));
    // A fresh checkpoint: one session, from 0, the design document and the two documents the old code refused.
    expect(second.history).toHaveLength(1);
    expect(second.history[0]).toMatchObject({ start_last_seq: 0, docs_read: 3, docs_written: 3 });
    expect(Object.keys(await leafTable(target))).toEqual(['_design/app', 'foo1', 'foo2', 'foo3', 'foo4']);
  });

  it('answers no_changes when no change passed the filter since the checkpoint, and keeps the checkpoint', async () => {
    const source = await fresh('src');
    const target = await fresh('tgt');
    await source.put(OWNED_BY);
    await source.put({ _id: 'a', owner: 'ann' });
    const ann = { filter: 'app/mine', query_params: { owner: 'ann' } };
    const first = await untilComplete(replicate(source, target, ann));
    await source.put({ _id: 'b', owner: 'bob' });
    const again = await untilComplete(replicate(source, target, ann));
    // CouchDB's one-shot jobs checkpoint the last change they saw, never the feed's last_seq.
    expect(again).toMatchObject({ no_changes: true, session_id: first.session_id, source_last_seq: first.source_last_seq });
    expect(again.history).toEqual(first.history);
  });

  it('copies the leaves of a conflicted document that pass, not the ones that do not', async () => {
    const source = await fresh('src');
    const target = await fresh('tgt');
    await source.put(OWNED_BY);
    const annLeaf = '1-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
    const bobLeaf = '1-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
    await source.bulkDocs(
      [
        { _id: 'shared', _rev: annLeaf, owner: 'ann' },
        { _id: 'shared', _rev: bobLeaf, owner: 'bob' },
      ],
      { new_edits: false },
    );
    // bob's leaf wins (higher hash); the replicator reads the feed with style all_docs, which judges each leaf.
    await untilComplete(replicate(source, target, { filter: 'app/mine', query_params: { owner: 'ann' } }));
    expect(await leafTable(target)).toEqual({ shared: [annLeaf] });
  });

  it('keeps applying the filter to later writes in a continuous replication', async () => {
    const source = await fresh('src');
    const target = await fresh('tgt');
    await source.put(OWNED_BY);
    await source.put({ _id: 'early', owner: 'ann' });
    const log = new EventLog<ReplicationEvent>(
      replicate(source, target, { continuous: true, filter: 'app/mine', query_params: { owner: 'ann' } }),
    );
    try {
      await log.next((event) => event.type === 'paused');
      expect(Object.keys(await leafTable(target))).toEqual(['early']);
      await source.put({ _id: 'bobs', owner: 'bob' });
      const late = await source.put({ _id: 'late', owner: 'ann' });
      // Counters are cumulative: the second document written is `late`, read after `bobs` in seq order.
      await log.next((event) => event.type === 'progress' && event.docs_written >= 2, 0);
      expect(await leafTable(target)).toEqual({ early: [expect.any(String)], late: [late.rev] });
      expect(log.failure).toBeUndefined();
    } finally {
      log.stop();
    }
  });

  it('fails with a 404, without retrying, when the filter function is missing', async () => {
    const source = await fresh('src');
    const target = await fresh('tgt');
    await source.put(OWNED_BY);
    await source.put({ _id: 'a', owner: 'ann' });
    const log = new EventLog<ReplicationEvent>(replicate(source, target, { filter: 'app/nope' }));
    const failure = await log.next((event) => event.type === 'complete').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(NotFoundError);
    expect(failure).toMatchObject({ status: 404, reason: 'missing json key: nope' });
    expect(log.events.filter((event) => event.type === 'error')).toEqual([expect.objectContaining({ retrying: false })]);
    expect(await leafTable(target)).toEqual({});
  });
});
