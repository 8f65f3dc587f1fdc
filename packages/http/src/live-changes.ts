import { Observable, type Subscriber } from 'rxjs';
import {
  NotFoundError,
  SetteeError,
  errorFromCouch,
  type ChangesRow,
  type LiveChangesOptions,
  type Seq,
} from '@settee/core';
import { jitteredDelay, sleep } from './backoff.js';
import { changesRequest } from './changes-request.js';
import { FeedLineSplitter, parseFeedLine } from './feed-lines.js';
import type { HttpClient } from './http-client.js';
import { InvalidResponseError, NetworkError, RequestTimeoutError } from './http-errors.js';

/** The abort reason `close()` gives live feeds: they complete, where an unsubscribe just stops. */
export const ADAPTER_CLOSED: unique symbol = Symbol('settee.http.adapterClosed');

/** Reconnection settings of a live feed. */
export interface LiveFeedSettings {
  /** Milliseconds between the server's heartbeats; a connection silent for three of them is dropped. */
  readonly heartbeat: number;
  readonly reconnectDelay: number;
  readonly maxReconnectDelay: number;
}

/** Failures after which the feed reconnects; anything else (404, 400, 401...) ends it with the error. */
function isTransient(error: unknown): boolean {
  if (error instanceof NetworkError || error instanceof InvalidResponseError || error instanceof RequestTimeoutError) {
    return true;
  }
  if (error instanceof SetteeError) return error.status === 429 || error.status >= 500;
  // A body stream that breaks reports a TypeError (fetch) or a SyntaxError (a line cut short by a proxy).
  return error instanceof TypeError || error instanceof SyntaxError;
}

/** What one connection of the feed did. */
type ConnectionEnd = { changes: number } | { stop: true };

/**
 * The live changes feed over CouchDB's `feed=continuous`: lines are parsed as they arrive (heartbeats skipped,
 * partial lines buffered); when the connection ends, breaks or goes silent for three heartbeats, it reconnects with
 * jittered exponential backoff from the last seq it emitted, so no change is lost or repeated. `since: 'now'` is
 * first resolved to a concrete seq, so that a reconnection before the first change still misses nothing.
 * Unsubscribing aborts the request.
 */
export function liveChangesFeed(
  client: HttpClient,
  dbPath: string,
  options: LiveChangesOptions,
  settings: LiveFeedSettings,
  register: (controller: AbortController) => () => void,
): Observable<ChangesRow> {
  return new Observable<ChangesRow>((subscriber) => {
    const controller = new AbortController();
    const unregister = register(controller);
    const { signal } = controller;
    const { heartbeat = settings.heartbeat, ...feedOptions } = options;
    let since: Seq | 'now' = options.since ?? 0;

    /** One continuous request, read to its end; every change moves `since` before it is emitted. */
    const connect = async (): Promise<ConnectionEnd> => {
      const connection = new AbortController();
      const follow = (): void => connection.abort(signal.reason);
      signal.addEventListener('abort', follow, { once: true });
      let silent: ReturnType<typeof setTimeout> | undefined;
      let stalled = false;
      const watch = (): void => {
        clearTimeout(silent);
        silent = setTimeout(() => {
          stalled = true;
          connection.abort(new NetworkError(`continuous feed of ${dbPath} silent for ${3 * heartbeat} ms`));
        }, 3 * heartbeat);
      };
      let changes = 0;
      try {
        watch();
        const response = await client.stream({
          ...changesRequest(dbPath, { ...feedOptions, feed: 'continuous', since, heartbeat }),
          signal: connection.signal,
        });
        const reader = response.body?.getReader();
        if (reader === undefined) throw new InvalidResponseError('continuous feed answered without a body', response.status);
        const splitter = new FeedLineSplitter();
        try {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            watch();
            for (const line of splitter.push(value)) {
              if (signal.aborted) return { stop: true };
              const parsed = parseFeedLine(line);
              if (parsed.kind === 'change') {
                since = parsed.row.seq;
                changes += 1;
                subscriber.next(parsed.row as unknown as ChangesRow);
              } else if (parsed.kind === 'end') {
                since = parsed.lastSeq;
              } else {
                throw errorFromCouch({ error: parsed.error, reason: parsed.reason });
              }
            }
          }
          // A line cut off by the end of the stream is not trusted: the feed resumes before it.
          return { changes };
        } finally {
          reader.cancel().catch(() => undefined);
        }
      } catch (error) {
        if (signal.aborted) return { stop: true };
        if (stalled) throw new NetworkError(`continuous feed of ${dbPath} went silent`, { cause: error });
        throw error;
      } finally {
        clearTimeout(silent);
        signal.removeEventListener('abort', follow);
      }
    };

    const run = async (): Promise<void> => {
      if (since === 'now') {
        const head = await client.json<{ last_seq: Seq }>({
          ...changesRequest(dbPath, { ...feedOptions, since: 'now', limit: 0 }),
          signal,
        });
        since = head.last_seq;
      }
      let failures = 0;
      let connectedOnce = false;
      while (!signal.aborted) {
        try {
          const end = await connect();
          if ('stop' in end) return;
          connectedOnce = true;
          // An end that brought nothing counts as a failure, so that a server closing at once is not hammered.
          failures = end.changes > 0 ? 1 : failures + 1;
        } catch (error) {
          if (signal.aborted) return;
          // A database deleted under a running feed ends it, as the engine's feed completes.
          if (error instanceof NotFoundError && connectedOnce) return;
          if (!isTransient(error)) throw error;
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

/** Unsubscribing ends the feed silently; the adapter's close() (ADAPTER_CLOSED) completes it. */
function settle(run: Promise<void>, signal: AbortSignal, subscriber: Subscriber<ChangesRow>): void {
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
