import { map, merge, type Observable } from 'rxjs';
import { replicate } from './replicate.js';
import type { ReplicationEndpoint, ReplicationOptions, SyncEvent } from './types.js';

/**
 * Two-way replication: `local` → `remote` (push) and `remote` → `local` (pull) at the same time, each with its own
 * replication id and checkpoints. Events are tagged with their `direction`; a one-shot sync completes when both
 * directions have, and a failure of either cancels the other. `create_target` applies to the push's target only.
 */
export function sync(local: ReplicationEndpoint, remote: ReplicationEndpoint, options: ReplicationOptions = {}): Observable<SyncEvent> {
  const { create_target: createRemote, ...both } = options;
  const push = replicate(local, remote, { ...both, ...(createRemote === undefined ? {} : { create_target: createRemote }) });
  const pull = replicate(remote, local, both);
  return merge(
    push.pipe(map((event): SyncEvent => ({ ...event, direction: 'push' }))),
    pull.pipe(map((event): SyncEvent => ({ ...event, direction: 'pull' }))),
  );
}
