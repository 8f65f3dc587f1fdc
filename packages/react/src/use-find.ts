import { revisionOf, type Doc, type FindOptions, type ModelSelector, type Repository } from '@settee/core';
import type { LiveState } from './live-state.js';
import { queryKey } from './query-key.js';
import { useLiveStore } from './use-live-store.js';

/**
 * A live Mango query over the model: pending until the first result, then every entity matching `selector`
 * (typed from the model), re-run after each change to the model's documents. A new result that holds the same
 * documents at the same revisions does not re-render. The selector and options are compared by value, so they can
 * be written inline.
 *
 * ```tsx
 * const mine = useFind(playlists, { owner: 'ana' }, { sort: [{ name: 'asc' }] });
 * ```
 */
export function useFind<M extends Doc>(repository: Repository<M>, selector: ModelSelector<M>, options?: FindOptions<M>): LiveState<readonly M[]> {
  return useLiveStore<M[], readonly M[]>([repository, queryKey([selector, options])], () => ({
    open: () => repository.find$(selector, options),
    reduce: sameEntities,
  }));
}

/** Keeps the previous array when it lists the same documents at the same revisions, in order (exported for tests). */
export function sameEntities<M extends Doc>(previous: readonly M[] | undefined, next: readonly M[]): readonly M[] {
  if (previous === undefined || previous.length !== next.length) return next;
  const same = previous.every((entity, i) => entity._id === next[i]?._id && revisionOf(entity) === revisionOf(next[i]!));
  return same ? previous : next;
}
