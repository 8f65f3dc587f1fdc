// The machinery every streamed feed shares (`_changes`, `_db_updates`; continuous or eventsource): one connection
// read message by message, and a live Observable that reconnects from the last seq it emitted.
import { Observable, type Subscriber } from 'rxjs';
import { NotFoundError, SetteeError, errorFromCouch, type Seq } from '@settee/core';
import { jitteredDelay, sleep } from './backoff.js';
import type { FeedDecoder, FeedFormat } from './feed-decoders.js';
import type { HttpClient, RequestSpec } from './http-client.js';
import { InvalidResponseError, NetworkError, RequestTimeoutError, UnsupportedFeedError } from './http-errors.js';

/** The abort reason `close()` gives live feeds: they complete, where an unsubscribe just stops. */
export const ADAPTER_CLOSED: unique symbol = Symbol('settee.http.adapterClosed');

/** Reconnection settings of a live feed. */
export interface LiveFeedSettings {
  /** Milliseconds between the server's heartbeats; a connection silent for three of them is dropped. */
  readonly heartbeat: number;
  readonly reconnectDelay: number;
  readonly maxReconnectDelay: number;
  /** The wire format live feeds use unless a call names one. Default `continuous`. */
  readonly format?: FeedFormat;
}

/** One streamed feed endpoint, as the shared machinery needs it. */
export interface FeedSource<Row> {
  /** Named in errors, e.g. `continuous _changes of db`. */
  readonly what: string;
  readonly format: FeedFormat;
  /** The streamed request for changes after `since`, with heartbeats every `heartbeat` ms (if given). */
  request(since: Seq | 'now', heartbeat: number | undefined): RequestSpec;
  /** A fresh decoder for one connection. */
  decoder(): FeedDecoder<Row>;
  /** The current end of the feed as a concrete seq (what `since: 'now'` means right now). */
  currentSeq(signal: AbortSignal): Promise<Seq>;
}

/** How one connection ended: the server closed it (with how many rows it brought), or the feed was stopped. */
export type ConnectionEnd = { readonly rows: number; readonly since: Seq | 'now' } | { readonly stop: true };

/** Failures after which a live feed reconnects; anything else (404, 400, 401...) ends it with the error. */
export function isTransientFeedError(error: unknown): boolean {
  if (error instanceof UnsupportedFeedError) return false;
  if (error instanceof NetworkError || error instanceof InvalidResponseError || error instanceof RequestTimeoutError) {
    return true;
  }
  if (error instanceof SetteeError) return error.status === 429 || error.status >= 500;
  // A body stream that breaks reports a TypeError (fetch) or a SyntaxError (a message cut short by a proxy).
  return error instanceof TypeError || error instanceof SyntaxError;
}

/**
 * Opens one streamed request from `since` and reads it to its end, handing each row to `emit` after moving the
 * seq past it. A connection silent for three heartbeats is dropped with a NetworkError (pass `heartbeat: false` to
 * wait forever). A message cut off by the end of the stream is not trusted: the caller resumes before it. Failures
 * are thrown as `FeedInterrupted`, which says where the feed stands.
 */
export async function readConnection<Row>(
  client: HttpClient,
  source: FeedSource<Row>,
  since: Seq | 'now',
  heartbeat: number | false,
  signal: AbortSignal,
  emit: (row: Row) => void,
): Promise<ConnectionEnd> {
  const connection = new AbortController();
  const follow = (): void => connection.abort(signal.reason);
  signal.addEventListener('abort', follow, { once: true });
  let silent: ReturnType<typeof setTimeout> | undefined;
  let stalled = false;
  const watch = (): void => {
    if (heartbeat === false) return;
    clearTimeout(silent);
    silent = setTimeout(() => {
      stalled = true;
      connection.abort(new NetworkError(`${source.what} silent for ${3 * heartbeat} ms`));
    }, 3 * heartbeat);
  };
  let rows = 0;
  let at = since;
  try {
    watch();
    const response = await client.stream({
      ...source.request(since, heartbeat === false ? undefined : heartbeat),
      signal: connection.signal,
    });
    const reader = response.body?.getReader();
    if (reader === undefined) throw new InvalidResponseError(`${source.what} answered without a body`, response.status);
    const type = response.headers.get('content-type') ?? '';
    if (source.format === 'eventsource' && !type.includes('text/event-stream')) {
      reader.cancel().catch(() => undefined);
      throw new UnsupportedFeedError(`${source.what}: the server answered ${type || 'no content type'}, not text/event-stream`);
    }
    const decoder = source.decoder();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return { rows, since: at };
        watch();
        for (const item of decoder.push(value)) {
          if (signal.aborted) return { stop: true };
          if (item.kind === 'row') {
            // With `seq_interval` CouchDB sends `seq: null` on most rows: resuming goes back to the last real seq
            // (some rows come again, as they do for CouchDB's replicator), never to `since=null`.
            if (item.seq !== null) at = item.seq;
            rows += 1;
            emit(item.row);
          } else if (item.kind === 'end') {
            at = item.lastSeq;
          } else {
            throw errorFromCouch({ error: item.error, reason: item.reason });
          }
        }
      }
    } finally {
      reader.cancel().catch(() => undefined);
    }
  } catch (error) {
    if (signal.aborted) return { stop: true };
    const failure = stalled ? new NetworkError(`${source.what} went silent`, { cause: error }) : error;
    // Rows already emitted stay emitted: the failure carries where to resume.
    throw new FeedInterrupted(at, rows, failure);
  } finally {
    clearTimeout(silent);
    signal.removeEventListener('abort', follow);
  }
}

