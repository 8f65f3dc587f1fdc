import { describe, expect, it } from 'vitest';
import { documentFromMultipart, documentToMultipart, jsonParts, parseMultipart } from './multipart.js';

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

  it('refuses a body without its boundary', () => {
    expect(() => documentFromMultipart(Buffer.from('{}'), 'multipart/related; boundary=zz')).toThrow(/boundary not found/);
  });

  it('multipart/mixed of JSON entries', () => {
    const text = jsonParts([{ ok: 1 }, { missing: '1-x' }], 'M').toString();
    expect(text).toBe('--M\r\nContent-Type: application/json\r\n\r\n{"ok":1}\r\n--M\r\nContent-Type: application/json\r\n\r\n{"missing":"1-x"}\r\n--M--');
  });
});
