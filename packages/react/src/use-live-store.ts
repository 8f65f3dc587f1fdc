import { useMemo, useSyncExternalStore } from 'react';
import type { LiveState } from './live-state.js';
import { LiveStore, type LiveStoreOptions } from './live-store.js';

/**
 * The building block of every live hook: one {@link LiveStore} per hook instance and per `deps`, read through
 * `useSyncExternalStore`. Creating a store opens nothing, so StrictMode's double render leaks nothing; the source
 * opens when React subscribes (after commit) and closes on unmount or when `deps` change.
 */
export function useLiveStore<E, V>(deps: readonly unknown[], options: () => LiveStoreOptions<E, V>): LiveState<V> {
  // `deps` are the caller's inputs, exactly as with useMemo; `options` is read only when they change.
  const store = useMemo(() => new LiveStore(options()), deps);
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getServerSnapshot);
}

/** The reducer of hooks that show the latest emission as it is. */
export function latest<T>(_previous: T | undefined, next: T): T {
  return next;
}
