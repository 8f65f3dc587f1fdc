import type { Observable } from 'rxjs';
import { InternalServerError } from '../errors/internal-server-error.js';
import type { ReplicationEvent, ReplicationResult, SyncEvent, SyncResult } from './types.js';

/** What `untilComplete` resolves with: both results for a sync's events, CouchDB's answer for a replication's. */
export type CompletionOf<E extends ReplicationEvent | SyncEvent> = [E] extends [SyncEvent] ? SyncResult : ReplicationResult;

/**
 * Runs a one-shot replication or sync to its end: resolves with CouchDB's answer (both answers for a sync), or
 * rejects with the `SetteeError` that stopped it. A continuous replication never completes by itself.
 */
export function untilComplete<E extends ReplicationEvent | SyncEvent>(events: Observable<E>): Promise<CompletionOf<E>> {
  return new Promise<ReplicationResult | SyncResult>((resolve, reject) => {
    const results: { single?: ReplicationResult; push?: ReplicationResult; pull?: ReplicationResult } = {};
    events.subscribe({
      next(event) {
        if (event.type !== 'complete') return;
        if ('direction' in event) results[event.direction] = event.result;
        else results.single = event.result;
      },
      error: reject,
      complete() {
        if (results.push !== undefined && results.pull !== undefined) resolve({ push: results.push, pull: results.pull });
        else if (results.single !== undefined) resolve(results.single);
        else reject(new InternalServerError('The replication ended without a result', { error: 'replication_failed' }));
      },
    });
  }) as Promise<CompletionOf<E>>;
}
