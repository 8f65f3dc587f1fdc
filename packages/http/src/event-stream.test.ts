import { describe, expect, it } from 'vitest';
import { EventStreamParser, type ServerSentEvent } from './event-stream.js';
import { eventSourceDecoder } from './feed-decoders.js';
import { changeItem } from './live-changes.js';

const encoder = new TextEncoder();

/** Feeds `bytes` to a fresh parser cut at each of `cuts` (byte offsets), and collects every event. */
function parseInPieces(bytes: Uint8Array, cuts: number[]): ServerSentEvent[] {
  const parser = new EventStreamParser();
  const events: ServerSentEvent[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    events.push(...parser.push(bytes.subarray(from, cut)));
    from = cut;
  }
  return events;
}

// CouchDB's eventsource feed as chttpd writes it: each change an event whose id is the JSON-encoded seq, heartbeats
// as `event: heartbeat` with empty data. A comment and a multi-byte character make the stream harder to cut.
const COUCH_STREAM =
  'data: {"seq":"1-g1AAAA","id":"café","changes":[{"rev":"1-a"}]}\nid: "1-g1AAAA"\n\n' +
  'event: heartbeat\ndata: \n\n' +
  ': a comment line\n' +
  'data: {"seq":"2-g1AAAB","id":"b","changes":[{"rev":"1-b"}],"deleted":true}\nid: "2-g1AAAB"\n\n';

const EXPECTED: ServerSentEvent[] = [
  { event: 'message', data: '{"seq":"1-g1AAAA","id":"café","changes":[{"rev":"1-a"}]}', id: '"1-g1AAAA"' },
  { event: 'heartbeat', data: '', id: '"1-g1AAAA"' },
  { event: 'message', data: '{"seq":"2-g1AAAB","id":"b","changes":[{"rev":"1-b"}],"deleted":true}', id: '"2-g1AAAB"' },
];

describe('EventStreamParser', () => {
  it('parses a whole stream in one chunk', () => {
    expect(parseInPieces(encoder.encode(COUCH_STREAM), [])).toStrictEqual(EXPECTED);
  });

  it('gives the same events whatever single byte boundary the stream is cut at', () => {
    const bytes = encoder.encode(COUCH_STREAM);
    for (let cut = 1; cut < bytes.length; cut += 1) {
      expect(parseInPieces(bytes, [cut]), `cut at byte ${cut}`).toStrictEqual(EXPECTED);
    }
  });

  it('gives the same events when every byte arrives alone (mid-character included)', () => {
    const bytes = encoder.encode(COUCH_STREAM);
    const cuts = Array.from({ length: bytes.length - 1 }, (_, i) => i + 1);
    expect(parseInPieces(bytes, cuts)).toStrictEqual(EXPECTED);
  });

  it('accepts CRLF and lone CR line ends, also with CR and LF in different chunks', () => {
    const crlf = encoder.encode('data: one\r\nid: 1\r\n\r\ndata: two\rid: 2\r\r');
    const expected = [
      { event: 'message', data: 'one', id: '1' },
      { event: 'message', data: 'two', id: '2' },
    ];
    expect(parseInPieces(crlf, [])).toStrictEqual(expected);
    for (let cut = 1; cut < crlf.length; cut += 1) {
      expect(parseInPieces(crlf, [cut]), `cut at byte ${cut}`).toStrictEqual(expected);
    }
  });

  it('joins several data lines with newlines, drops one leading space only, ignores retry and unknown fields', () => {
    const events = parseInPieces(encoder.encode('data:a\ndata:  b\nretry: 10\nfoo: bar\ndata\n\n'), []);
    expect(events).toStrictEqual([{ event: 'message', data: 'a\n b\n', id: undefined }]);
  });

  it('does not dispatch an event before its blank line, nor one without data', () => {
    const parser = new EventStreamParser();
    expect(parser.push(encoder.encode('id: 7\nevent: x\n\n'))).toStrictEqual([]);
    expect(parser.push(encoder.encode('data: half'))).toStrictEqual([]);
    expect(parser.push(encoder.encode('\n'))).toStrictEqual([]);
    expect(parser.push(encoder.encode('\n'))).toStrictEqual([{ event: 'message', data: 'half', id: '7' }]);
  });
});

describe('eventSourceDecoder over _changes', () => {
  it('yields the change rows with their seqs, skipping heartbeats and comments, at every cut', () => {
    const bytes = encoder.encode(COUCH_STREAM);
    for (let cut = 0; cut <= bytes.length; cut += 1) {
      const decoder = eventSourceDecoder(changeItem);
      const items = [...decoder.push(bytes.subarray(0, cut)), ...decoder.push(bytes.subarray(cut))];
      expect(items.map((item) => (item.kind === 'row' ? [item.row.id, item.seq] : item.kind))).toStrictEqual([
        ['café', '1-g1AAAA'],
        ['b', '2-g1AAAB'],
      ]);
    }
  });

  it('throws on an event whose data is not a change, so that the feed does not trust it', () => {
    const decoder = eventSourceDecoder(changeItem);
    expect(() => decoder.push(encoder.encode('data: {"seq":"1-x","id":\n\n'))).toThrow(SyntaxError);
    expect(() => eventSourceDecoder(changeItem).push(encoder.encode('data: [1]\n\n'))).toThrow(SyntaxError);
  });

  it('reports an error event as an error item', () => {
    const items = eventSourceDecoder(changeItem).push(encoder.encode('data: {"error":"not_found","reason":"missing"}\n\n'));
    expect(items).toStrictEqual([{ kind: 'error', error: 'not_found', reason: 'missing' }]);
  });
});
