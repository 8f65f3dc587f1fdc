import { NEVER } from 'rxjs';
import { revisionOf, type Doc, type Repository } from '@settee/core';
import type { LiveState } from './live-state.js';
import { useLiveStore, type LiveOptions } from './use-live-store.js';

/**
 * Entity `id`, live: pending until the first read, then the entity (undefined while it is missing, deleted or of
 * another model), re-rendering only when its revision changes. One change feed per hook instance, filtered to this
 * document, closed on unmount. Pass `undefined` as `id` to wait (nothing is opened).
 *
 * `options.initialData` shows an entity at once (and on the server); `options.keepPrevious` keeps the previous
 * id's entity on screen while the new one loads (see {@link LiveOptions}).
 *
 * ```tsx
 * const playlist = useDoc(playlists, id, { initialData: fromServer, keepPrevious: true });
 * ```
 */
export function useDoc<M extends Doc>(repository: Repository<M>, id: string | undefined, options: UseDocOptions<M> = {}): LiveState<M | undefined> {
  return useLiveStore<M | undefined, M | undefined>(
    [repository, id],
    () => ({
      open: () => (id === undefined ? NEVER : repository.get$(id)),
      reduce: sameRevision,
    }),
    options,
  );
}

/** Options of {@link useDoc}: `initialData` is an entity of the model (a missing document cannot be given). */
export type UseDocOptions<M extends Doc> = LiveOptions<M>;

/** Keeps the entity on screen when the new one is the same revision of the same document (exported for tests). */
export function sameRevision<M extends Doc>(previous: M | undefined, next: M | undefined): M | undefined {
  if (previous === undefined || next === undefined) return next;
  return previous._id === next._id && revisionOf(previous) === revisionOf(next) ? previous : next;
}
