import { NEVER } from 'rxjs';
import { revisionOf, type Doc, type Repository } from '@settee/core';
import type { LiveState } from './live-state.js';
import { useLiveStore } from './use-live-store.js';

/**
 * Entity `id`, live: pending until the first read, then the entity (undefined while it is missing, deleted or of
 * another model), re-rendering only when its revision changes. One change feed per hook instance, filtered to this
 * document, closed on unmount. Pass `undefined` as `id` to wait (nothing is opened).
 *
 * ```tsx
 * const playlist = useDoc(playlists, id);
 * ```
 */
export function useDoc<M extends Doc>(repository: Repository<M>, id: string | undefined): LiveState<M | undefined> {
  return useLiveStore<M | undefined, M | undefined>([repository, id], () => ({
    open: () => (id === undefined ? NEVER : repository.get$(id)),
    reduce: sameRevision,
  }));
}

/** Keeps the entity on screen when the new one is the same revision of the same document (exported for tests). */
export function sameRevision<M extends Doc>(previous: M | undefined, next: M | undefined): M | undefined {
  if (previous === undefined || next === undefined) return next;
  return previous._id === next._id && revisionOf(previous) === revisionOf(next) ? previous : next;
}
