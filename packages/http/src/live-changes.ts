import type { Observable } from 'rxjs';
import type { ChangesOptions, ChangesRow, LiveChangesOptions, Seq } from '@settee/core';
import { changesRequest } from './changes-request.js';
import { feedDecoder, type FeedFormat, type FeedItem } from './feed-decoders.js';
import { parseFeedLine } from './feed-lines.js';
import type { HttpClient } from './http-client.js';
import { liveFeed, oneShotFeed, type FeedSource, type LiveFeedSettings } from './live-feed.js';

export { ADAPTER_CLOSED, type LiveFeedSettings } from './live-feed.js';

/** Options of the HTTP adapter's live changes feed: the contract's, plus the wire format. */
export interface HttpLiveChangesOptions extends LiveChangesOptions {
  /** `continuous` (JSON lines) or `eventsource` (`text/event-stream`). Default: the adapter's `feed.format`. */
  feed?: FeedFormat;
}

/** Options of a one-shot streamed `_changes` request: the feed's parameters, with a streamed format. */
export interface ChangesStreamOptions extends Omit<ChangesOptions, 'feed'> {
  /** `continuous` (JSON lines) or `eventsource` (`text/event-stream`). */
  feed: FeedFormat;
  /** Milliseconds between heartbeats; without it the stream is not watched for silence. */
  heartbeat?: number;
}

/** A `_changes` line or event: a change row, the closing `last_seq`, or an error. */
export function changeItem(json: string): FeedItem<ChangesRow> {
  const parsed = parseFeedLine(json);
  if (parsed.kind === 'change') return { kind: 'row', row: parsed.row as unknown as ChangesRow, seq: parsed.row.seq };
  if (parsed.kind === 'end') return { kind: 'end', lastSeq: parsed.lastSeq };
  return parsed;
}

type FeedParameters = Omit<ChangesOptions, 'feed' | 'since'>;

function changesSource(client: HttpClient, dbPath: string, format: FeedFormat, options: FeedParameters): FeedSource<ChangesRow> {
  return {
    what: `${format} _changes feed of ${dbPath}`,
    format,
    request: (since, heartbeat) => changesRequest(dbPath, { ...options, feed: format, since, heartbeat }),
    decoder: () => feedDecoder(format, changeItem),
    currentSeq: async (signal) => {
      const head = await client.json<{ last_seq: Seq }>({
        ...changesRequest(dbPath, { ...options, since: 'now', limit: 0 }),
        signal,
      });
      return head.last_seq;
    },
  };
}

/**
 * The live changes feed over CouchDB's `feed=continuous` (or `eventsource`): rows are parsed as they arrive
 * (heartbeats skipped, partial messages buffered); when the connection ends, breaks or goes silent for three
 * heartbeats, it reconnects with jittered exponential backoff from the last seq it emitted, so no change is lost or
 * repeated (see live-feed.ts). Unsubscribing aborts the request.
 */
export function liveChangesFeed(
  client: HttpClient,
  dbPath: string,
  options: HttpLiveChangesOptions,
  settings: LiveFeedSettings,
  register: (controller: AbortController) => () => void,
): Observable<ChangesRow> {
  const { heartbeat = settings.heartbeat, since = 0, feed = settings.format ?? 'continuous', ...parameters } = options;
  return liveFeed(client, changesSource(client, dbPath, feed, parameters), since, heartbeat, settings, register);
}

/** One streamed `_changes` request as an Observable that completes when the server ends the answer. */
export function changesStream(
  client: HttpClient,
  dbPath: string,
  options: ChangesStreamOptions,
  register: (controller: AbortController) => () => void,
): Observable<ChangesRow> {
  const { heartbeat, since = 0, feed, ...parameters } = options;
  return oneShotFeed(client, changesSource(client, dbPath, feed, parameters), since, heartbeat ?? false, register);
}
