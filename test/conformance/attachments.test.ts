// Attachments, after shared/couchdb-reference/attachments.json.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BadRequestError, ConflictError, NotFoundError, PreconditionFailedError, type DatabaseAdapter } from '@settee/core';
import { backends } from './backends.js';
import { byteList, fromBase64, utf8 } from './bytes.js';
import { databaseState } from './db-state.js';
import { expectCouchError } from './expect-couch-error.js';
import { useBackend } from './harness.js';

const CONFLICT = 'Document update conflict.';
const MISSING_ATTACHMENT = 'Document is missing attachment';

const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const HELLO = 'Hello, CouchDB!\n';

const REV = {
  doc1: '1-ce58fce7f59f423f1b36aa4a98b56db6',
  doc2: '2-2f12889615bae6a09bf9c8e13af05914',
  doc3: '3-3ff2dd5b965d279b9d6946b1fd45f1f2',
  doc4: '4-3a2bf5389c1457bf4a4b947a08e1c582',
} as const;

const HELLO_STUB = {
  content_type: 'text/plain',
  revpos: 2,
  digest: 'md5-y4tCxhvMxmD2icAlq8bpQw==',
  length: 16,
  stub: true,
} as const;
const PIXEL_STUB = {
  content_type: 'image/png',
  revpos: 3,
  digest: 'md5-s1ehnIdiTHxNExrutK5nfw==',
  length: 70,
  stub: true,
} as const;

/** CouchDB stores text/* (and JSON, JavaScript, XML) gzip-compressed at level 8: `encoded_length` is that gzip's length. */
const gzipLength = (text: string): number => gzipSync(utf8(text), { level: 8 }).byteLength;

/** attachments.json step 17: `att_encoding_info=true` adds these after the stub's other members. */
const HELLO_ENCODING = { encoding: 'gzip', encoded_length: 36 } as const;

/** The attachments of a document that carry `encoding` or `encoded_length`, by name. */
function encodingMembers(doc: { _attachments?: Record<string, object> }): Record<string, object> {
  const out: Record<string, object> = {};
  for (const [name, att] of Object.entries(doc._attachments ?? {})) {
    const found = Object.entries(att).filter(([key]) => key === 'encoding' || key === 'encoded_length');
    if (found.length > 0) out[name] = Object.fromEntries(found);
  }
  return out;
}

/** attachments.json steps 1-3: "doc", then hello.txt and pixel.png put standalone. */
async function writeDoc(db: DatabaseAdapter): Promise<void> {
  expect(await db.put({ _id: 'doc', title: 'with attachments' })).toStrictEqual({ ok: true, id: 'doc', rev: REV.doc1 });
  expect(await db.putAttachment('doc', 'hello.txt', utf8(HELLO), 'text/plain', REV.doc1)).toStrictEqual({
    ok: true,
    id: 'doc',
    rev: REV.doc2,
  });
  expect(await db.putAttachment('doc', 'pixel.png', fromBase64(PNG_BASE64), 'image/png', REV.doc2)).toStrictEqual({
    ok: true,
    id: 'doc',
    rev: REV.doc3,
  });
}

