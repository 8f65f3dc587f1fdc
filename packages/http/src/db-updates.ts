// `_db_updates`: the server-wide feed of databases created, updated and deleted (CouchDB's global_changes).
import type { Observable } from 'rxjs';
import type { DbUpdate, LiveDbUpdatesOptions, Seq } from '@settee/core';
import { feedDecoder, type FeedFormat, type FeedItem } from './feed-decoders.js';
import type { HttpClient } from './http-client.js';
import { liveFeed, type FeedSource, type LiveFeedSettings } from './live-feed.js';

/** A `_db_updates` line or event: an update, the closing `last_seq`, or an error; anything else throws. */
export function dbUpdateItem(json: string): FeedItem<DbUpdate> {
  const value: unknown = JSON.parse(json);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SyntaxError(`_db_updates message is not a JSON object: ${json.slice(0, 80)}`);
  }
  const record = value as Record<string, unknown>;
  if (typeof record['error'] === 'string') {
    return { kind: 'error', error: record['error'], reason: String(record['reason'] ?? record['error']) };
  }
  const seq = record['seq'];
  const hasSeq = typeof seq === 'string' || typeof seq === 'number';
  if (typeof record['db_name'] === 'string' && typeof record['type'] === 'string' && hasSeq) {
    return { kind: 'row', row: record as unknown as DbUpdate, seq };
  }
  const lastSeq = record['last_seq'];
  if (typeof lastSeq === 'string' || typeof lastSeq === 'number') return { kind: 'end', lastSeq };
  throw new SyntaxError(`_db_updates message is not an update: ${json.slice(0, 80)}`);
}

function dbUpdatesSource(client: HttpClient, format: FeedFormat): FeedSource<DbUpdate> {
  return {
    what: `${format} _db_updates feed`,
    format,
    request: (since, heartbeat) => ({
      method: 'GET',
      path: '_db_updates',
      query: { feed: format, since, heartbeat },
      idempotent: true,
      timeout: false,
    }),
    decoder: () => feedDecoder(format, dbUpdateItem),
    currentSeq: async (signal) => {
      // A normal request from `now` answers at once with the current end and no results.
      const head = await client.json<{ last_seq: Seq }>({ method: 'GET', path: '_db_updates', query: { since: 'now' }, signal });
      return head.last_seq;
    },
  };
}

/**
 * `_db_updates` as a live Observable over `feed=continuous` (or `eventsource`), with the changes feed's reconnection:
 * backoff, and resumption from the last seq emitted, so no update is lost or repeated.
 */
export function liveDbUpdatesFeed(
  client: HttpClient,
  options: LiveDbUpdatesOptions,
  settings: LiveFeedSettings,
  register: (controller: AbortController) => () => void,
): Observable<DbUpdate> {
  const format = options.feed ?? settings.format ?? 'continuous';
  const heartbeat = options.heartbeat ?? settings.heartbeat;
  return liveFeed(client, dbUpdatesSource(client, format), options.since ?? 0, heartbeat, settings, register);
}
