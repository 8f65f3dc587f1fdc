// Settee's own replicator (CouchDB's protocol: _local checkpoints, _changes, _revs_diff, _bulk_get, _bulk_docs with
// new_edits=false) between an engine and settee-server over @settee/http, both directions, conflicts and
// attachments included; the continuous mode follows the server's live feed.
import { firstValueFrom } from 'rxjs';
import { filter } from 'rxjs/operators';
import { replicate, untilComplete, type DatabaseAdapter, type ServerAdapter } from '@settee/core';
import { createEngine } from '@settee/engine';
import { createHttpAdapter } from '@settee/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startServer } from './start.js';

const A = 'a'.repeat(32);
let server: Awaited<ReturnType<typeof startServer>>;
let engine: ServerAdapter;
let remote: ServerAdapter;

/** `id → sorted leaf revs` of a database. */
async function leaves(db: DatabaseAdapter): Promise<Record<string, string[]>> {
  const feed = await db.changes({ style: 'all_docs' });
  const rows = feed.results.map((row) => [row.id, row.changes.map((change) => change.rev).sort()] as const);
  return Object.fromEntries([...rows].sort(([a], [b]) => (a < b ? -1 : 1)));
}

beforeAll(async () => {
  server = await startServer();
  engine = createEngine({ storage: 'memory' });
  const url = new URL(server.url);
  url.username = ADMIN.name;
  url.password = ADMIN.password;
  remote = createHttpAdapter({ url: url.toString() });
});

afterAll(async () => {
  await remote.close();
  await engine.close();
  await server.closeAll();
});

describe('Settee replicator ⇄ settee-server', () => {
  it('pushes and pulls edits, deletions, conflicts and attachments; both sides end with the same leaves', async () => {
    await engine.createDb('local');
    const local = engine.db('local');
    await local.bulkDocs(Array.from({ length: 25 }, (_, i) => ({ _id: `song${i}`, n: i })));
    const gone = await local.get('song2');
    await local.remove('song2', gone._rev);
    await local.bulkDocs(
      [
        { _id: 'clash', _rev: `2-${'b'.repeat(32)}`, v: 'B', _revisions: { start: 2, ids: ['b'.repeat(32), A] } },
        { _id: 'clash', _rev: `2-${'c'.repeat(32)}`, v: 'C', _revisions: { start: 2, ids: ['c'.repeat(32), A] } },
      ],
      { new_edits: false },
    );
    await local.put({ _id: 'cover', _attachments: { 'c.txt': { content_type: 'text/plain', data: btoa('front') } } });

    await remote.createDb('mirror');
    const mirror = remote.db('mirror');
    const pushed = await untilComplete(replicate(local, mirror));
    expect(pushed.stats.doc_write_failures).toBe(0);
    expect(await leaves(mirror)).toEqual(await leaves(local));
    expect(new TextDecoder().decode((await mirror.getAttachment('cover', 'c.txt')).data)).toBe('front');

    const edited = await mirror.get('song5');
    await mirror.put({ ...edited, n: 'edited remotely' });
    const pulled = await untilComplete(replicate(mirror, local));
    expect(pulled.stats.docs_written).toBe(1);
    expect(await leaves(local)).toEqual(await leaves(mirror));
    expect((await local.get('song5'))['n']).toBe('edited remotely');
  });

  it('a continuous pull follows the server\'s live feed', async () => {
    await remote.createDb('live-source');
    await engine.createDb('live-target');
    const source = remote.db('live-source');
    const target = engine.db('live-target');
    const events = replicate(source, target, { continuous: true });
    const subscription = events.subscribe();
    try {
      const written = firstValueFrom(target.liveChanges({ since: 'now' }).pipe(filter((row) => row.id === 'late')));
      await source.put({ _id: 'late', v: 1 });
      const row = await written;
      expect(row.id).toBe('late');
    } finally {
      subscription.unsubscribe();
    }
  });
});
