import { BadRequestError } from '@settee/core';
import { queryParams } from '../http/query.js';
import { DEFAULT_WAIT, feedTimeout } from '../http/stream-feed.js';

/** The `feed` values `_db_updates` accepts. */
export type DbUpdatesFeed = 'normal' | 'longpoll' | 'continuous' | 'eventsource';

/** The query of `GET /_db_updates`, checked. */
export interface DbUpdatesParams {
  feed: DbUpdatesFeed;
  since: string | undefined;
  limit: number | undefined;
  descending: boolean;
  /** Milliseconds between heartbeats; undefined for none. */
  heartbeat: number | undefined;
  /** Milliseconds to wait for an event before ending a feed; undefined with a heartbeat (which keeps it open). */
  timeout: number | undefined;
}

/** `list_to_integer` and `>= 0`, as CouchDB checks `limit`, `heartbeat` and `timeout`. */
function nonNegativeInteger(value: string): number {
  if (!/^[+-]?\d+$/.test(value)) throw new BadRequestError('invalid_integer');
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < 0) throw new BadRequestError('invalid_integer');
  return number;
}

/**
 * The numeric and boolean options, checked before authorisation as CouchDB does (a malformed integer is a 400
 * whoever asks); unknown parameters are ignored. A repeated parameter counts by its last value.
 */
export function parseDbUpdatesQuery(rawQuery: string): Omit<DbUpdatesParams, 'feed'> & { feed: string } {
  const query = queryParams(rawQuery);
  const last = (name: string): string | undefined => query.getAll(name).at(-1);
  const limitText = last('limit');
  const timeoutText = last('timeout');
  const heartbeatText = last('heartbeat');
  const limit = limitText === undefined ? undefined : nonNegativeInteger(limitText);
  const timeout = timeoutText === undefined ? undefined : nonNegativeInteger(timeoutText);
  let heartbeat: number | undefined;
  if (heartbeatText === 'true') heartbeat = DEFAULT_WAIT;
  else if (heartbeatText !== undefined && heartbeatText !== 'false') heartbeat = nonNegativeInteger(heartbeatText);
  return {
    // CouchDB reads `feed` by its first value.
    feed: query.get('feed') ?? 'normal',
    since: last('since'),
    limit,
    descending: last('descending') === 'true',
    heartbeat,
    timeout: feedTimeout(heartbeat, timeout),
  };
}

/** The feed type, or CouchDB's 400 for another. */
export function checkFeed(feed: string): DbUpdatesFeed {
  if (feed === 'normal' || feed === 'longpoll' || feed === 'continuous' || feed === 'eventsource') return feed;
  throw new BadRequestError('Supported `feed` types: normal, continuous, longpoll, eventsource');
}
