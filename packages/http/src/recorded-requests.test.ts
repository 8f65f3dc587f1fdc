// The requests the adapter sends, compared with the ones recorded against CouchDB 3.4.3 in
// shared/couchdb-reference (documents.json, attachments.json, changes.json, databases.json, all_docs.json).
import { describe, expect, it } from 'vitest';
import { fakeFetch } from './fake-server.test-helper.js';
import { createHttpAdapter } from './index.js';

function setup() {
  const fake = fakeFetch();
  const server = createHttpAdapter({ url: 'http://127.0.0.1:5984', fetch: fake.fetch, retry: false });
  const last = () => {
    const request = fake.seen.at(-1);
    if (request === undefined) throw new Error('no request sent');
    return request;
  };
  return { fake, server, db: server.db('db'), last };
}

describe('requests as CouchDB expects them', () => {
  it('documents: unicode ids escaped, rev as a literal query value, JSON bodies', async () => {
    const { db, last, fake } = setup();
    fake.reply({ status: 201, body: { ok: true, id: '中文', rev: '1-x' } });
    await db.put({ _id: '中文', lang: 'zh' });
    expect(last()).toMatchObject({ method: 'PUT', target: '/db/%E4%B8%AD%E6%96%87', body: '{"_id":"中文","lang":"zh"}' });
    expect(last().headers['content-type']).toBe('application/json');

    fake.reply({ status: 201, body: { ok: true, id: 'doc1', rev: '3-x' } });
    await db.put({ _id: 'doc1', n: 3 }, { rev: '2-0579ee0bb661d5b27e156280f483f852' });
    expect(last().target).toBe('/db/doc1?rev=2-0579ee0bb661d5b27e156280f483f852');

    fake.reply({ status: 200, body: { ok: true, id: 'doc1', rev: '5-x' } });
    await db.remove('doc1', '4-7cc5ae790629056a27d192699e73a980');
    expect(last()).toMatchObject({ method: 'DELETE', target: '/db/doc1?rev=4-7cc5ae790629056a27d192699e73a980', body: '' });

    fake.reply({ status: 200, body: { _id: 'doc1', _rev: '6-x' } });
    await db.get('doc1', { rev: '1-db2b4219c99b98cb06831cce46c8d5b1', latest: true });
    expect(last().target).toBe('/db/doc1?rev=1-db2b4219c99b98cb06831cce46c8d5b1&latest=true');
  });

  it('open_revs: "all" literally, a list as JSON, always with Accept: application/json', async () => {
    const { db, last, fake } = setup();
    fake.reply({ status: 200, body: [] }, { status: 200, body: [] });
    await db.getOpenRevs('conflicted', 'all', { revs: true });
    expect(last().target).toBe('/db/conflicted?revs=true&open_revs=all');
    expect(last().headers['accept']).toBe('application/json');
    await db.getOpenRevs('conflicted', ['1-cccccccccccccccccccccccccccccccc', '9-99999999999999999999999999999999']);
    expect(decodeURIComponent(last().target)).toBe(
      '/db/conflicted?open_revs=["1-cccccccccccccccccccccccccccccccc","9-99999999999999999999999999999999"]',
    );
  });

  it('design and local ids keep their slash; ids with "/" are one segment', async () => {
    const { db, last, fake } = setup();
    fake.reply({ status: 201, body: { ok: true } }, { status: 201, body: { ok: true } }, { status: 200, body: {} });
    await db.put({ _id: '_design/app', views: {} });
    expect(last().target).toBe('/db/_design/app');
    await db.put({ _id: '_local/l1', v: 1 });
    expect(last().target).toBe('/db/_local/l1');
    await db.get('has/slash');
    expect(last().target).toBe('/db/has%2Fslash');
  });

  it('database names with "/" and specials are one escaped segment; createDb sends q, n, partitioned', async () => {
    const { server, last, fake } = setup();
    fake.reply({ status: 201, body: { ok: true } }, { status: 200, body: {} });
    await server.createDb('a$b(c)+d/e-f', { q: 1, partitioned: true });
    expect(last()).toMatchObject({ method: 'PUT', target: '/a%24b(c)%2Bd%2Fe-f?q=1&partitioned=true' });
    await server.db('x/y').info();
    expect(last()).toMatchObject({ method: 'GET', target: '/x%2Fy' });
  });

  it('attachments: raw bytes with their content type, names keep "/", bytes come back untouched', async () => {
    const { db, last, fake } = setup();
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 255]);
    fake.reply({ status: 201, body: { ok: true, id: 'newdoc', rev: '2-x' } });
    await db.putAttachment('newdoc', 'dir/sub.txt', png, 'image/png', '1-38a0d18854b524d3939fcf87f6a18689');
    expect(last()).toMatchObject({ method: 'PUT', target: '/db/newdoc/dir/sub.txt?rev=1-38a0d18854b524d3939fcf87f6a18689' });
    expect(last().headers['content-type']).toBe('image/png');

    fake.reply({ status: 200, raw: png, headers: { 'content-type': 'image/png', etag: '"s1ehnIdiTHxNExrutK5nfw=="' } });
    const got = await db.getAttachment('doc', 'pixel.png', { rev: '3-a' });
    expect(last().target).toBe('/db/doc/pixel.png?rev=3-a');
    expect(got).toStrictEqual({ data: png, content_type: 'image/png', digest: 'md5-s1ehnIdiTHxNExrutK5nfw==', length: 6 });
  });

  it('getAttachment falls back to the stub digest when the headers carry no MD5', async () => {
    const { db, last, fake } = setup();
    fake.reply(
      { status: 200, raw: 'hi', headers: { 'content-type': 'text/plain', etag: 'W/"2-abc"' } },
      { status: 200, body: { _id: 'd', _rev: '2-a', _attachments: { 'a.txt': { digest: 'md5-xyz', stub: true } } } },
    );
    const got = await db.getAttachment('d', 'a.txt');
    expect(got.digest).toBe('md5-xyz');
    expect(last().target).toBe('/db/d');
  });

  it('_compact carries Content-Type: application/json (CouchDB answers 415 without it)', async () => {
    const { db, last, fake } = setup();
    fake.reply({ status: 202, body: { ok: true } });
    expect(await db.compact()).toStrictEqual({ ok: true });
    expect(last()).toMatchObject({ method: 'POST', target: '/db/_compact', body: '' });
    expect(last().headers['content-type']).toBe('application/json');
  });

  it('_revs_limit is a bare JSON number; _security and _purge are JSON', async () => {
    const { db, last, fake } = setup();
    fake.reply({ status: 200, body: { ok: true } }, { status: 200, body: 1000 });
    await db.putRevsLimit(5);
    expect(last()).toMatchObject({ method: 'PUT', target: '/db/_revs_limit', body: '5' });
    expect(await db.getRevsLimit()).toBe(1000);
    fake.reply({ status: 201, body: { purge_seq: null, purged: { a: ['1-x'] } } });
    await db.purge({ a: ['1-x'] });
    expect(last()).toMatchObject({ method: 'POST', target: '/db/_purge', body: '{"a":["1-x"]}' });
  });

  it('allDocs: GET with JSON-encoded keys of the range, POST with keys', async () => {
    const { db, last, fake } = setup();
    fake.reply({ status: 200, body: { rows: [] } }, { status: 200, body: { rows: [] } });
    await db.allDocs({ startkey: 'b', endkey: 'd', inclusive_end: false, include_docs: true });
    expect(decodeURIComponent(last().target)).toBe('/db/_all_docs?startkey="b"&endkey="d"&inclusive_end=false&include_docs=true');
    await db.allDocs({ keys: ['a', 'z'], include_docs: true });
    expect(last()).toMatchObject({ method: 'POST', target: '/db/_all_docs?include_docs=true', body: '{"keys":["a","z"]}' });
  });

  it('changes: filters with doc_ids or a selector are POSTed, query_params are merged, since is literal', async () => {
    const { db, last, fake } = setup();
    const empty = { status: 200, body: { results: [], last_seq: '0', pending: 0 } };
    fake.reply(empty, empty, empty);
    await db.changes({ filter: '_doc_ids', doc_ids: ['d3'] });
    expect(last()).toMatchObject({ method: 'POST', target: '/db/_changes?filter=_doc_ids', body: '{"doc_ids":["d3"]}' });
    await db.changes({ filter: 'app/typed', query_params: { type: 'y' }, since: '3-g1AAA' });
    expect(last()).toMatchObject({ method: 'GET', target: '/db/_changes?type=y&filter=app%2Ftyped&since=3-g1AAA' });
    await db.changes({ feed: 'longpoll', since: 'now', timeout: 100 });
    expect(last().target).toBe('/db/_changes?feed=longpoll&since=now&timeout=100');
  });

  it('bulk endpoints: _bulk_docs with new_edits in the body, _bulk_get options in the query, _revs_diff', async () => {
    const { db, last, fake } = setup();
    fake.reply({ status: 201, body: [] }, { status: 200, body: { results: [] } }, { status: 200, body: {} });
    await db.bulkDocs([{ _id: 'a', _rev: '1-b' }], { new_edits: false });
    expect(last()).toMatchObject({ target: '/db/_bulk_docs', body: '{"new_edits":false,"docs":[{"_id":"a","_rev":"1-b"}]}' });
    await db.bulkGet([{ id: 'd', rev: '1-a' }], { revs: true });
    expect(last()).toMatchObject({ method: 'POST', target: '/db/_bulk_get?revs=true', body: '{"docs":[{"id":"d","rev":"1-a"}]}' });
    await db.revsDiff({ d: ['1-a'] });
    expect(last()).toMatchObject({ method: 'POST', target: '/db/_revs_diff', body: '{"d":["1-a"]}' });
  });

  it('server: _all_dbs ranges as JSON, _uuids count', async () => {
    const { server, last, fake } = setup();
    fake.reply({ status: 200, body: [] }, { status: 200, body: { uuids: ['a', 'b'] } });
    await server.allDbs({ startkey: 'b', limit: 2, descending: true });
    expect(decodeURIComponent(last().target)).toBe('/_all_dbs?startkey="b"&limit=2&descending=true');
    expect(await server.uuids(2)).toStrictEqual(['a', 'b']);
    expect(last().target).toBe('/_uuids?count=2');
  });
});
