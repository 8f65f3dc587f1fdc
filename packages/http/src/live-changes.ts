import { Observable } from 'rxjs';
import { NotFoundError, SetteeError, errorFromCouch, type ChangesRow, type LiveChangesOptions, type Seq } from '@settee/core';
import { jitteredDelay, sleep } from './backoff.js';
import { changesRequest } from './changes-request.js';
import { FeedLineSplitter, parseFeedLine } from './feed-lines.js';
import type { HttpClient } from './http-client.js';
import { InvalidResponseError, NetworkError, RequestTimeoutError } from './http-errors.js';

/** The abort reason `close()` gives live feeds: they complete, where an unsubscribe just stops. */
export const ADAPTER_CLOSED: unique symbol = Symbol('settee.http.adapterClosed');

/** Reconnection settings of a live feed. */
export interface LiveFeedSettings {
  readonly heartbeat: number;
  readonly reconnectDelay: number;
  readonly maxReconnectDelay: number;
}

/** Failures after which the feed reconnects; anything else (404, 400, 401...) ends it with the error. */
function isTransient(error: unknown): boolean {
  if (error instanceof NetworkError || error instanceof InvalidResponseError || error instanceof RequestTimeoutError) return true;
  if (error instanceof SetteeError) return error.status === 429 || error.status >= 500;
  // A body stream that breaks reports a TypeError (fetch) or a SyntaxError (a line cut short by a proxy).
  return error instanceof TypeError || error instanceof SyntaxError;
}

/**
 * The live changes feed over CouchDB's `feed=continuous`: lines are parsed as they arrive (heartbeats skipped,
 * partial lines buffered); when the connection ends or breaks, it reconnects with jittered exponential backoff
 * from the last seq it emitted, so no change is lost or repeated. `since: 'now'` is first resolved to a concrete
 * seq, so that a reconnection before the first change still misses nothing. Unsubscribing aborts the request.
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
    const { heartbeat, ...feedOptions } = options;

    const run = async (): Promise<void> => {
      let since: Seq | 'now' = options.since ?? 0;
      if (since === 'now') {
        const head = await client.json<{ last_seq: Seq }>({ ...changesRequest(dbPath, { ...feedOptions, since: 'now', limit: 0 }), signal });
        since = head.last_seq;
      }
      let failures = 0;
      let connectedOnce = false;
      while (!signal.aborted) {
        try {
          const response = await client.stream({
            ...changesRequest(dbPath, { ...feedOptions, feed: 'continuous', since, heartbeat: heartbeat ?? settings.heartbeat }),
            signal,
          });
          connectedOnce = true;
          const reader = response.body?.getReader();
          if (reader === undefined) throw new InvalidResponseError('continuous feed answered without a body', response.status);
          const splitter = new FeedLineSplitter();
          const handle = (line: string): void => {
            const parsed = parseFeedLine(line);
            if (parsed.kind === 'change') {
              since = parsed.row.seq;
              failures = 0;
              subscriber.next(parsed.row as unknown as ChangesRow);
            } else if (parsed.kind === 'end') {
              since = parsed.lastSeq;
            } else {
              throw errorFromCouch({ error: parsed.error, reason: parsed.reason });
            }
          };
          try {
            for (;;) {
              const { done, value } = await reader.read();
              if (done) break;
              for (const line of splitter.push(value)) {
                if (signal.aborted) return;
                handle(line);
              }
            }
            // A line cut off by the end of the stream is not trusted: the feed resumes before it. An end that
            // brought nothing counts as a failure, so a server that keeps closing at once is not hammered.
            failures += 1;
          } finally {
            reader.cancel().catch(() => undefined);
          }
        } catch (error) {
          if (signal.aborted) return;
          // A database deleted under a running feed ends it, as the engine's feed completes.
          if (error instanceof NotFoundError && connectedOnce) return;
          if (!isTransient(error)) throw error;
          failures += 1;
        }
        if (signal.aborted) return;
        // After a change arrived the feed reconnects almost at once; repeated empty ends and failures back off.
        {
          await sleep(jitteredDelay(Math.max(0, failures - 1), settings.reconnectDelay, settings.maxReconnectDelay), signal).catch(
            () => undefined,
          );
        }
      }
    };

    // Unsubscribing aborts silently; the adapter's close() aborts with ADAPTER_CLOSED and completes the feed.
    const closedByAdapter = (): boolean => signal.aborted && signal.reason === ADAPTER_CLOSED;
    run().then(
      () => {
        if (!signal.aborted || closedByAdapter()) subscriber.complete();
      },
      (error: unknown) => {
        if (!signal.aborted) subscriber.error(error);
        else if (closedByAdapter()) subscriber.complete();
      },
    );
    return () => {
      controller.abort();
      unregister();
    };
  });
}