/** A connection that failed (possibly after it delivered rows): where the feed stands, and what broke it. */
export class FeedInterrupted extends Error {
  constructor(
    readonly since: Seq | 'now',
    readonly rows: number,
    readonly error: unknown,
  ) {
    super('feed interrupted', { cause: error });
  }
}

/**
 * A live feed: connection after connection, each resuming from the last seq emitted, with jittered exponential
 * backoff between them, so that no row is lost or repeated. `since: 'now'` is first resolved to a concrete seq, so
 * that a reconnection before the first row still misses nothing. Unsubscribing aborts the request; the adapter's
 * `close()` (through `register`) completes the feed.
 */
export function liveFeed<Row>(
  client: HttpClient,
  source: FeedSource<Row>,
  start: Seq | 'now',
  heartbeat: number,
  settings: LiveFeedSettings,
  register: (controller: AbortController) => () => void,
): Observable<Row> {
  return new Observable<Row>((subscriber) => {
    const controller = new AbortController();
    const unregister = register(controller);
    const { signal } = controller;

    const run = async (): Promise<void> => {
      let since = start === 'now' ? await source.currentSeq(signal) : start;
      let failures = 0;
      let connectedOnce = false;
      while (!signal.aborted) {
        try {
          const end = await readConnection(client, source, since, heartbeat, signal, (row) => subscriber.next(row));
          if ('stop' in end) return;
          since = end.since;
          connectedOnce = true;
          // An end that brought nothing counts as a failure, so that a server closing at once is not hammered.
          failures = end.rows > 0 ? 1 : failures + 1;
        } catch (caught) {
          if (signal.aborted) return;
          let error = caught;
          if (caught instanceof FeedInterrupted) {
            since = caught.since;
            error = caught.error;
            if (caught.rows > 0) {
              connectedOnce = true;
              failures = 0;
            }
          }
          // A database deleted under a running feed ends it, as the engine's feed completes.
          if (error instanceof NotFoundError && connectedOnce) return;
          if (!isTransientFeedError(error)) throw error;
          failures += 1;
        }
        const delay = jitteredDelay(failures - 1, settings.reconnectDelay, settings.maxReconnectDelay);
        await sleep(delay, signal).catch(() => undefined);
      }
    };

    settle(run(), signal, subscriber);
    return () => {
      controller.abort();
      unregister();
    };
  });
}

/**
 * One connection of a feed as an Observable: rows as they arrive, complete when the server ends the answer (its
 * `timeout` or `limit`), an error if it breaks. No reconnection; unsubscribing aborts the request.
 */
export function oneShotFeed<Row>(
  client: HttpClient,
  source: FeedSource<Row>,
  since: Seq | 'now',
  heartbeat: number | false,
  register: (controller: AbortController) => () => void,
): Observable<Row> {
  return new Observable<Row>((subscriber) => {
    const controller = new AbortController();
    const unregister = register(controller);
    const run = async (): Promise<void> => {
      try {
        await readConnection(client, source, since, heartbeat, controller.signal, (row) => subscriber.next(row));
      } catch (error) {
        throw error instanceof FeedInterrupted ? error.error : error;
      }
    };
    settle(run(), controller.signal, subscriber);
    return () => {
      controller.abort();
      unregister();
    };
  });
}

/** Unsubscribing ends the feed silently; the adapter's close() (ADAPTER_CLOSED) completes it. */
function settle<Row>(run: Promise<void>, signal: AbortSignal, subscriber: Subscriber<Row>): void {
  const closedByAdapter = (): boolean => signal.aborted && signal.reason === ADAPTER_CLOSED;
  run.then(
    () => {
      if (!signal.aborted || closedByAdapter()) subscriber.complete();
    },
    (error: unknown) => {
      if (!signal.aborted) subscriber.error(error);
      else if (closedByAdapter()) subscriber.complete();
    },
  );
}
