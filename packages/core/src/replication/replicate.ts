import { Observable } from 'rxjs';
import { BadRequestError } from '../errors/bad-request-error.js';
import { createTarget, databaseOf } from './endpoints.js';
import { feedFilter } from './feed-filter.js';
import { fetchFilterCode } from './filter-code.js';
import { replicationId } from './replication-id.js';
import { asSetteeError, retryDelay, retryPolicy } from './retry-policy.js';
import { SessionAborted, assertExists, runSession } from './session.js';
import { emptyStats } from './stats.js';
import type { ReplicationEndpoint, ReplicationEvent, ReplicationOptions } from './types.js';

const DEFAULT_BATCH_SIZE = 500;
const DEFAULT_BATCHES_LIMIT = 4;

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new BadRequestError(`\`${name}\` must be a positive integer`);
  return value;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

/**
 * Replicates `source` into `target` with CouchDB's replication protocol, through the adapter contract only, so
 * every pair of backends works (engine, HTTP, in either direction). Nothing happens until subscription;
 * unsubscribing cancels (no event follows, the last checkpoint stays).
 *
 * Events: `active`, `progress` after every written batch, `checkpoint`, `paused` (continuous: caught up; or
 * waiting to retry), `error` (with `retrying`), and `complete` with CouchDB's answer (one-shot only), after which
 * the Observable completes. A failure that is not retried is emitted as an `error` event, then errors the
 * Observable with the same `SetteeError`.
 *
 * ```ts
 * const result = await untilComplete(replicate(engine.db('playlists'), remote.db('backup')));
 * ```
 */
export function replicate(
  source: ReplicationEndpoint,
  target: ReplicationEndpoint,
  options: ReplicationOptions = {},
): Observable<ReplicationEvent> {
  return new Observable<ReplicationEvent>((subscriber) => {
    const controller = new AbortController();
    const { signal } = controller;
    const emit = (event: ReplicationEvent): void => {
      if (!signal.aborted) subscriber.next(event);
    };

    /** Failed sessions in a row (reset by progress). */
    let failures = 1;
    const run = async (): Promise<void> => {
      const filter = feedFilter(options);
      const batchSize = positiveInteger(options.batch_size, DEFAULT_BATCH_SIZE, 'batch_size');
      const batchesLimit = positiveInteger(options.batches_limit, DEFAULT_BATCHES_LIMIT, 'batches_limit');
      const continuous = options.continuous === true;
      const policy = retryPolicy(options.retry, continuous);
      const sourceDb = databaseOf(source);
      const targetDb = databaseOf(target);
      const stats = emptyStats();
      /** Known once the filter's code was read from the source (CouchDB hashes the code, not the name). */
      let id: string | undefined;
      let attempt = 0;
      for (;;) {
        try {
          if (options.create_target === true) await createTarget(target);
          if (id === undefined) {
            if (options.filter !== undefined) await assertExists(sourceDb);
            const code = await fetchFilterCode(sourceDb, options.filter);
            id = replicationId(sourceDb.location, targetDb.location, options, code);
          }
          const result = await runSession({
            source: sourceDb,
            target: targetDb,
            replicationId: id,
            filter,
            style: options.winning_revs_only === true ? 'main_only' : 'all_docs',
            since: options.since,
            continuous,
            batchSize,
            batchesLimit,
            checkpoint: options.checkpoint ?? 'both',
            stats,
            signal,
            emit,
            onProgress: () => {
              attempt = 0;
            },
          });
          emit({ type: 'complete', result });
          return;
        } catch (thrown) {
          if (signal.aborted || thrown instanceof SessionAborted) return;
          const { error, retryable } = asSetteeError(thrown);
          attempt += 1;
          failures = attempt;
          if (!retryable || attempt > policy.maxAttempts) throw error;
          const delayMs = retryDelay(policy, attempt);
          emit({ type: 'error', error, retrying: true, attempt, delayMs });
          emit({ type: 'paused' });
          await sleep(delayMs, signal);
          if (signal.aborted) return;
        }
      }
    };

    run().then(
      () => {
        if (!signal.aborted) subscriber.complete();
      },
      (thrown: unknown) => {
        if (signal.aborted) return;
        const { error } = asSetteeError(thrown);
        emit({ type: 'error', error, retrying: false, attempt: failures });
        subscriber.error(error);
      },
    );
    return () => controller.abort();
  });
}
