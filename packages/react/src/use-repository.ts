import type { Doc, ModelClass, Repository, Settee } from '@settee/core';
import { useSettee } from './settee-context.js';

/**
 * The repository of `model` in the provided `Settee` (or in `settee`, when given). The same model always yields
 * the same repository object, so it is safe in dependency lists.
 *
 * ```tsx
 * const playlists = useRepository(Playlist);
 * ```
 */
export function useRepository<M extends Doc>(model: ModelClass<M>, settee?: Settee): Repository<M> {
  // Settee keeps one repository per model class, so this is stable across renders without memoizing here.
  return useSettee(settee).repository(model);
}
