import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { initialState, previousState, type LiveState } from './live-state.js';
import { LiveStore, type LiveStoreOptions } from './live-store.js';

/**
 * What a live hook shows before its feed answers, as SWR's and TanStack Query's options of the same purpose.
 * `T` is the hook's data type, so `initialData` is checked against it.
 */
export interface LiveOptions<T> {
  /**
   * Data to show at once, with status `success` and `isInitial: true` (data rendered on the server, or cached).
   * Server rendering shows it instead of `pending`; on the client the live feed still opens and replaces it when
   * its first answer differs (an entity a repository read at the same revision stays, without a re-render). It
   * belongs to the input the hook first rendered with: it is used for that input only (`undefined`: none).
   */
  readonly initialData?: T | undefined;
  /**
   * When the input changes (another id, another query), keep showing the data of the previous input, flagged
   * `isPrevious: true`, until the new feed answers, instead of going back to `pending` (TanStack Query's
   * `placeholderData: keepPreviousData`).
   */
  readonly keepPrevious?: boolean | undefined;
}

/**
 * The building block of every live hook: one {@link LiveStore} per hook instance and per `deps`, read through
 * `useSyncExternalStore`. Creating a store opens nothing, so StrictMode's double render leaks nothing; the source
 * opens when React subscribes (after commit) and closes on unmount or when `deps` change. `live` says what to show
 * before the source answers: `initialData` for the first `deps`, the previous store's data when `deps` change.
 */
export function useLiveStore<E, V>(deps: readonly unknown[], options: () => LiveStoreOptions<E, V>, live: LiveOptions<V> = {}): LiveState<V> {
  // The input the initial data was given for: comparing by value also covers a return to it (A, then B, then A).
  const [firstDeps] = useState(deps);
  // The store on screen, read (not written) while rendering the next one, to carry its data over.
  const committed = useRef<LiveStore<E, V> | undefined>(undefined);
  // `deps` are the caller's inputs, exactly as with useMemo; `options` is read only when they change.
  const store = useMemo(() => {
    const base = options();
    const initial = startingState(live, sameDeps(deps, firstDeps), committed.current?.getSnapshot()) ?? base.initial;
    return new LiveStore(initial === undefined ? base : { ...base, initial });
  }, deps);
  useEffect(() => {
    committed.current = store;
  }, [store]);
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getServerSnapshot);
}

/** The placeholder a new store starts from (or undefined): the initial data for the first input, else the shown data. */
function startingState<V>(live: LiveOptions<V>, firstInput: boolean, shown: LiveState<V> | undefined): LiveState<V> | undefined {
  if (firstInput && live.initialData !== undefined) return initialState(live.initialData);
  if (live.keepPrevious === true && shown?.status === 'success') return previousState(shown.data);
  return undefined;
}

function sameDeps(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((value, i) => Object.is(value, b[i]));
}

/** The reducer of hooks that show the latest emission as it is. */
export function latest<T>(_previous: T | undefined, next: T): T {
  return next;
}
