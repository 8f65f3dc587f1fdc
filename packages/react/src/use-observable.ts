import type { Observable } from 'rxjs';
import type { LiveState } from './live-state.js';
import { latest, useLiveStore } from './use-live-store.js';

/**
 * Any observable as live state: `source` is called when the component subscribes and again when `deps` change;
 * its subscription closes on unmount. The escape hatch for streams the dedicated hooks do not cover.
 *
 * ```tsx
 * const info = useObservable(() => interval(5000).pipe(switchMap(() => settee.db.info())), [settee]);
 * ```
 */
export function useObservable<T>(source: () => Observable<T>, deps: readonly unknown[]): LiveState<T> {
  return useLiveStore<T, T>(deps, () => ({ open: source, reduce: latest }));
}
