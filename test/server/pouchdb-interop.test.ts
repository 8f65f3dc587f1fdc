// PouchDB (npm pouchdb 9, in-memory adapter) replicates to and from settee-server through its HTTP API, with Basic
// auth from the URL: edits, deletions, conflicts and attachments arrive, and both sides end with the same leaves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, request, startServer } from './start.js';
import { leafTable, pouchDb, type Pouch } from './pouch.js';

const A = 'a'.repeat(32);
let server: Awaited<ReturnType<typeof startServer>>;
const pouches: Pouch[] = [];
let counter = 0;

function localPouch(): Pouch {
  counter += 1;
  const PouchDB = pouchDb();
  const pouch = new PouchDB(`interop_${Date.now()}_${counter}`, { adapter: 'memory' });
  pouches.push(pouch);
  return pouch;
}

/** The database's URL with the admin's credentials, as PouchDB takes it. */
function remoteUrl(db: string): string {
  const url = new URL(server.url);
  url.username = ADMIN.name;
  url.password = ADMIN.password;
  return `${url.toString()}${db}`;
}

async function serverLeaves(db: string): Promise<Record<string, string[]>> {
  const res = await request(server, `/${db}/_changes?style=all_docs`);
  const body = (await res.json()) as { results: Array<{ id: string; changes: Array<{ rev: string }> }> };
  return leafTable(body.results);
}

async function pouchLeaves(pouch: Pouch): Promise<Record<string, string[]>> {
  return leafTable((await pouch.changes({ style: 'all_docs' })).results);
}

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  for (const pouch of pouches) await pouch.destroy();
  await server.closeAll();
});

describe('PouchDB ⇄ settee-server', () => {
  it('PouchDB pushes edits, deletions, conflicts and attachments; pulling them back finds nothing new', async () => {
    const pouch = localPouch();
    await pouch.bulkDocs(Array.from({ length: 30 }, (_, i) => ({ _id: `track${i}`, n: i })));
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
    await pouch.put({ _id: 'cover', _attachments: { 'cover.txt': { content_type: 'text/plain', data: btoa('front cover') } } });

    const pushed = await pouchDb().replicate(pouch, remoteUrl('pushed'));
    expect(pushed.doc_write_failures).toBe(0);
    expect(await serverLeaves('pushed')).toEqual(await pouchLeaves(pouch));
    const att = await request(server, '/pushed/cover/cover.txt');
    expect(await att.text()).toBe('front cover');

    const again = await pouchDb().replicate(remoteUrl('pushed'), pouch);
    expect(again.docs_written).toBe(0);
  });

  it('PouchDB pulls what was written over HTTP, conflicts and attachments included, then pushes its edits back', async () => {
    await request(server, '/pulled', { method: 'PUT' });
    await request(server, '/pulled/_bulk_docs', {
      method: 'POST',
      json: { docs: Array.from({ length: 30 }, (_, i) => ({ _id: `song${i}`, title: `Song ${i}` })) },
    });
    const conflicted = await request(server, '/pulled/_bulk_docs', {
      method: 'POST',
      json: {
        new_edits: false,
        docs: [
          { _id: 'clash', _rev: `2-${'b'.repeat(32)}`, v: 'B', _revisions: { start: 2, ids: ['b'.repeat(32), A] } },
          { _id: 'clash', _rev: `2-${'c'.repeat(32)}`, v: 'C', _revisions: { start: 2, ids: ['c'.repeat(32), A] } },
        ],
      },
    });
    expect(conflicted.status).toBe(201);
    await request(server, '/pulled/pic/pixel.bin', {
      method: 'PUT',
      body: new Uint8Array([0, 1, 2, 250, 251, 252]),
      headers: { 'content-type': 'application/octet-stream' },
    });
    const song = (await (await request(server, '/pulled/song4')).json()) as { _rev: string };
    await request(server, `/pulled/song4?rev=${song._rev}`, { method: 'DELETE' });

    const pouch = localPouch();
    const pulled = await pouchDb().replicate(remoteUrl('pulled'), pouch);
    expect(pulled.doc_write_failures).toBe(0);
    expect(await pouchLeaves(pouch)).toEqual(await serverLeaves('pulled'));
    const pic = await pouch.get('pic', { attachments: true });
    expect(pic['_attachments']).toMatchObject({ 'pixel.bin': { data: Buffer.from([0, 1, 2, 250, 251, 252]).toString('base64') } });
    const clash = await pouch.get('clash', { conflicts: true });
    expect(clash._rev).toBe(`2-${'c'.repeat(32)}`);
    expect(clash['_conflicts']).toEqual([`2-${'b'.repeat(32)}`]);

    const edited = await pouch.get('song7');
    await pouch.put({ ...edited, title: 'Edited in PouchDB' });
    const pushed = await pouchDb().replicate(pouch, remoteUrl('pulled'));
    expect(pushed.docs_written).toBe(1);
    expect(await serverLeaves('pulled')).toEqual(await pouchLeaves(pouch));
    const onServer = (await (await request(server, '/pulled/song7')).json()) as { title: string };
    expect(onServer.title).toBe('Edited in PouchDB');
  });

  it('PouchDB is refused without credentials', async () => {
    await request(server, '/private', { method: 'PUT' });
    await request(server, '/private/_security', { method: 'PUT', json: { members: { roles: ['_admin'] } } });
    const pouch = localPouch();
    await expect(pouchDb().replicate(`${server.url}/private`, pouch)).rejects.toMatchObject({ status: 401 });
  });
});
