import type { Doc, ModelChange, ModelChangesOptions, Repository } from '@settee/core';
import type { LiveState } from './live-state.js';
import { queryKey } from './query-key.js';
import { useLiveStore, type LiveOptions } from './use-live-store.js';

/** Options of {@link useChanges}: where the feed starts and how much it keeps. */
export interface UseChangesOptions extends ModelChangesOptions {
  /** How many of the latest changes to keep (default 50): a long-lived feed must not grow without bound. */
  readonly keep?: number;
}

/**
 * The model's live changes (from `since`, default `'now'`: a component usually wants what happens while it is on
 * screen), as the latest `keep` of them, oldest first. One feed per hook instance, closed on unmount; when the
 * component subscribes again (StrictMode's remount), the feed resumes after the last change it showed.
 * `initialData` (changes already shown, e.g. by the server) is shown at once and the feed resumes after the last
 * of them; `keepPrevious` keeps the list on screen when the options change (see {@link LiveOptions}).
 *
 * ```tsx
 * const changes = useChanges(playlists, { keep: 10 });
 * const last = changes.data?.at(-1); // ModelChange<Playlist> | undefined
 * ```
 */
export function useChanges<M extends Doc>(repository: Repository<M>, options: UseChangesOptions & LiveOptions<readonly ModelChange<M>[]> = {}): LiveState<readonly ModelChange<M>[]> {
  const { since = 'now', keep: wanted = 50, initialData, keepPrevious, ...resume } = options;
  const keep = Math.max(1, wanted);
  return useLiveStore<ModelChange<M>, readonly ModelChange<M>[]>(
    [repository, keep, queryKey([since, resume])],
    () => ({
      open: (shown) => repository.changes$({ ...resume, since: shown?.at(-1)?.seq ?? since }),
      reduce: (previous = [], change) => [...previous.slice(Math.max(0, previous.length - keep + 1)), change],
    }),
    { initialData, keepPrevious },
  );
}
