import { useCallback, useEffect, useRef, useState } from 'react';
import { outcomeOf, type MutationFailure, type MutationOutcome } from './mutation-outcome.js';

/** Where the latest call of a mutation stands. */
export type MutationState<R> =
  | { readonly status: 'idle'; readonly data: undefined; readonly failure: undefined }
  | { readonly status: 'pending'; readonly data: undefined; readonly failure: undefined }
  | { readonly status: 'success'; readonly data: R; readonly failure: undefined }
  | { readonly status: 'failure'; readonly data: undefined; readonly failure: MutationFailure };

/** What {@link useMutation} returns. */
export interface MutationHandle<A extends readonly unknown[], R> {
  /** Runs the mutation; resolves with its outcome (never rejects). Stable across renders. */
  readonly mutate: (...args: A) => Promise<MutationOutcome<R>>;
  /** The state of the latest call: an earlier call finishing later does not overwrite it. */
  readonly state: MutationState<R>;
  /** Back to `idle` (e.g. after showing a conflict). Stable across renders. */
  readonly reset: () => void;
}

const IDLE = Object.freeze({ status: 'idle', data: undefined, failure: undefined });
const PENDING = Object.freeze({ status: 'pending', data: undefined, failure: undefined });

/**
 * A write as TanStack Query's `useMutation` does it: `mutate(...)` runs `action`, `state` follows the latest call,
 * and failures come back as typed values (`conflict`, `invalid`, ...) instead of exceptions.
 *
 * ```tsx
 * const addSong = useMutation((id: string, song: Song) => playlists.update(id, (p) => { p.songs.push(song); }));
 * const outcome = await addSong.mutate(id, song);
 * if (!outcome.ok && outcome.kind === 'invalid') showIssues(outcome.error.issues);
 * ```
 */
export function useMutation<A extends readonly unknown[], R>(action: (...args: A) => Promise<R>): MutationHandle<A, R> {
  const [state, setState] = useState<MutationState<R>>(IDLE);
  // The latest action, so that `mutate` stays stable while closures over props and state stay fresh.
  const latestAction = useRef(action);
  const latestCall = useRef(0);
  useEffect(() => {
    latestAction.current = action;
  });

  const mutate = useCallback(async (...args: A): Promise<MutationOutcome<R>> => {
    const call = ++latestCall.current;
    setState(PENDING);
    const outcome = await outcomeOf(() => latestAction.current(...args));
    if (call === latestCall.current) {
      setState(outcome.ok ? { status: 'success', data: outcome.data, failure: undefined } : { status: 'failure', data: undefined, failure: outcome });
    }
    return outcome;
  }, []);

  const reset = useCallback(() => {
    latestCall.current++;
    setState(IDLE);
  }, []);

  return { mutate, state, reset };
}
