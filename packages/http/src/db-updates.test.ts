import { describe, expect, it } from 'vitest';
import { dbUpdateItem } from './db-updates.js';
import { continuousDecoder } from './feed-decoders.js';

const encoder = new TextEncoder();

describe('_db_updates messages', () => {
  it('classifies updates, the closing last_seq and errors as CouchDB writes them', () => {
    expect(dbUpdateItem('{"db_name":"a","type":"created","seq":"1-g1A"}')).toStrictEqual({
      kind: 'row',
      row: { db_name: 'a', type: 'created', seq: '1-g1A' },
      seq: '1-g1A',
    });
    expect(dbUpdateItem('{"last_seq":"9-g1Z"}')).toStrictEqual({ kind: 'end', lastSeq: '9-g1Z' });
    expect(dbUpdateItem('{"error":"unauthorized","reason":"You are not a server admin."}')).toStrictEqual({
      kind: 'error',
      error: 'unauthorized',
      reason: 'You are not a server admin.',
    });
  });

  it('throws on lines that are neither (so the feed resumes before them)', () => {
    expect(() => dbUpdateItem('{"db_name":"a"}')).toThrow(SyntaxError);
    expect(() => dbUpdateItem('"x"')).toThrow(SyntaxError);
    expect(() => dbUpdateItem('{"db_name":"a","type":"crea')).toThrow(SyntaxError);
  });

  it('a continuous body cut at every byte gives the same items; heartbeats are skipped', () => {
    const body = encoder.encode(
      '{"db_name":"ü","type":"created","seq":"1-a"}\n\n\n{"db_name":"b","type":"deleted","seq":"2-b"}\n{"last_seq":"2-b"}\n',
    );
    for (let cut = 0; cut <= body.length; cut += 1) {
      const decoder = continuousDecoder(dbUpdateItem);
      const items = [...decoder.push(body.subarray(0, cut)), ...decoder.push(body.subarray(cut))];
      expect(items.map((item) => (item.kind === 'row' ? item.row.db_name : item.kind)), `cut ${cut}`).toStrictEqual([
        'ü',
        'b',
        'end',
      ]);
    }
  });
});
