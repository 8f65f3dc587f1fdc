import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../engine.js';
import { MemoryStorageProvider } from '../storage/memory-storage.js';
import { encodeAttachment, encodedLengthOf, isCompressible, type StoredAttachment } from './attachment-meta.js';
import { SPACE } from './records.js';

const HELLO = Buffer.from('Hello, CouchDB!\n');

describe('attachment encoding', () => {
  it('compresses CouchDB’s default compressible types only', () => {
    for (const type of ['text/plain', 'text/html; charset=utf-8', 'application/json', 'application/javascript', 'application/xml', 'TEXT/CSV']) {
      expect(isCompressible(type), type).toBe(true);
    }
    for (const type of ['image/png', 'application/octet-stream', 'application/ld+json', 'image/svg+xml', '']) {
      expect(isCompressible(type), type).toBe(false);
    }
  });

  it('gives the digest of the stored gzip and its length (CouchDB: md5-y4tC…, 36 bytes)', () => {
    expect(encodeAttachment(HELLO, 'text/plain')).toStrictEqual({ digest: 'md5-y4tCxhvMxmD2icAlq8bpQw==', encodedLength: 36 });
    const raw = encodeAttachment(HELLO, 'application/octet-stream');
    expect(raw.encodedLength).toBeUndefined();
  });

  it('encodedLengthOf uses the kept length, else computes it from the bytes; undefined for identity types', () => {
    const text: StoredAttachment = { content_type: 'text/plain', revpos: 1, digest: 'md5-x', length: 16 };
    const loads: string[] = [];
    const load = (digest: string): string | undefined => {
      loads.push(digest);
      return digest === 'md5-x' ? HELLO.toString('base64') : undefined;
    };
    expect(encodedLengthOf({ ...text, encoded_length: 99 }, load)).toBe(99);
    expect(loads).toStrictEqual([]);
    expect(encodedLengthOf(text, load)).toBe(gzipSync(HELLO, { level: 8 }).byteLength);
    expect(encodedLengthOf({ ...text, digest: 'md5-gone' }, load)).toBeUndefined();
    expect(encodedLengthOf({ ...text, content_type: 'image/png' }, load)).toBeUndefined();
    expect(loads).toStrictEqual(['md5-x', 'md5-gone']);
  });

  it('keeps encoded_length at write time, and still answers for metadata written without it', async () => {
    const provider = new MemoryStorageProvider();
    const engine = createEngine({ storage: provider });
    await engine.createDb('db');
    const db = engine.db('db');
    const first = await db.putAttachment('doc', 'hello.txt', HELLO, 'text/plain');
    await db.put({ _id: 'doc', _rev: first.rev, v: 2, _attachments: { 'hello.txt': { stub: true } as never } });
    const storage = provider.open('db');
    const stored = [SPACE.docs, SPACE.revs].flatMap((space) => storage.range(space).map(([key, value]) => ({ space, key, value })));
    expect(stored.length).toBe(2);
    for (const { value } of stored) expect(value).toContain('"encoded_length":36');

    // What an earlier version wrote: the same records without the member.
    storage.write(stored.map(({ space, key, value }) => ({ type: 'put', space, key, value: value.replace(',"encoded_length":36', '') })));
    for (const { space, key } of stored) expect(storage.get(space, key)).not.toContain('encoded_length');
    const doc = await db.get('doc', { att_encoding_info: true });
    expect(doc._attachments?.['hello.txt']).toMatchObject({ encoding: 'gzip', encoded_length: 36 });
    const old = await db.get('doc', { rev: first.rev, att_encoding_info: true });
    expect(old._attachments?.['hello.txt']).toMatchObject({ encoding: 'gzip', encoded_length: 36 });
    await engine.close();
  });
});
