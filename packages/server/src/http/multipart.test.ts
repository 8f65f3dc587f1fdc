import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { documentFromMultipart, documentToMultipart, openRevsMultipart, parseMultipart } from './multipart.js';

interface RecordedStep {
  note?: string;
  response?: { body?: unknown };
}

/** The body CouchDB 3.4.3 answered to `GET /db/doc?attachments=true` with `Accept: multipart/related`. */
function recordedMultipart(): string {
  const url = new URL('../../../../../shared/couchdb-reference/attachments.json', import.meta.url);
  const steps = (JSON.parse(readFileSync(url, 'utf8')) as { steps: RecordedStep[] }).steps;
  const step = steps.find((s) => s.note?.startsWith('GET /db/doc?attachments=true with Accept: multipart/related'));
  if (typeof step?.response?.body !== 'string') throw new Error('recorded multipart step not found');
  return step.response.body;
}

describe('multipart', () => {
  const bytes = Buffer.from([0, 13, 10, 45, 45, 255]);

  it('a document written as multipart/related reads back with the same bytes inline', () => {
    const doc = {
      _id: 'd',
      _rev: '1-abc',
      _attachments: { 'a.bin': { content_type: 'application/octet-stream', revpos: 1, digest: 'md5-x', data: bytes.toString('base64') } },
    };
    const body = documentToMultipart(doc, 'b0undary');
    const parts = parseMultipart(body, 'b0undary');
    expect(parts).toHaveLength(2);
    expect(JSON.parse(parts[0]?.body.toString() ?? '')._attachments['a.bin']).toStrictEqual({
      content_type: 'application/octet-stream',
      revpos: 1,
      digest: 'md5-x',
      length: 6,
      follows: true,
    });
    expect(parts[1]?.body).toStrictEqual(bytes);
    const back = documentFromMultipart(body, 'multipart/related; boundary="b0undary"') as typeof doc;
    expect(back._attachments['a.bin']).toStrictEqual({
      content_type: 'application/octet-stream',
      revpos: 1,
      digest: 'md5-x',
      data: bytes.toString('base64'),
    });
  });

  it('sends compressible attachments gzip-encoded, byte for byte as CouchDB does', () => {
    const doc = {
      _id: 'doc',
      _rev: '3-3ff2dd5b965d279b9d6946b1fd45f1f2',
      title: 'with attachments',
      _attachments: {
        'pixel.png': {
          content_type: 'image/png',
          revpos: 3,
          digest: 'md5-s1ehnIdiTHxNExrutK5nfw==',
          data: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
        },
        // With att_encoding_info the inline entry already carries the members; they are not repeated.
        'hello.txt': { content_type: 'text/plain', revpos: 2, digest: 'md5-y4tCxhvMxmD2icAlq8bpQw==', data: 'SGVsbG8sIENvdWNoREIhCg==', encoding: 'gzip', encoded_length: 36 },
      },
    };
    expect(documentToMultipart(doc, '<boundary2>').toString('latin1')).toBe(recordedMultipart());
  });

  it('reads parts sent with encoding gzip back to their plain bytes; refuses bad gzip and unknown encodings', () => {
    const plain = Buffer.from('replicated text\n');
    const bodyWith = (att: Record<string, unknown>, part: Buffer): Buffer =>
      Buffer.concat([
        Buffer.from(`--B\r\nContent-Type: application/json\r\n\r\n${JSON.stringify({ _id: 'd', _attachments: { 't.txt': att } })}\r\n`),
        Buffer.from('--B\r\nContent-Disposition: attachment; filename="t.txt"\r\nContent-Encoding: gzip\r\n\r\n'),
        part,
        Buffer.from('\r\n--B--'),
      ]);
    const gz = gzipSync(plain, { level: 8 });
    const att = { content_type: 'text/plain', revpos: 1, follows: true, length: plain.byteLength, encoding: 'gzip', encoded_length: gz.byteLength };
    const parsed = documentFromMultipart(bodyWith(att, gz), 'multipart/related; boundary=B') as { _attachments: Record<string, unknown> };
    expect(parsed._attachments['t.txt']).toStrictEqual({ content_type: 'text/plain', revpos: 1, data: plain.toString('base64') });
    expect(() => documentFromMultipart(bodyWith(att, plain), 'multipart/related; boundary=B')).toThrow(/Invalid gzip data for attachment t.txt/);
    expect(() => documentFromMultipart(bodyWith({ ...att, encoding: 'br' }, gz), 'multipart/related; boundary=B')).toThrow(/Unsupported attachment encoding/);
  });

  it('matches attachment parts by file name before order', () => {
    const doc = { _id: 'd', _attachments: { x: { follows: true, content_type: 'text/plain' }, y: { follows: true, content_type: 'text/plain' } } };
    const body = Buffer.from(
      `--B\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(doc)}\r\n` +
        '--B\r\nContent-Disposition: attachment; filename="y"\r\n\r\nwhy\r\n' +
        '--B\r\nContent-Disposition: attachment; filename="x"\r\n\r\nex\r\n--B--',
    );
    const parsed = documentFromMultipart(body, 'multipart/related; boundary=B') as { _attachments: Record<string, { data: string }> };
    expect(Buffer.from(parsed._attachments['x']?.data ?? '', 'base64').toString()).toBe('ex');
    expect(Buffer.from(parsed._attachments['y']?.data ?? '', 'base64').toString()).toBe('why');
  });

  it('reads parts without headers whole, an empty line in their bytes included (attachments_multipart_test)', () => {
    const doc = { _id: 'd', _attachments: { 'foo.txt': { follows: true, content_type: 'text/plain', length: 21 }, 'bar.txt': { follows: true, content_type: 'text/plain', length: 12 } } };
    const body = Buffer.from(`--abc123\r\n\r\n${JSON.stringify(doc)}\r\n--abc123\r\n\r\nthis is 21 chars long\r\n--abc123\r\n\r\nline\r\n\r\nline\r\n--abc123--`);
    const parsed = documentFromMultipart(body, 'multipart/related;boundary="abc123"') as { _attachments: Record<string, { data: string }> };
    expect(Buffer.from(parsed._attachments['foo.txt']?.data ?? '', 'base64').toString()).toBe('this is 21 chars long');
    expect(Buffer.from(parsed._attachments['bar.txt']?.data ?? '', 'base64').toString()).toBe('line\r\n\r\nline');
  });

  it('refuses a body without its boundary', () => {
    expect(() => documentFromMultipart(Buffer.from('{}'), 'multipart/related; boundary=zz')).toThrow(/boundary not found/);
  });

  it('open_revs multipart/mixed: a bare JSON document, a nested multipart/related with attachments, a missing rev', () => {
    const plain = { _id: 'a', _rev: '1-x', v: 1 };
    const withAtt = { _id: 'a', _rev: '2-y', _attachments: { 'b.bin': { content_type: 'image/png', revpos: 2, digest: 'md5-q', data: 'AAE=' } } };
    const text = openRevsMultipart([{ ok: plain }, { ok: withAtt }, { missing: '1-z' }], 'M', 'I').toString('latin1');
    expect(text).toBe(
      '--M\r\nContent-Type: application/json\r\n\r\n{"_id":"a","_rev":"1-x","v":1}\r\n--M' +
        '\r\nContent-Type: multipart/related; boundary="I"\r\n\r\n' +
        documentToMultipart(withAtt, 'I').toString('latin1') +
        '\r\n--M\r\nContent-Type: application/json; error="true"\r\n\r\n{"missing":"1-z"}\r\n--M--',
    );
  });
});
