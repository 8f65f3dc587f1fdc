import { ConflictError } from '../errors/index.js';
import type { Doc } from '../model/doc.js';
import { entityState, type EntityState } from '../model/entity-state.js';
import { backoffDelay, sleep, type BackoffOptions } from './backoff.js';
import { getEntity } from './read-entities.js';
import type { RepositoryContext } from './repository-context.js';
import { putEntity, withRevisions } from './write-entities.js';

/** Changes a fresh copy of the entity in place, or returns its replacement. May be called several times. */
export type Mutation<M> = (draft: M) => M | void | Promise<M | void>;

/**
 * Merges after retries ran out: `mine` is the mutated entity that could not be written, `theirs` the current
 * one; the result is written as the child of `theirs`. May be called more than once if `theirs` moves again.
 */
export type MergeHook<M> = (mine: M, theirs: M) => M | Promise<M>;

/** Options of `update`. */
export interface UpdateOptions<M> {
  /** How many times to re-read and re-apply the mutation after a conflict (default 10). */
  readonly retries?: number;
  /** Bounds of the jittered delay between attempts. */
  readonly backoff?: BackoffOptions;
  /** Called once retries are exhausted; without it, the last conflict rejects. */
  readonly onConflict?: MergeHook<M>;
}

const DEFAULT_RETRIES = 10;

/**
 * Reads document `id`, applies `mutate` and writes the result as the child of what was read. On a conflict it
 * waits a jittered, growing delay and starts over from a fresh read, at most `retries` times; then it hands both
 * versions to `onConflict` (bounded the same way), or rejects with a `RevisionConflictError`.
 */
export async function updateEntity<M extends Doc>(
  ctx: RepositoryContext<M>,
  id: string,
  mutate: Mutation<M>,
  options: UpdateOptions<M> = {},
): Promise<M> {
  const retries = options.retries ?? DEFAULT_RETRIES;
  for (let attempt = 0; ; attempt++) {
    const started = Date.now();
    const current = await getEntity(ctx, id);
    const base = entityState(current)!;
    const mine = (await mutate(current)) ?? current;
    const outcome = await tryPut(ctx, mine, id, base);
    if (!(outcome instanceof ConflictError)) return outcome;
    if (attempt >= retries) {
      if (!options.onConflict) throw await withRevisions(ctx, outcome, id, base.rev);
      return mergeAfterConflict(ctx, id, mine, options.onConflict, retries, options.backoff);
    }
    await sleep(backoffDelay(attempt, options.backoff, Date.now() - started));
  }
}

async function mergeAfterConflict<M extends Doc>(
  ctx: RepositoryContext<M>,
  id: string,
  mine: M,
  merge: MergeHook<M>,
  retries: number,
  backoff: BackoffOptions | undefined,
): Promise<M> {
  for (let attempt = 0; ; attempt++) {
    const started = Date.now();
    const theirs = await getEntity(ctx, id);
    const base = entityState(theirs)!;
    const outcome = await tryPut(ctx, await merge(mine, theirs), id, base);
    if (!(outcome instanceof ConflictError)) return outcome;
    if (attempt >= retries) throw await withRevisions(ctx, outcome, id, base.rev);
    await sleep(backoffDelay(attempt, backoff, Date.now() - started));
  }
}

/** The written entity, or the conflict that refused it (other errors reject). */
async function tryPut<M extends Doc>(ctx: RepositoryContext<M>, entity: M, id: string, base: EntityState): Promise<M | ConflictError> {
  try {
    return await putEntity(ctx, entity, id, base);
  } catch (error) {
    if (error instanceof ConflictError) return error;
    throw error;
  }
}
