import { useMemo } from 'react';
import { NEVER, type Observable } from 'rxjs';
import type { ReplicationEvent, ReplicationResult } from '@settee/core';
import type { LiveState } from './live-state.js';
import { useLiveStore } from './use-live-store.js';

/**
 * Where a replication stands: not started, waiting for its first event, copying, caught up (continuous),
 * waiting to retry after a failure, finished (one-shot), or stopped by an error.
 */
export type ReplicationStatus = 'idle' | 'starting' | 'active' | 'paused' | 'retrying' | 'complete' | 'error';

/** What {@link useReplication} returns; `E` is `ReplicationEvent` for `replicate`, `SyncEvent` for `sync`. */
export interface ReplicationState<E extends ReplicationEvent = ReplicationEvent> {
  readonly status: ReplicationStatus;
  /** The latest `progress` event: CouchDB's counters (`docs_written`, ...), `pending` and `last_seq`. */
  readonly progress: Extract<E, { type: 'progress' }> | undefined;
  /** CouchDB's answer, once a one-shot replication completed. */
  readonly result: ReplicationResult | undefined;
  /** The latest event of any type. */
  readonly last: E | undefined;
  /** How many events arrived since the replication started. */
  readonly events: number;
  /** Why the replication stopped (status `error`), or the failure being retried (status `retrying`). */
  readonly error: Error | undefined;
}

/** What the events said so far; `phase` only moves on events that say where the replication stands. */
interface Seen<E extends ReplicationEvent> {
  readonly last: E;
  readonly phase: 'active' | 'paused' | 'retrying' | 'complete';
  readonly progress: Extract<E, { type: 'progress' }> | undefined;
  /** The failure being retried, while `phase` is `retrying`. */
  readonly retrying: Error | undefined;
  readonly events: number;
}

/**
 * Runs a replication while the component is mounted and shows its state and progress: `start` returns core's
 * `replicate(...)` or `sync(...)`; it is subscribed after mount, again when `deps` change, and unsubscribed on
 * unmount, which cancels the replication (its last checkpoint stays). Pass `undefined` to stay idle.
 *
 * ```tsx
 * const backup = useReplication(online ? () => replicate(local, remote, { continuous: true }) : undefined, [online]);
 * return <p>{backup.status}: {backup.progress?.docs_written ?? 0} written, {backup.progress?.pending ?? '?'} to go</p>;
 * ```
 */
export function useReplication<E extends ReplicationEvent>(start: (() => Observable<E>) | undefined, deps: readonly unknown[]): ReplicationState<E> {
  const idle = start === undefined;
  const state = useLiveStore<E, Seen<E>>([idle, ...deps], () => ({
    open: () => (start === undefined ? NEVER : start()),
    reduce: (previous, event) => {
      const phase = phaseAfter(previous?.phase ?? 'active', event);
      const retrying = phase !== 'retrying' ? undefined : event.type === 'error' ? event.error : previous?.retrying;
      const progress = isProgress(event) ? event : previous?.progress;
      return { last: event, phase, progress, retrying, events: (previous?.events ?? 0) + 1 };
    },
  }));
  return useMemo(() => replicationState(state, idle), [state, idle]);
}

function isProgress<E extends ReplicationEvent>(event: E): event is Extract<E, { type: 'progress' }> {
  return event.type === 'progress';
}

/**
 * A checkpoint is written while copying and after catching up alike, so it does not change the phase; neither does
 * the `paused` that follows an error being retried (core pauses while it waits).
 */
function phaseAfter(phase: Seen<ReplicationEvent>['phase'], event: ReplicationEvent): Seen<ReplicationEvent>['phase'] {
  switch (event.type) {
    case 'active':
    case 'progress':
      return 'active';
    case 'paused':
      return phase === 'retrying' ? 'retrying' : 'paused';
    case 'error':
      return event.retrying ? 'retrying' : phase;
    case 'complete':
      return 'complete';
    case 'checkpoint':
      return phase;
  }
}

function replicationState<E extends ReplicationEvent>(state: LiveState<Seen<E>>, idle: boolean): ReplicationState<E> {
  const { last, phase, progress, retrying, events = 0 } = state.data ?? {};
  const result = last?.type === 'complete' ? last.result : undefined;
  const seen = { progress, result, last, events };
  if (state.status === 'error') return { status: 'error', ...seen, error: state.error };
  if (idle) return { status: 'idle', ...seen, error: undefined };
  if (state.complete) return { status: 'complete', ...seen, error: undefined };
  if (phase === 'retrying') return { status: 'retrying', ...seen, error: retrying };
  return { status: phase ?? 'starting', ...seen, error: undefined };
}
