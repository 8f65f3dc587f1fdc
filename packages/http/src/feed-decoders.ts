import type { Seq } from '@settee/core';
import { EventStreamParser } from './event-stream.js';
import { FeedLineSplitter } from './feed-lines.js';

/** What one message of a streamed feed says. */
export type FeedItem<Row> =
  /** `seq` is null on the rows CouchDB leaves without one (`seq_interval`). */
  | { readonly kind: 'row'; readonly row: Row; readonly seq: Seq | null }
  | { readonly kind: 'end'; readonly lastSeq: Seq }
  | { readonly kind: 'error'; readonly error: string; readonly reason: string };

/** Turns one JSON message of a feed (a line, or an event's data) into a `FeedItem`; throws on garbage. */
export type FeedClassifier<Row> = (json: string) => FeedItem<Row>;

/** Decodes a streamed feed body chunk by chunk; one per connection, since it buffers partial messages. */
export interface FeedDecoder<Row> {
  push(chunk: Uint8Array): FeedItem<Row>[];
}

/** The wire formats of a streamed feed. */
export type FeedFormat = 'continuous' | 'eventsource';

/** `feed=continuous`: one JSON object per line, blank lines are heartbeats. */
export function continuousDecoder<Row>(classify: FeedClassifier<Row>): FeedDecoder<Row> {
  const splitter = new FeedLineSplitter();
  return { push: (chunk) => splitter.push(chunk).map(classify) };
}

/**
 * `feed=eventsource`: each change is an event whose data is the row and whose id is its seq. CouchDB's heartbeats
 * are `event: heartbeat` with empty data; they and comments carry nothing and are skipped.
 */
export function eventSourceDecoder<Row>(classify: FeedClassifier<Row>): FeedDecoder<Row> {
  const parser = new EventStreamParser();
  return {
    push: (chunk) => {
      const items: FeedItem<Row>[] = [];
      for (const event of parser.push(chunk)) {
        if (event.event === 'heartbeat' || event.data.trim() === '') continue;
        items.push(classify(event.data));
      }
      return items;
    },
  };
}

/** The decoder of a format. */
export function feedDecoder<Row>(format: FeedFormat, classify: FeedClassifier<Row>): FeedDecoder<Row> {
  return format === 'eventsource' ? eventSourceDecoder(classify) : continuousDecoder(classify);
}
