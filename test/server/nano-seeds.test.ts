// nano 11 runs the flows of seed 000 (backing up a playlist with Basic auth in the URL) and seed 002 (cookie
// session, database and document CRUD, _bulk_docs, _find, logout) against settee-server. Revisions are the ones
// the seeds print (and conformance/seeds.test.ts checks on every backend).
import nano from 'nano';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startServer } from './start.js';

let server: Awaited<ReturnType<typeof startServer>>;

const SONGS = [{ 周杰伦: '《双截棍》' }, { 陈奕迅: '《富士山下》' }, { 'Taylor Swift': '《Blank Space》' }];
const MORE_SONGS = [...SONGS, { 林俊杰: '《那些你很冒险的梦》' }];

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server.closeAll();
});

function withCredentials(url: string): string {
  const parsed = new URL(url);
  parsed.username = ADMIN.name;
  parsed.password = ADMIN.password;
  return parsed.toString();
}

function statusOf(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null ? (error as { statusCode?: number }).statusCode : undefined;
}

describe('seed 000 with nano', () => {
  it('creates playlist, posts mySongs, reads it, updates with the rev, and a stale rev is a 409', async () => {
    const couch = nano(withCredentials(server.url));
    expect(await couch.db.create('playlist')).toStrictEqual({ ok: true });
    const db = couch.use<{ mySongs: object[] }>('playlist');
    const saved = await db.insert({ mySongs: SONGS });
    expect(saved).toMatchObject({ ok: true, rev: '1-612aeb6d24bf9647ef630c246aa69e44' });
    const fetched = await db.get(saved.id);
    expect(fetched).toStrictEqual({ _id: saved.id, _rev: saved.rev, mySongs: SONGS });
    const updated = await db.insert({ ...fetched, mySongs: MORE_SONGS });
    expect(updated.rev).toBe('2-24cdb0850a42c385a20f98fe49018991');
    const stale = await db.insert({ ...fetched, mySongs: SONGS }).catch((error: unknown) => error);
    expect(statusOf(stale)).toBe(409);
    expect(stale).toMatchObject({ error: 'conflict', reason: 'Document update conflict.' });
  });
});

describe('seed 002 with nano', () => {
  it('logs in with a cookie session, works with documents and logs out', async () => {
    const couch = nano(server.url);
    const login = await couch.auth(ADMIN.name, ADMIN.password);
    expect(login).toMatchObject({ ok: true, name: ADMIN.name, roles: ['_admin'] });
    const session = await couch.session();
    expect(session.userCtx).toStrictEqual({ name: ADMIN.name, roles: ['_admin'] });
    expect(session.info.authenticated).toBe('cookie');

    await couch.db.create('dbtest');
    const missing = await couch.db.get('nodb').catch((error: unknown) => error);
    expect(statusOf(missing)).toBe(404);
    expect(missing).toMatchObject({ error: 'not_found', reason: 'Database does not exist.' });

    const db = couch.use<Record<string, unknown>>('dbtest');
    const inserted = await db.bulk({
      docs: [
        { _id: 's1', desc: 'bobo', age: 15 },
        { _id: 's2', desc: '小红', age: 19 },
        { _id: 's3', desc: '小明', age: 22 },
        { _id: 's4', desc: 'ab', age: 14 },
      ],
    });
    expect(inserted.map((row) => row.rev)).toStrictEqual([
      '1-5efc8527e2a56dc31e71abe36d365e38',
      '1-959ab718375f00a5b678ece00f68a1f7',
      '1-08ded6f70086c004a2b8ef6bb2439b88',
      '1-ccd6248a85ad565b2b12a3127c1b82d7',
    ]);
    const deleted = await db.destroy('s3', '1-08ded6f70086c004a2b8ef6bb2439b88');
    expect(deleted).toMatchObject({ ok: true, id: 's3', rev: '2-eba8354ebc6964892c780f2d1435dd7f' });
    // The seed: deleting without a revision is an update conflict.
    const noRev = await couch.request({ method: 'DELETE', db: 'dbtest', doc: 's1' }).catch((error: unknown) => error);
    expect(statusOf(noRev)).toBe(409);

    const updated = await db.bulk({
      docs: [
        { _id: 's1', _rev: '1-5efc8527e2a56dc31e71abe36d365e38', desc: 'bobo2', age: 56.32 },
        { _id: 's2', _rev: '1-959ab718375f00a5b678ece00f68a1f7', desc: '小红2', age: 19.36 },
      ],
    });
    expect(updated.map((row) => row.rev)).toStrictEqual([
      '2-2951951ea0b4479fc1f2a0210dc83ebe',
      '2-50d7fd758615aa6aefbc6aa2ec86fd8b',
    ]);

    const unicode = await db.insert({ 字符串: '字符串值', 数组: ['值2', 2, 1.234], 对象: { key: '值' } }, '中文');
    expect(unicode.id).toBe('中文');
    expect((await db.get('中文'))['对象']).toStrictEqual({ key: '值' });

    const found = await db.find({ selector: { age: { $gt: 5, $lt: 20 } } });
    expect(found.docs.map((doc) => doc['_id']).sort()).toStrictEqual(['s2', 's4']);
    const regex = await db.find({ selector: { desc: { $regex: '^bo' } } });
    expect(regex.docs.map((doc) => doc['_id'])).toStrictEqual(['s1']);

    // Logout: the server sends an empty cookie; nano then talks as nobody.
    await couch.request({ method: 'DELETE', path: '_session' });
    const after = await couch.session();
    expect(after.userCtx.name).toBeNull();
    const refused = await couch.db.list().catch((error: unknown) => error);
    expect(statusOf(refused)).toBe(401);
  });
});
