import { Observable } from 'rxjs';
import type { ChangesOptions, ChangesRow, LiveChangesOptions } from '@settee/core';
import type { CommitSignal } from './commit-signal.js';
import type { DbContext } from './db-context.js';
import { buildChangesFilter, type ChangesFilter } from './changes-filter.js';
import { checkChangesOptions, parseSince, scanChanges } from './changes.js';

const PAGE = 256;

/**
 * The live changes feed. It reads the seq index from the last seq it emitted, one page per macrotask, whenever a
 * commit is signalled; since every read starts after the last seq seen and the index holds each document once,
 * a change is emitted exactly once and in seq order, however commits and reads interleave. Options are checked
 * at subscription; the feed completes when the database is closed or deleted.
 */
export function liveChanges(
  context: () => DbContext,
  signal: CommitSignal,
  options: LiveChangesOptions,
): Observable<ChangesRow> {
  return new Observable<ChangesRow>((subscriber) => {
    const base: ChangesOptions = { ...options, limit: PAGE };
    let since: number;
    let filter: ChangesFilter | undefined;
    try {
      checkChangesOptions(base);
      const ctx = context();
      filter = buildChangesFilter(base, ctx);
      since = parseSince(options.since, ctx.meta);
    } catch (error) {
      subscriber.error(error);
      return undefined;
    }
    let scheduled = false;
    let closed = false;

    const pump = (): void => {
      scheduled = false;
      if (closed) return;
      try {
        const ctx = context();
        const scan = scanChanges(ctx.storage, ctx.meta, { ...base, since }, filter);
        since = scan.lastScanned;
        for (const row of scan.results) {
          if (closed) return;
          subscriber.next(row);
        }
        if (!scan.exhausted) schedule();
      } catch (error) {
        subscriber.error(error);
      }
    };
    const schedule = (): void => {
      if (scheduled || closed) return;
      scheduled = true;
      setImmediate(pump);
    };

    const stop = signal.subscribe(schedule, () => {
      closed = true;
      subscriber.complete();
    });
    schedule();
    return () => {
      closed = true;
      stop();
    };
  });
}