describe.each(backends)('attachments [$name]', (backend) => {
  const h = useBackend(backend);

  describe('standalone attachments', () => {
    it('each put makes a new revision; the document shows stubs with content_type, digest, length, revpos', async () => {
      const db = await h.createDb('stubs');
      await writeDoc(db);
      expect(await db.get('doc')).toStrictEqual({
        _id: 'doc',
        _rev: REV.doc3,
        title: 'with attachments',
        _attachments: { 'pixel.png': PIXEL_STUB, 'hello.txt': HELLO_STUB },
      });
    });

    it('getAttachment answers the exact bytes with their metadata, also as of an older revision', async () => {
      const db = await h.createDb('read');
      await writeDoc(db);
      const hello = await db.getAttachment('doc', 'hello.txt');
      expect(hello.data).toBeInstanceOf(Uint8Array);
      expect(byteList(hello.data)).toStrictEqual(byteList(utf8(HELLO)));
      expect({ ...hello, data: null }).toStrictEqual({
        data: null,
        content_type: 'text/plain',
        digest: 'md5-y4tCxhvMxmD2icAlq8bpQw==',
        length: 16,
      });
      const pixel = await db.getAttachment('doc', 'pixel.png');
      expect(byteList(pixel.data)).toStrictEqual(byteList(fromBase64(PNG_BASE64)));
      expect(pixel.length).toBe(70);
      const old = await db.getAttachment('doc', 'hello.txt', { rev: REV.doc2 });
      expect(byteList(old.data)).toStrictEqual(byteList(utf8(HELLO)));
      await expectCouchError(db.getAttachment('doc', 'pixel.png', { rev: REV.doc2 }), NotFoundError, 404, 'not_found', MISSING_ATTACHMENT);
    });

    it('attachments: true inlines base64 data (without length or stub)', async () => {
      const db = await h.createDb('inline');
      await writeDoc(db);
      expect(await db.get('doc', { attachments: true })).toStrictEqual({
        _id: 'doc',
        _rev: REV.doc3,
        title: 'with attachments',
        _attachments: {
          'pixel.png': { content_type: 'image/png', revpos: 3, digest: PIXEL_STUB.digest, data: PNG_BASE64 },
          'hello.txt': { content_type: 'text/plain', revpos: 2, digest: HELLO_STUB.digest, data: 'SGVsbG8sIENvdWNoREIhCg==' },
        },
      });
    });

    it('atts_since inlines only attachments changed after the given revisions', async () => {
      const db = await h.createDb('attssince');
      await writeDoc(db);
      const expected = {
        _id: 'doc',
        _rev: REV.doc3,
        title: 'with attachments',
        _attachments: {
          'pixel.png': { content_type: 'image/png', revpos: 3, digest: PIXEL_STUB.digest, data: PNG_BASE64 },
          'hello.txt': HELLO_STUB,
        },
      };
      expect(await db.get('doc', { attachments: true, atts_since: [REV.doc2] })).toStrictEqual(expected);
    });

    it('atts_since alone turns attachments on, as CouchDB does (chttpd_db adds attachments)', async () => {
      const db = await h.createDb('attssincealone');
      await writeDoc(db);
      const doc = await db.get('doc', { atts_since: [REV.doc2] });
      expect(doc._attachments).toStrictEqual({
        'pixel.png': { content_type: 'image/png', revpos: 3, digest: PIXEL_STUB.digest, data: PNG_BASE64 },
        'hello.txt': HELLO_STUB,
      });
    });

    it('revs_info and stubs appear together', async () => {
      const db = await h.createDb('revsinfo');
      await writeDoc(db);
      expect(await db.get('doc', { revs_info: true })).toStrictEqual({
        _id: 'doc',
        _rev: REV.doc3,
        title: 'with attachments',
        _revs_info: [
          { rev: REV.doc3, status: 'available' },
          { rev: REV.doc2, status: 'available' },
          { rev: REV.doc1, status: 'available' },
        ],
        _attachments: { 'pixel.png': PIXEL_STUB, 'hello.txt': HELLO_STUB },
      });
    });

    it('needs the current rev on an existing document: 409 without one or with a stale one', async () => {
      const db = await h.createDb('norev');
      await writeDoc(db);
      const before = await databaseState(db);
      await expectCouchError(db.putAttachment('doc', 'another.txt', utf8('x'), 'text/plain'), ConflictError, 409, 'conflict', CONFLICT);
      await expectCouchError(
        db.putAttachment('doc', 'another.txt', utf8('x'), 'text/plain', REV.doc1),
        ConflictError,
        409,
        'conflict',
        CONFLICT,
      );
      expect(await databaseState(db)).toStrictEqual(before);
    });

    it('creates the document when it does not exist; names may contain "/"', async () => {
      const db = await h.createDb('newdoc');
      expect(await db.putAttachment('newdoc', 'file.txt', utf8('new'), 'text/plain')).toStrictEqual({
        ok: true,
        id: 'newdoc',
        rev: '1-38a0d18854b524d3939fcf87f6a18689',
      });
      const fileStub = { content_type: 'text/plain', revpos: 1, digest: 'md5-xwZ1b67fOeVii7opcgTDtg==', length: 3, stub: true };
      expect(await db.get('newdoc')).toStrictEqual({
        _id: 'newdoc',
        _rev: '1-38a0d18854b524d3939fcf87f6a18689',
        _attachments: { 'file.txt': fileStub },
      });
      expect(
        await db.putAttachment('newdoc', 'dir/sub.txt', utf8('sub'), 'text/plain', '1-38a0d18854b524d3939fcf87f6a18689'),
      ).toStrictEqual({ ok: true, id: 'newdoc', rev: '2-a2eb62311a8e29c95f2f5a47f093d55a' });
      expect(byteList((await db.getAttachment('newdoc', 'dir/sub.txt')).data)).toStrictEqual(byteList(utf8('sub')));
      expect(
        await db.putAttachment(
          'newdoc',
          'raw.bin',
          new Uint8Array([0, 1, 2, 3, 255]),
          'application/octet-stream',
          '2-a2eb62311a8e29c95f2f5a47f093d55a',
        ),
      ).toStrictEqual({ ok: true, id: 'newdoc', rev: '3-042e269ab1cbfa55753561b0a5f2e621' });
      expect(await db.get('newdoc')).toStrictEqual({
        _id: 'newdoc',
        _rev: '3-042e269ab1cbfa55753561b0a5f2e621',
        _attachments: {
          'raw.bin': { content_type: 'application/octet-stream', revpos: 3, digest: 'md5-tZEhNBqyZ2Zym38df34MLw==', length: 5, stub: true },
          'dir/sub.txt': { content_type: 'text/plain', revpos: 2, digest: 'md5-+C6+QwJCcqokRd5p1LpZnA==', length: 3, stub: true },
          'file.txt': fileStub,
        },
      });
    });

    it('_local documents do not accept attachments', async () => {
      const db = await h.createDb('local');
      await expectCouchError(
        db.putAttachment('_local/l1', 'file.txt', utf8('x'), 'text/plain'),
        BadRequestError,
        400,
        'bad_request',
        '_local documents do not accept attachments.',
      );
    });
  });

  describe('removal and 404s', () => {
    it('removeAttachment makes a new revision; the attachment is then missing', async () => {
      const db = await h.createDb('remove');
      await writeDoc(db);
      expect(await db.removeAttachment('doc', 'hello.txt', REV.doc3)).toStrictEqual({ ok: true, id: 'doc', rev: REV.doc4 });
      await expectCouchError(db.removeAttachment('doc', 'hello.txt', REV.doc4), NotFoundError, 404, 'not_found', MISSING_ATTACHMENT);
      await expectCouchError(db.getAttachment('doc', 'hello.txt'), NotFoundError, 404, 'not_found', MISSING_ATTACHMENT);
      expect(await db.get('doc')).toStrictEqual({
        _id: 'doc',
        _rev: REV.doc4,
        title: 'with attachments',
        _attachments: { 'pixel.png': PIXEL_STUB },
      });
    });

    it('removeAttachment with a stale rev is a 409, or a 404 when that revision lacks the attachment', async () => {
      const db = await h.createDb('removestale');
      await writeDoc(db);
      await expectCouchError(db.removeAttachment('doc', 'hello.txt', REV.doc2), ConflictError, 409, 'conflict', CONFLICT);
      // CouchDB looks the attachment up in the revision named: pixel.png was only added in rev 3.
      await expectCouchError(db.removeAttachment('doc', 'pixel.png', REV.doc2), NotFoundError, 404, 'not_found', MISSING_ATTACHMENT);
    });

    it('a revision the document does not have is 409 missing_rev, for a put and a removal, even without the document', async () => {
      const db = await h.createDb('missingrev');
      await writeDoc(db);
      const data = new Uint8Array([1, 2, 3]);
      const unknown = '4-00000000000000000000000000000000';
      await expectCouchError(db.putAttachment('doc', 'x.bin', data, 'application/octet-stream', unknown), ConflictError, 409, 'not_found', 'missing_rev');
      await expectCouchError(db.removeAttachment('doc', 'hello.txt', unknown), ConflictError, 409, 'not_found', 'missing_rev');
      await expectCouchError(db.putAttachment('nodoc', 'x.bin', data, 'application/octet-stream', '1-000'), ConflictError, 409, 'not_found', 'missing_rev');
      await expectCouchError(db.getAttachment('doc', 'x.bin'), NotFoundError, 404, 'not_found', MISSING_ATTACHMENT);
      await expectCouchError(db.get('nodoc'), NotFoundError, 404, 'not_found', 'missing');
    });

    it('answers "Document is missing attachment" for an unknown name and "missing" for an unknown doc', async () => {
      const db = await h.createDb('notfound');
      await writeDoc(db);
      await expectCouchError(db.getAttachment('doc', 'missing.bin'), NotFoundError, 404, 'not_found', MISSING_ATTACHMENT);
      await expectCouchError(db.getAttachment('nodoc', 'file.txt'), NotFoundError, 404, 'not_found', 'missing');
    });
  });

  describe('encoding info (att_encoding_info)', () => {
    // Standard zlib's bytes (CouchDB's, through Erlang), not those of Node's bundled zlib, which compresses this text
    // to 49 bytes: CouchDB's Elixir suites (changes_test COUCHDB-1923) expect 47, and the digest decides revisions.
    it('compresses a text attachment to the very bytes CouchDB stores: its digest and encoded_length', async () => {
      const db = await h.createDb('zlibbytes');
      const data = Buffer.from('This is a base64 encoded text').toString('base64');
      await db.put({ _id: 'zlib', _attachments: { 'foo.txt': { content_type: 'text/plain', data } } });
      const stub = (await db.get('zlib', { att_encoding_info: true }))._attachments?.['foo.txt'];
      expect(stub).toMatchObject({ digest: 'md5-qUUYqS41RhwF0TrCsTAxFg==', length: 29, encoding: 'gzip', encoded_length: 47 });
    });

    it('adds encoding gzip and encoded_length (the gzip length) to compressed attachments only', async () => {
      const db = await h.createDb('encinfo');
      await writeDoc(db);
      expect(HELLO_ENCODING.encoded_length).toBe(gzipLength(HELLO));
      const doc = await db.get('doc', { att_encoding_info: true });
      expect(doc).toStrictEqual({
        _id: 'doc',
        _rev: REV.doc3,
        title: 'with attachments',
        _attachments: { 'pixel.png': PIXEL_STUB, 'hello.txt': { ...HELLO_STUB, ...HELLO_ENCODING } },
      });
      // CouchDB writes them last, after `stub`.
      expect(Object.keys(doc._attachments?.['hello.txt'] ?? {})).toStrictEqual([
        'content_type',
        'revpos',
        'digest',
        'length',
        'stub',
        'encoding',
        'encoded_length',
      ]);
    });

    it('compresses exactly the compressible types: text/*, JSON, JavaScript, XML (with parameters)', async () => {
      const db = await h.createDb('enctypes');
      const body = 'compressible? '.repeat(20);
      const data = Buffer.from(body).toString('base64');
      const types = {
        'a.html': 'text/html; charset=utf-8',
        'b.json': 'application/json',
        'c.js': 'application/javascript',
        'd.xml': 'application/xml',
        'e.bin': 'application/octet-stream',
        'f.svg': 'image/svg+xml',
        'g.ld': 'application/ld+json',
      };
      const _attachments = Object.fromEntries(Object.entries(types).map(([name, content_type]) => [name, { content_type, data }]));
      await db.put({ _id: 'types', _attachments });
      const expected = { encoding: 'gzip', encoded_length: gzipLength(body) };
      expect(encodingMembers(await db.get('types', { att_encoding_info: true }))).toStrictEqual({
        'a.html': expected,
        'b.json': expected,
        'c.js': expected,
        'd.xml': expected,
      });
    });

    it('without att_encoding_info no attachment carries encoding members, stubs or inline', async () => {
      const db = await h.createDb('encnone');
      const first = await db.putAttachment('plain', 'hello.txt', utf8(HELLO), 'text/plain');
      await db.putAttachment('plain', 'pixel.png', fromBase64(PNG_BASE64), 'image/png', first.rev);
      expect(encodingMembers(await db.get('plain'))).toStrictEqual({});
      expect(encodingMembers(await db.get('plain', { attachments: true }))).toStrictEqual({});
      expect(encodingMembers(await db.get('plain', { att_encoding_info: false }))).toStrictEqual({});
      const listed = await db.allDocs({ include_docs: true });
      expect(listed.rows.map((row) => encodingMembers(('doc' in row ? row.doc : undefined) ?? {}))).toStrictEqual([{}]);
    });

    it('attachments: true with att_encoding_info inlines the plain data and adds the encoding members', async () => {
      const db = await h.createDb('encinline');
      await writeDoc(db);
      const doc = await db.get('doc', { attachments: true, att_encoding_info: true });
      expect(doc._attachments).toStrictEqual({
        'pixel.png': { content_type: 'image/png', revpos: 3, digest: PIXEL_STUB.digest, data: PNG_BASE64 },
        'hello.txt': { content_type: 'text/plain', revpos: 2, digest: HELLO_STUB.digest, data: 'SGVsbG8sIENvdWNoREIhCg==', ...HELLO_ENCODING },
      });
      // atts_since: the unchanged one stays a stub, still with its encoding.
      const since = await db.get('doc', { attachments: true, atts_since: [REV.doc2], att_encoding_info: true });
      expect(since._attachments?.['hello.txt']).toStrictEqual({ ...HELLO_STUB, ...HELLO_ENCODING });
    });

    it('a stub kept across revisions keeps its encoding members', async () => {
      const db = await h.createDb('enckept');
      await writeDoc(db);
      const current = await db.get('doc');
      const updated = await db.put({ ...current, title: 'renamed' });
      const doc = await db.get('doc', { att_encoding_info: true });
      expect(doc._rev).toBe(updated.rev);
      expect(doc._attachments).toStrictEqual({ 'pixel.png': PIXEL_STUB, 'hello.txt': { ...HELLO_STUB, ...HELLO_ENCODING } });
      // The older revision answers the same.
      expect(encodingMembers(await db.get('doc', { rev: REV.doc2, att_encoding_info: true }))).toStrictEqual({ 'hello.txt': HELLO_ENCODING });
    });

    it('open_revs, bulkGet, allDocs and changes with include_docs honour it', async () => {
      const db = await h.createDb('encpaths');
      await writeDoc(db);
      const expected = { 'hello.txt': HELLO_ENCODING };
      const [open] = await db.getOpenRevs('doc', 'all', { att_encoding_info: true });
      expect(open !== undefined && 'ok' in open ? encodingMembers(open.ok) : undefined).toStrictEqual(expected);
      const bulk = await db.bulkGet([{ id: 'doc' }], { att_encoding_info: true });
      const bulkDoc = bulk.results[0]?.docs[0];
      expect(bulkDoc !== undefined && 'ok' in bulkDoc ? encodingMembers(bulkDoc.ok) : undefined).toStrictEqual(expected);
      const listed = await db.allDocs({ include_docs: true, att_encoding_info: true });
      expect(listed.rows.map((row) => encodingMembers(('doc' in row ? row.doc : undefined) ?? {}))).toStrictEqual([expected]);
      const changes = await db.changes({ include_docs: true, att_encoding_info: true });
      expect(changes.results.map((row) => encodingMembers(row.doc ?? {}))).toStrictEqual([expected]);
      // Without the option, none of them adds anything.
      const plain = await db.changes({ include_docs: true });
      expect(plain.results.map((row) => encodingMembers(row.doc ?? {}))).toStrictEqual([{}]);
    });

    it('view rows with include_docs honour it', async () => {
      const db = await h.createDb('encview');
      await writeDoc(db);
      await db.put({ _id: '_design/v', views: { all: { map: 'function (doc) { if (doc.title) emit(doc._id, null); }' } } });
      const rows = (await db.query('v', 'all', { include_docs: true, att_encoding_info: true })).rows;
      expect(rows.map((row) => encodingMembers(row.doc ?? {}))).toStrictEqual([{ 'hello.txt': HELLO_ENCODING }]);
      const plain = (await db.query('v', 'all', { include_docs: true })).rows;
      expect(plain.map((row) => encodingMembers(row.doc ?? {}))).toStrictEqual([{}]);
    });

    it('a replicated revision (new_edits: false with data) ends with the same encoding members', async () => {
      const db = await h.createDb('encrepl');
      const text = 'replicated text\n';
      const results = await db.bulkDocs(
        [
          {
            _id: 'repl',
            _rev: '1-0123456789abcdef0123456789abcdef',
            _revisions: { start: 1, ids: ['0123456789abcdef0123456789abcdef'] },
            _attachments: { 'r.txt': { content_type: 'text/plain', data: Buffer.from(text).toString('base64') } },
          },
        ],
        { new_edits: false },
      );
      expect(results).toStrictEqual([]);
      const doc = await db.get('repl', { att_encoding_info: true });
      expect(encodingMembers(doc)).toStrictEqual({ 'r.txt': { encoding: 'gzip', encoded_length: gzipLength(text) } });
      expect(doc._attachments?.['r.txt']).toMatchObject({ length: Buffer.byteLength(text), stub: true });
    });
  });

  describe('inline attachments', () => {
    it('a replicated revision keeps the revpos its attachments were given (0 when none), as couch_db does', async () => {
      const db = await h.createDb('replrevpos');
      const data = Buffer.from('the data').toString('base64');
      const results = await db.bulkDocs(
        [
          {
            _id: 'given',
            _rev: '2-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
            _revisions: { start: 2, ids: ['bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'] },
            _attachments: { 'a.bin': { content_type: 'application/octet-stream', revpos: 1, data } },
          },
          {
            _id: 'absent',
            _rev: '2-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
            _revisions: { start: 2, ids: ['bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'] },
            _attachments: { 'a.bin': { content_type: 'application/octet-stream', data } },
          },
        ],
        { new_edits: false },
      );
      expect(results).toStrictEqual([]);
      expect((await db.get('given'))._attachments?.['a.bin']).toMatchObject({ revpos: 1, stub: true });
      expect((await db.get('absent'))._attachments?.['a.bin']).toMatchObject({ revpos: 0, stub: true });
    });

    it('stores base64 data as a stub with revpos; a stub carries it over; leaving it out drops it', async () => {
      const db = await h.createDb('inline');
      expect(
        await db.put({
          _id: 'inline',
          title: 'inline',
          _attachments: { 'note.txt': { content_type: 'text/plain', data: 'aW5saW5lIG5vdGU=' } },
        }),
      ).toStrictEqual({ ok: true, id: 'inline', rev: '1-303ceb1766dee6eaec6735f9f4bf6aa3' });
      const noteStub = { content_type: 'text/plain', revpos: 1, digest: 'md5-6DG0Bq7tJBypU8TcWH86Sw==', length: 11, stub: true };
      expect(await db.get('inline')).toStrictEqual({
        _id: 'inline',
        _rev: '1-303ceb1766dee6eaec6735f9f4bf6aa3',
        title: 'inline',
        _attachments: { 'note.txt': noteStub },
      });

      expect(
        await db.put({
          _id: 'inline',
          _rev: '1-303ceb1766dee6eaec6735f9f4bf6aa3',
          title: 'inline v2',
          _attachments: { 'note.txt': { stub: true } as never },
        }),
      ).toStrictEqual({ ok: true, id: 'inline', rev: '2-bf398aeb8b022f720c21f84ffaf166cb' });
      expect(await db.get('inline')).toStrictEqual({
        _id: 'inline',
        _rev: '2-bf398aeb8b022f720c21f84ffaf166cb',
        title: 'inline v2',
        _attachments: { 'note.txt': noteStub },
      });
      expect(byteList((await db.getAttachment('inline', 'note.txt')).data)).toStrictEqual(byteList(utf8('inline note')));

      expect(await db.put({ _id: 'inline', _rev: '2-bf398aeb8b022f720c21f84ffaf166cb', title: 'inline v3' })).toStrictEqual({
        ok: true,
        id: 'inline',
        rev: '3-95173266674e11b7e4eaf4b4c509395f',
      });
      expect(await db.get('inline')).toStrictEqual({
        _id: 'inline',
        _rev: '3-95173266674e11b7e4eaf4b4c509395f',
        title: 'inline v3',
      });
    });

    it('keeps the stubs of a standalone attachment across a document update', async () => {
      const db = await h.createDb('carried');
      await writeDoc(db);
      const current = await db.get('doc');
      const updated = await db.put({ ...current, title: 'renamed' });
      expect(await db.get('doc')).toStrictEqual({
        _id: 'doc',
        _rev: updated.rev,
        title: 'renamed',
        _attachments: { 'pixel.png': PIXEL_STUB, 'hello.txt': HELLO_STUB },
      });
      expect(byteList((await db.getAttachment('doc', 'pixel.png')).data)).toStrictEqual(byteList(fromBase64(PNG_BASE64)));
    });

    it('a stub for an attachment the document does not have is 412 missing_stub', async () => {
      const db = await h.createDb('ghost');
      const first = await db.put({ _id: 'inline', title: 'x' });
      await expectCouchError(
        db.put({ _id: 'inline', _rev: first.rev, _attachments: { 'ghost.txt': { stub: true } as never } }),
        PreconditionFailedError,
        412,
        'missing_stub',
        'Invalid attachment stub in inline for ghost.txt',
      );
    });

    it('a stub whose revpos is not the stored one is 412 missing_stub; one without revpos keeps the attachment', async () => {
      const db = await h.createDb('stalestub');
      await writeDoc(db);
      const current = await db.get('doc');
      await expectCouchError(
        db.put({ _id: 'doc', _rev: current._rev, _attachments: { 'hello.txt': { stub: true, revpos: 10 } as never } }),
        PreconditionFailedError,
        412,
        'missing_stub',
        'Invalid attachment stub in doc for hello.txt',
      );
      const kept = await db.put({ _id: 'doc', _rev: current._rev, _attachments: { 'hello.txt': { stub: true } as never } });
      expect((await db.get('doc', { rev: kept.rev }))._attachments).toStrictEqual({ 'hello.txt': HELLO_STUB });
    });

    it.each([
      { what: 'invalid base64', att: { content_type: 'text/plain', data: 'not base64!!' }, name: 'x.txt' },
      { what: 'neither data nor stub', att: { content_type: 'text/plain' }, name: 'x.txt' },
    ])('rejects $what with 400 Invalid attachment data', async ({ att, name }) => {
      const db = await h.createDb('badatt');
      await expectCouchError(
        db.put({ _id: 'badatt', _attachments: { [name]: att as never } }),
        BadRequestError,
        400,
        'bad_request',
        `Invalid attachment data for ${name}`,
      );
      expect(await db.info()).toMatchObject({ doc_count: 0, doc_del_count: 0 });
    });

    it('rejects attachment names starting with "_"', async () => {
      const db = await h.createDb('badname');
      await expectCouchError(
        db.put({ _id: 'badatt3', _attachments: { _x: { content_type: 'text/plain', data: 'eA==' } } }),
        BadRequestError,
        400,
        'bad_request',
        "Attachment name '_x' starts with prohibited character '_'",
      );
    });
  });
});
