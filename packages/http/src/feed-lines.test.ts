import { describe, expect, it } from 'vitest';
import { FeedLineSplitter, parseFeedLine } from './feed-lines.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('FeedLineSplitter', () => {
  it('buffers a line split across chunks and skips heartbeat blank lines', () => {
    const splitter = new FeedLineSplitter();
    expect(splitter.push(bytes('{"seq":1,"id":"a"}\n{"seq":2,'))).toStrictEqual(['{"seq":1,"id":"a"}']);
    expect(splitter.push(bytes('"id":"b"}\n'))).toStrictEqual(['{"seq":2,"id":"b"}']);
    expect(splitter.push(bytes('\n'))).toStrictEqual([]);
    expect(splitter.push(bytes('\n{"seq":3,"id":"c"}\n\n'))).toStrictEqual(['{"seq":3,"id":"c"}']);
    expect(splitter.flush()).toStrictEqual([]);
  });

  it('reassembles a multi-byte character cut between chunks', () => {
    const splitter = new FeedLineSplitter();
    const all = bytes('{"id":"中"}\n');
    expect(splitter.push(all.slice(0, 8))).toStrictEqual([]);
    expect(splitter.push(all.slice(8))).toStrictEqual(['{"id":"中"}']);
  });

  it('hands back an unterminated last line only on flush', () => {
    const splitter = new FeedLineSplitter();
    expect(splitter.push(bytes('{"last_seq":"5-x"}'))).toStrictEqual([]);
    expect(splitter.flush()).toStrictEqual(['{"last_seq":"5-x"}']);
  });

  it('accepts CRLF line ends', () => {
    expect(new FeedLineSplitter().push(bytes('{"a":1}\r\n\r\n'))).toStrictEqual(['{"a":1}']);
  });
});

describe('parseFeedLine', () => {
  it('tells changes, the closing last_seq line and error lines apart', () => {
    expect(parseFeedLine('{"seq":"1-a","id":"d","changes":[{"rev":"1-x"}]}')).toStrictEqual({
      kind: 'change',
      row: { seq: '1-a', id: 'd', changes: [{ rev: '1-x' }] },
    });
    expect(parseFeedLine('{"last_seq":"9-z","pending":0}')).toStrictEqual({ kind: 'end', lastSeq: '9-z' });
    expect(parseFeedLine('{"error":"not_found","reason":"Database does not exist."}')).toStrictEqual({
      kind: 'error',
      error: 'not_found',
      reason: 'Database does not exist.',
    });
  });

  it('throws on a truncated or foreign line', () => {
    expect(() => parseFeedLine('{"seq":1,"id":"a"')).toThrow(SyntaxError);
    expect(() => parseFeedLine('[1,2]')).toThrow(SyntaxError);
    expect(() => parseFeedLine('{"hello":1}')).toThrow(SyntaxError);
  });
});
