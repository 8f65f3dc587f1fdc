import { defer, retry, tap, throwError, timer, type Observable } from 'rxjs';
import type { ChangesRow, Seq } from '../adapter/index.js';
import { SetteeError } from '../errors/index.js';
import { backoffDelay } from './backoff.js';

/** How a live feed recovers from faults. */
export interface ResumeOptions {
  /** How many consecutive faults to recover from before the stream errors (default 5). */
  readonly retries?: number;
}

/**
 * A live changes feed that survives transient faults (network errors, 5xx): it re-opens from the last sequence
 * it emitted, after a jittered delay, so no change is lost or repeated. Client errors (4xx, validation) are not
 * transient and end the stream. Holds one sequence, never a buffer.
 */
export function resumableFeed(open: (since: Seq | 'now') => Observable<ChangesRow>, since: Seq | 'now', options: ResumeOptions = {}): Observable<ChangesRow> {
  let resumeFrom = since;
  return defer(() => open(resumeFrom)).pipe(
    tap((row) => {
      resumeFrom = row.seq;
    }),
    retry({
      count: options.retries ?? 5,
      resetOnSuccess: true,
      delay: (error: unknown, attempt) => (isTransient(error) ? timer(backoffDelay(attempt, { baseMs: 100, maxMs: 5_000 })) : throwError(() => error)),
    }),
  );
}

function isTransient(error: unknown): boolean {
  return !(error instanceof SetteeError) || error.status >= 500;
}
