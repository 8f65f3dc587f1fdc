import type { CreateInput, Doc, Mutation, Repository, UpdateOptions, WriteResult } from '@settee/core';
import { useMutation, type MutationHandle } from './use-mutation.js';

/** The repository's writes as {@link useMutation} handles; see {@link useMutations}. */
export interface RepositoryMutations<M extends Doc> {
  /** `repository.create(data)`. */
  readonly create: MutationHandle<[data: CreateInput<M>], M>;
  /** `repository.update(id, mutate, options)`: re-read, mutate, save, retrying after conflicts. */
  readonly update: MutationHandle<[id: string, mutate: Mutation<M>, options?: UpdateOptions<M>], M>;
  /** `repository.save(entity)`: a stale entity comes back as a `conflict`. */
  readonly save: MutationHandle<[entity: M], M>;
  /** `repository.delete(target)`. */
  readonly remove: MutationHandle<[target: M | string], WriteResult>;
}

/**
 * `create`, `update`, `save` and `delete` of a repository, each with its own state and typed failures.
 *
 * ```tsx
 * const { create } = useMutations(playlists);
 * const outcome = await create.mutate({ name: '', songs: [] });
 * if (!outcome.ok && outcome.kind === 'invalid') console.log(outcome.error.issues); // [{ path: ['name'], ... }]
 * ```
 */
export function useMutations<M extends Doc>(repository: Repository<M>): RepositoryMutations<M> {
  const create = useMutation((data: CreateInput<M>) => repository.create(data));
  const update = useMutation((id: string, mutate: Mutation<M>, options?: UpdateOptions<M>) => repository.update(id, mutate, options));
  const save = useMutation((entity: M) => repository.save(entity));
  const remove = useMutation((target: M | string) => repository.delete(target));
  return { create, update, save, remove };
}
