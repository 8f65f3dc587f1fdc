// Interop with PouchDB's own replicator (npm pouchdb 9, in-memory): PouchDB pulls what Settee replicated into
// pouchdb-server, and Settee pulls what PouchDB replicated there; both end with the same leaves, conflicts and
// deletions included.
import { replicate, untilComplete, type DatabaseAdapter, type ServerAdapter } from '@settee/core';
import { createEngine } from '@settee/engine';
import { createHttpAdapter } from '@settee/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { remoteUrl, uniqueDbName } from './endpoints.js';
import { leafTable } from './leaves.js';
import { pouchDb, pouchLeafTable, type PouchDatabase } from './pouchdb.js';

const url = remoteUrl();
const A = 'a'.repeat(32);

describe.skipIf(!url)('PouchDB interop through pouchdb-server', () => {
  let engine: ServerAdapter;
  let remote: ServerAdapter;
  const remoteDbs: string[] = [];
  const pouches: PouchDatabase[] = [];

  beforeAll(() => {
    engine = createEngine({ storage: 'memory' });
    remote = createHttpAdapter({ url });
  });

  afterAll(async () => {
    for (const pouch of pouches) await pouch.destroy();
    for (const name of remoteDbs) await remote.deleteDb(name).catch(() => undefined);
    await remote.close();
    await engine.close();
  });

  async function remoteDb(label: string): Promise<string> {
    const name = uniqueDbName(label);
    await remote.createDb(name);
    remoteDbs.push(name);
    return name;
  }

  function localPouch(): PouchDatabase {
    const PouchDB = pouchDb();
    const pouch = new PouchDB(uniqueDbName('pouch'), { adapter: 'memory' });
    pouches.push(pouch);
    return pouch;
  }

  /** Settee-written data: plain docs, an edit, a deletion, a conflict and an attachment. */
  async function writeWithSettee(db: DatabaseAdapter): Promise<void> {
    await db.bulkDocs(Array.from({ length: 40 }, (_, i) => ({ _id: `song${i}`, title: `Song ${i}` })));
    const edited = await db.get('song1');
    await db.put({ ...edited, title: 'Edited' });
    const gone = await db.get('song2');
    await db.remove('song2', gone._rev);
    await db.bulkDocs(
      [
        { _id: 'song3', _rev: `2-${'b'.repeat(32)}`, title: 'B', _revisions: { start: 2, ids: ['b'.repeat(32), A] } },
        { _id: 'song3', _rev: `2-${'c'.repeat(32)}`, title: 'C', _revisions: { start: 2, ids: ['c'.repeat(32), A] } },
      ],
      { new_edits: false },
    );
    await db.put({ _id: 'cover', _attachments: { 'cover.txt': { content_type: 'text/plain', data: btoa('front cover') } } });
  }

  it('PouchDB replicating Settee-written data ends with the same leaves', async () => {
    await engine.createDb('settee-written');
    const source = engine.db('settee-written');
    await writeWithSettee(source);
    const middle = await remoteDb('settee_written');
    await untilComplete(replicate(source, remote.db(middle)));

    const pouch = localPouch();
    await pouchDb().replicate(`${url}${middle}`, pouch);
    expect(await pouchLeafTable(pouch)).toEqual(await leafTable(source));
    const cover = await pouch.get('cover', { attachments: true });
    expect(cover['_attachments']).toMatchObject({ 'cover.txt': { data: btoa('front cover') } });

    // PouchDB edits its copy and replicates into the database Settee wrote; Settee pulls that back into the engine.
    const song4 = await pouch.get('song4');
    await pouch.put({ ...song4, title: 'Edited by PouchDB' });
    await pouch.put({ _id: 'from-pouch' });
    await pouchDb().replicate(pouch, `${url}${middle}`);
    const back = await untilComplete(replicate(remote.db(middle), source));
    expect(back.stats.docs_written).toBe(2);
    expect(await leafTable(source)).toEqual(await pouchLeafTable(pouch));
    expect((await source.get('song4'))['title']).toBe('Edited by PouchDB');
  });

  it('Settee replicating PouchDB-written data ends with the same leaves', async () => {
    const pouch = localPouch();
    await pouch.bulkDocs(Array.from({ length: 40 }, (_, i) => ({ _id: `track${i}`, n: i })));
    const first = await pouch.get('track1');
    await pouch.put({ ...first, n: 'edited' });
    const second = await pouch.get('track2');
    await pouch.remove('track2', second._rev);
    await pouch.bulkDocs(
      [
        { _id: 'track3', _rev: `2-${'d'.repeat(32)}`, n: 'D', _revisions: { start: 2, ids: ['d'.repeat(32), A] } },
        { _id: 'track3', _rev: `2-${'e'.repeat(32)}`, n: 'E', _revisions: { start: 2, ids: ['e'.repeat(32), A] } },
      ],
      { new_edits: false },
    );
    const middle = await remoteDb('pouch_written');
    await pouchDb().replicate(pouch, `${url}${middle}`);

    await engine.createDb('pouch-written');
    const target = engine.db('pouch-written');
    const result = await untilComplete(replicate(remote.db(middle), target));
    expect(result.stats.doc_write_failures).toBe(0);
    expect(await leafTable(target)).toEqual(await pouchLeafTable(pouch));

    // And PouchDB takes Settee's copy back without finding anything new.
    const roundTrip = await remoteDb('round_trip');
    await untilComplete(replicate(target, remote.db(roundTrip)));
    const again = await pouchDb().replicate(`${url}${roundTrip}`, pouch);
    expect(again.docs_written).toBe(0);
    expect(await pouchLeafTable(pouch)).toEqual(await leafTable(target));
  });
});
