// replicate() between every pair of backends: what CouchDB's replicator copies (documents, design documents,
// deletions, conflicts, attachments; never _local documents), its checkpoint documents and answer, filters,
// create_target and the failures it reports. Expected shapes follow shared/couchdb-reference/replication.json.
import {
  NotFoundError,
  replicate,
  untilComplete,
  type DatabaseAdapter,
  type ReplicationEvent,
} from '@settee/core';
import { tap } from 'rxjs';
import { describe, expect, it, vi } from 'vitest';
import { createEngine } from '@settee/engine';
import { leafTable } from './leaves.js';
import { pairs, uniqueDbName } from './endpoints.js';
import { usePairServers } from './pair-servers.js';

interface Recorded {
  steps: Array<{ note?: string; response?: { body?: unknown } }>;
}

const recording = (await import(new URL('../../../shared/couchdb-reference/replication.json', import.meta.url).href, {
  with: { type: 'json' },
})) as { default: Recorded };

/** The recorded answer of the first one-shot POST /_replicate. */
const recordedAnswer = recording.default.steps.find((step) => step.note?.startsWith('POST /_replicate one-shot'))?.response
  ?.body as Record<string, unknown> & { history: Array<Record<string, unknown>> };

/** The same five documents, design document, attachment, deletion and _local document as the recording. */
async function seedLikeTheRecording(db: DatabaseAdapter): Promise<void> {
  await db.bulkDocs([
    { _id: 'd1', type: 'odd', i: 1 },
    { _id: 'd2', type: 'even', i: 2 },
    { _id: 'd3', type: 'odd', i: 3 },
    { _id: 'd4', type: 'even', i: 4 },
    { _id: 'd5', type: 'odd', i: 5 },
  ]);
  await db.put({ _id: '_design/app', views: { v: { map: 'function (doc) { emit(doc.i, null); }' } } });
  await db.put({ _id: 'withatt', _attachments: { 'a.txt': { content_type: 'text/plain', data: 'YXR0YWNobWVudCBib2R5' } } });
  const d5 = await db.get('d5');
  await db.remove('d5', d5._rev);
  await db.put({ _id: '_local/mine', v: 1 });
}

function collect(events: ReplicationEvent[]): (event: ReplicationEvent) => void {
  return (event) => events.push(event);
}

