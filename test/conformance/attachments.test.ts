// Attachments, after shared/couchdb-reference/attachments.json.
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
      expect(await db.get('doc', { attachments: true, atts_since: [REV.doc2] })).toStrictEqual({
        _id: 'doc',
        _rev: REV.doc3,
        title: 'with attachments',
        _attachments: {
          'pixel.png': { content_type: 'image/png', revpos: 3, digest: PIXEL_STUB.digest, data: PNG_BASE64 },
          'hello.txt': HELLO_STUB,
        },
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

    it('answers "Document is missing attachment" for an unknown name and "missing" for an unknown doc', async () => {
      const db = await h.createDb('notfound');
      await writeDoc(db);
      await expectCouchError(db.getAttachment('doc', 'missing.bin'), NotFoundError, 404, 'not_found', MISSING_ATTACHMENT);
      await expectCouchError(db.getAttachment('nodoc', 'file.txt'), NotFoundError, 404, 'not_found', 'missing');
    });
  });

  describe('inline attachments', () => {
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
