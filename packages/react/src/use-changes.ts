import type { Doc, ModelChange, ModelChangesOptions, Repository } from '@settee/core';
import type { LiveState } from './live-state.js';
import { queryKey } from './query-key.js';
import { useLiveStore } from './use-live-store.js';

/** Options of {@link useChanges}. */
export interface UseChangesOptions extends ModelChangesOptions {
  /** How many of the latest changes to keep (default 50): a long-lived feed must not grow without bound. */
  readonly keep?: number;
}

/**
 * The model's live changes (from `since`, default `'now'`: a component usually wants what happens while it is on
 * screen), as the latest `keep` of them, oldest first. One feed per hook instance, closed on unmount; when the
 * component subscribes again (StrictMode's remount), the feed resumes after the last change it showed.
 *
 * ```tsx
 * const changes = useChanges(playlists, { keep: 10 });
 * const last = changes.data?.at(-1); // ModelChange<Playlist> | undefined
 * ```
 */
export function useChanges<M extends Doc>(repository: Repository<M>, options: UseChangesOptions = {}): LiveState<readonly ModelChange<M>[]> {
  const { since = 'now', keep: wanted = 50, ...resume } = options;
  const keep = Math.max(1, wanted);
  return useLiveStore<ModelChange<M>, readonly ModelChange<M>[]>([repository, keep, queryKey([since, resume])], () => ({
    open: (shown) => repository.changes$({ ...resume, since: shown?.at(-1)?.seq ?? since }),
    reduce: (previous = [], change) => [...previous.slice(Math.max(0, previous.length - keep + 1)), change],
  }));
}