describe.each(pairs)('replicate $source.name → $target.name', ({ source: sourceKind, target: targetKind }) => {
  const servers = usePairServers({ source: sourceKind, target: targetKind });
  const { freshDb } = servers;

  it('copies documents, design documents, deletions and attachments but not _local documents; answers like CouchDB', async () => {
    const source = await freshDb(servers.source, 'src');
    const target = await freshDb(servers.target, 'tgt');
    await seedLikeTheRecording(source);

    const events: ReplicationEvent[] = [];
    const result = await untilComplete(replicate(source, target).pipe(tap(collect(events))));

    expect(await leafTable(target)).toEqual(await leafTable(source));
    // The tombstone arrived (pouchdb-server answers `missing` for deleted documents, so ask for the leaf itself).
    expect(await target.getOpenRevs('d5', 'all')).toEqual([{ ok: expect.objectContaining({ _deleted: true }) }]);
    await expect(target.get('_local/mine')).rejects.toBeInstanceOf(NotFoundError);
    const withAtt = await target.get('withatt', { attachments: true });
    expect(withAtt._attachments?.['a.txt']).toMatchObject({ content_type: 'text/plain', data: 'YXR0YWNobWVudCBib2R5' });

    // The answer has CouchDB's fields and, for these 7 changes, CouchDB's counts.
    const recordedKeys = Object.keys(recordedAnswer).sort();
    expect(Object.keys(result).filter((key) => recordedKeys.includes(key)).sort()).toEqual(recordedKeys);
    const [entry] = result.history;
    const countKeys = ['missing_checked', 'missing_found', 'docs_read', 'docs_written', 'doc_write_failures'] as const;
    for (const key of countKeys) expect(entry?.[key], key).toBe(recordedAnswer.history[0]?.[key]);
    // CouchDB 3.4's members, in its order (bulk_get_docs and bulk_get_attempts included).
    expect(Object.keys(entry ?? {})).toEqual(Object.keys(recordedAnswer.history[0] ?? {}));
    expect(entry?.start_last_seq).toBe(0);
    expect(entry?.end_last_seq).toEqual(result.source_last_seq);
    expect(result.replication_id_version).toBe(4);
    expect(result.session_id).toMatch(/^[0-9a-f]{32}$/);

    // The same checkpoint on both sides, `_local/<replication id>`.
    const onSource = await source.get(`_local/${result.replication_id}`);
    const onTarget = await target.get(`_local/${result.replication_id}`);
    const { _id: _s, _rev: _sr, ...sourceCheckpoint } = onSource;
    const { _id: _t, _rev: _tr, ...targetCheckpoint } = onTarget;
    expect(sourceCheckpoint).toEqual(targetCheckpoint);
    expect(sourceCheckpoint).toMatchObject({ session_id: result.session_id, replication_id_version: 4 });
    expect(sourceCheckpoint['source_last_seq']).toEqual(result.source_last_seq);
    // The answer's history is the one the last checkpoint recorded.
    expect(sourceCheckpoint['history']).toEqual(result.history);

    const types = events.map((event) => event.type);
    expect(types[0]).toBe('active');
    expect(types).toContain('progress');
    expect(types).toContain('checkpoint');
    expect(types.at(-1)).toBe('complete');

    // Nothing new: CouchDB answers no_changes with the previous history.
    const again = await untilComplete(replicate(source, target));
    expect(again.no_changes).toBe(true);
    expect(again.session_id).toBe(result.session_id);
    expect(again.history).toEqual(result.history);
  });

  it('carries conflicts and deleted branches so both sides hold the same revision trees', async () => {
    const source = await freshDb(servers.source, 'src');
    const target = await freshDb(servers.target, 'tgt');
    const a = 'a'.repeat(32);
    const b = 'b'.repeat(32);
    const c = 'c'.repeat(32);
    await source.bulkDocs(
      [
        { _id: 'conflicted', _rev: `2-${b}`, v: 'b', _revisions: { start: 2, ids: [b, a] } },
        { _id: 'conflicted', _rev: `2-${c}`, v: 'c', _revisions: { start: 2, ids: [c, a] } },
        { _id: 'conflicted', _rev: `3-${'f'.repeat(32)}`, _deleted: true, _revisions: { start: 3, ids: ['f'.repeat(32), 'd'.repeat(32), a] } },
      ],
      { new_edits: false },
    );
    // Two first revisions of one document: only the winner may come from `_all_docs`, the other needs `_bulk_get`.
    await source.bulkDocs([{ _id: 'twins', _rev: `1-${b}`, v: 'b' }, { _id: 'twins', _rev: `1-${c}`, v: 'c' }], { new_edits: false });
    // The target already holds part of the history and a branch of its own.
    await target.bulkDocs([{ _id: 'conflicted', _rev: `2-${'e'.repeat(32)}`, v: 'e', _revisions: { start: 2, ids: ['e'.repeat(32), a] } }], {
      new_edits: false,
    });
    const sourceLeaves = await leafTable(source);

    const result = await untilComplete(replicate(source, target, { batch_size: 1 }));
    expect(result.stats.missing_found).toBe(5);
    expect(result.stats.docs_written).toBe(5);
    expect((await leafTable(target))['twins']).toEqual([`1-${b}`, `1-${c}`]);
    const targetLeaves = await leafTable(target);
    expect(targetLeaves['conflicted']).toEqual([...(sourceLeaves['conflicted'] ?? []), `2-${'e'.repeat(32)}`].sort());

    // Back the other way: now both sides agree exactly.
    await untilComplete(replicate(target, source));
    expect(await leafTable(source)).toEqual(await leafTable(target));
  });

  it('sends only attachments the target lacks, and still ends with every attachment', async () => {
    const source = await freshDb(servers.source, 'src');
    const target = await freshDb(servers.target, 'tgt');
    const first = await source.put({ _id: 'song', title: 'x', _attachments: { 'cover.txt': { content_type: 'text/plain', data: btoa('cover art') } } });
    await untilComplete(replicate(source, target));
    const doc = await source.get('song');
    await source.put({
      ...doc,
      title: 'y',
      _attachments: { ...doc._attachments, 'lyrics.txt': { content_type: 'text/plain', data: btoa('la la la') } },
    });
    expect(first.rev).toMatch(/^1-/);
    await untilComplete(replicate(source, target));
    const copied = await target.get('song', { attachments: true });
    expect(copied.title).toBe('y');
    expect(copied._attachments?.['cover.txt']).toMatchObject({ data: btoa('cover art') });
    expect(copied._attachments?.['lyrics.txt']).toMatchObject({ data: btoa('la la la') });
    expect(await leafTable(target)).toEqual(await leafTable(source));
  });

  it('replicates only the listed doc_ids', async () => {
    const source = await freshDb(servers.source, 'src');
    await seedLikeTheRecording(source);
    const byIds = await freshDb(servers.target, 'ids');
    const result = await untilComplete(replicate(source, byIds, { doc_ids: ['d1', 'd3', 'nope'] }));
    expect(Object.keys(await leafTable(byIds))).toEqual(['d1', 'd3']);
    expect(result.stats).toMatchObject({ docs_read: 2, docs_written: 2 });

  });

  it.skipIf(sourceKind.noSelectorFilter !== undefined)('replicates only the documents a selector matches', async () => {
    // Skipped where the source cannot serve a `_selector` changes filter: see noSelectorFilter in endpoints.ts.
    const source = await freshDb(servers.source, 'src');
    await seedLikeTheRecording(source);
    const bySelector = await freshDb(servers.target, 'sel');
    await untilComplete(replicate(source, bySelector, { selector: { type: 'even' } }));
    expect(Object.keys(await leafTable(bySelector))).toEqual(['d2', 'd4']);
  });

  it('creates the target with create_target, and reports a missing one as db_not_found without credentials', async () => {
    const source = await freshDb(servers.source, 'src');
    await source.put({ _id: 'only' });
    const name = uniqueDbName('created');
    servers.track(servers.target, name);
    await untilComplete(replicate(source, { server: servers.target, name }, { create_target: true }));
    expect(Object.keys(await leafTable(servers.target.db(name)))).toEqual(['only']);

    const missing = servers.target.db(uniqueDbName('missing'));
    const events: ReplicationEvent[] = [];
    const failure = untilComplete(replicate(source, missing).pipe(tap(collect(events))));
    await expect(failure).rejects.toMatchObject({ status: 404, error: 'db_not_found', reason: `could not open ${missing.location}` });
    expect(missing.location).not.toMatch(/@/);
    expect(events.at(-1)).toMatchObject({ type: 'error', retrying: false });
  });

  it('counts documents the target refuses in doc_write_failures and goes on (CouchDB forbidden rule)', async () => {
    const source = await freshDb(servers.source, 'src');
    const target = await freshDb(servers.target, 'tgt');
    await target.put({
      _id: '_design/guard',
      validate_doc_update: "function (newDoc) { if (newDoc.bad) { throw { forbidden: 'no bad songs' }; } }",
    });
    await source.bulkDocs(Array.from({ length: 10 }, (_, i) => ({ _id: `song${i}`, bad: i % 4 === 0 })));
    const result = await untilComplete(replicate(source, target, { batch_size: 4 }));
    expect(result.stats).toMatchObject({ docs_read: 10, docs_written: 7, doc_write_failures: 3 });
    expect(result.history[0]).toMatchObject({ docs_written: 7, doc_write_failures: 3 });
    expect((await target.info()).doc_count).toBe(8);
    await expect(target.get('song4')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses doc_ids that are not an array, as CouchDB does', async () => {
    const source = await freshDb(servers.source, 'src');
    const target = await freshDb(servers.target, 'tgt');
    const options = { doc_ids: 'd1' as unknown as string[] };
    await expect(untilComplete(replicate(source, target, options))).rejects.toMatchObject({
      status: 400,
      reason: 'parameter `doc_ids` must be an array',
    });
  });
});

describe('replicate: the answer and the checkpoint', () => {
  it('answers with the history the last checkpoint recorded, even when the clock moved on since', async () => {
    const engine = createEngine({ storage: 'memory' });
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      await engine.createDb('src');
      await engine.createDb('tgt');
      const source = engine.db('src');
      await source.bulkDocs([{ _id: 'a' }, { _id: 'b' }]);
      // Every checkpoint write takes "two seconds", so the answer is built at a later second than the checkpoint.
      const target = new Proxy(engine.db('tgt'), {
        get(db, key, receiver) {
          const value: unknown = Reflect.get(db, key, receiver);
          if (key !== 'put' || typeof value !== 'function') return typeof value === 'function' ? value.bind(db) : value;
          return async (...args: Parameters<DatabaseAdapter['put']>) => {
            const written = await (value as DatabaseAdapter['put']).apply(db, args);
            if (String(args[0]._id).startsWith('_local/')) vi.setSystemTime(Date.now() + 2000);
            return written;
          };
        },
      });
      const result = await untilComplete(replicate(source, target));
      const checkpoint = await target.get(`_local/${result.replication_id}`);
      expect(checkpoint['history']).toEqual(result.history);
      const again = await untilComplete(replicate(source, target));
      expect(again.no_changes).toBe(true);
      expect(again.history).toEqual(result.history);
    } finally {
      vi.useRealTimers();
      await engine.close();
    }
  });
});
