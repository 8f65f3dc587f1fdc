import type { Observable } from 'rxjs';
import type { Seq } from './changes.js';

/** Options of one `_db_updates` request (normal or longpoll). */
export interface DbUpdatesOptions {
  /** `normal` (default) answers at once; `longpoll` waits for the first event after `since` or for `timeout`. */
  feed?: 'normal' | 'longpoll';
  /** Start after this seq; `0` (default) is the beginning, `'now'` the current end. */
  since?: Seq | 'now';
  /** With `longpoll`: milliseconds to wait for an event before answering with none (default 60000). */
  timeout?: number;
  /** At most this many events. */
  limit?: number;
  /** Newest first. */
  descending?: boolean;
}

/**
 * One `_db_updates` entry: database `db_name` was created, updated (a write was committed) or deleted, at `seq` of
 * the server-wide feed. Each database appears once per type: a later event of the same type replaces the earlier one.
 */
export interface DbUpdate {
  db_name: string;
  type: 'created' | 'updated' | 'deleted' | string;
  seq: Seq;
}

/** The answer of `_db_updates`: the events after `since`, and the seq to pass as the next `since`. */
export interface DbUpdatesResponse {
  results: DbUpdate[];
  last_seq: Seq;
}

/** Options of the live `_db_updates` Observable. */
export interface LiveDbUpdatesOptions {
  /** Start after this seq; `'now'` is the current end. Default `0`, as CouchDB's. */
  since?: Seq | 'now';
  /** Over HTTP: `continuous` (JSON lines) or `eventsource`. The engine ignores it. */
  feed?: 'continuous' | 'eventsource';
  /** Over HTTP: milliseconds between the server's heartbeats. The engine ignores it. */
  heartbeat?: number;
}

/**
 * The server-wide feed of database events (CouchDB's `/_db_updates`, server admins only over HTTP), which the
 * engine and the HTTP adapter both offer besides `ServerAdapter`.
 */
export interface DbUpdatesAdapter {
  /** One request: the events after `since`; a longpoll waits until there is one or `timeout` passes. */
  dbUpdates(options?: DbUpdatesOptions): Promise<DbUpdatesResponse>;

  /** Every event after `since`, then each new one as it happens, once each and in seq order, until unsubscribed. */
  liveDbUpdates(options?: LiveDbUpdatesOptions): Observable<DbUpdate>;
}
