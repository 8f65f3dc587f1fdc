import type { Observable } from 'rxjs';
import type { LiveState } from './live-state.js';
import { latest, useLiveStore, type LiveOptions } from './use-live-store.js';

/**
 * Any observable as live state: `source` is called when the component subscribes and again when `deps` change;
 * its subscription closes on unmount. The escape hatch for streams the dedicated hooks do not cover. `options`
 * as for the other hooks: `initialData` until the first emission, `keepPrevious` when `deps` change.
 *
 * ```tsx
 * const info = useObservable(() => interval(5000).pipe(switchMap(() => settee.db.info())), [settee]);
 * ```
 */
export function useObservable<T>(source: () => Observable<T>, deps: readonly unknown[], options: LiveOptions<T> = {}): LiveState<T> {
  return useLiveStore<T, T>(deps, () => ({ open: source, reduce: latest }), options);
}
