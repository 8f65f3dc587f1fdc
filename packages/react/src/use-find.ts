import { revisionOf, type Doc, type FindOptions, type ModelSelector, type Repository } from '@settee/core';
import type { LiveState } from './live-state.js';
import { queryKey } from './query-key.js';
import { useLiveStore, type LiveOptions } from './use-live-store.js';

/**
 * A live Mango query over the model: pending until the first result, then every entity matching `selector`
 * (typed from the model), re-run after each change to the model's documents. A new result that holds the same
 * documents at the same revisions does not re-render. The selector and options are compared by value, so they can
 * be written inline.
 *
 * Besides the query's own options, `initialData` shows a result at once (and on the server) and `keepPrevious`
 * keeps the previous query's result on screen while a new one loads (see {@link LiveOptions}).
 *
 * ```tsx
 * const mine = useFind(playlists, { owner }, { sort: [{ name: 'asc' }], initialData: fromServer, keepPrevious: true });
 * ```
 */
export function useFind<M extends Doc>(repository: Repository<M>, selector: ModelSelector<M>, options: UseFindOptions<M> = {}): LiveState<readonly M[]> {
  const { initialData, keepPrevious, ...query } = options;
  // Only the query keys the feed: new initial data, or a new keepPrevious, reopens nothing.
  return useLiveStore<M[], readonly M[]>(
    [repository, queryKey([selector, query])],
    () => ({
      open: () => repository.find$(selector, query),
      reduce: sameEntities,
    }),
    { initialData, keepPrevious },
  );
}

/** Options of {@link useFind}: the query's (`sort`, `limit`, ...) and what to show before its first result. */
export interface UseFindOptions<M extends Doc> extends FindOptions<M>, LiveOptions<readonly M[]> {}

/** Keeps the previous array when it lists the same documents at the same revisions, in order (exported for tests). */
export function sameEntities<M extends Doc>(previous: readonly M[] | undefined, next: readonly M[]): readonly M[] {
  if (previous === undefined || previous.length !== next.length) return next;
  const same = previous.every((entity, i) => entity._id === next[i]?._id && revisionOf(entity) === revisionOf(next[i]!));
  return same ? previous : next;
}
