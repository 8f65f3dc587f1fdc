import { errorFromCouch } from '../errors/index.js';
import type { Doc } from '../model/doc.js';
import { entityState, trackEntity } from '../model/entity-state.js';
import { ownedEntity } from './read-entities.js';
import type { RepositoryContext } from './repository-context.js';
import { withRevisions } from './write-entities.js';

/** A document's live leaves after replication: the revision CouchDB picked as winner, and the others. */
export interface ConflictSet<M> {
  readonly id: string;
  readonly winner: M;
  /** The other live leaves, each an entity tracked at its own revision; empty when there is no conflict. */
  readonly losers: readonly M[];
}

/**
 * Builds the resolved entity from the winner and the losing leaves: mutate `winner` in place, or return the
 * entity to store. It is written as the child of the winner's revision.
 */
export type Resolver<M> = (winner: M, losers: readonly M[]) => M | void | Promise<M | void>;

/** Reads the winner of document `id` and every other live leaf. */
export async function readConflicts<M extends Doc>(ctx: RepositoryContext<M>, id: string): Promise<ConflictSet<M>> {
  const doc = await ctx.db.get(id, { conflicts: true });
  const winner = ownedEntity(ctx, doc);
  const revs = doc._conflicts ?? [];
  if (revs.length === 0) return { id, winner, losers: [] };
  const leaves = await ctx.db.getOpenRevs(id, revs);
  // A leaf may have been resolved by someone else meanwhile (`missing`): it is no longer a conflict.
  const losers = leaves.flatMap((leaf) => ('ok' in leaf && leaf.ok._deleted !== true ? [ownedEntity(ctx, leaf.ok)] : []));
  return { id, winner, losers };
}

/**
 * Resolves a conflicted document in one `bulkDocs`: the resolver's entity is written as the child of the winner,
 * and every losing leaf gets a tombstone. Without conflicts, returns the winner untouched. If the winner moved
 * meanwhile, rejects with a `RevisionConflictError` (a loser's tombstone may still have been written, as its
 * content was already merged into the refused winner; resolve again to merge the new winner).
 */
export async function resolveConflicts<M extends Doc>(ctx: RepositoryContext<M>, id: string, resolver: Resolver<M>): Promise<M> {
  const { winner, losers } = await readConflicts(ctx, id);
  if (losers.length === 0) return winner;
  const base = entityState(winner)!;
  const resolved = (await resolver(winner, losers)) ?? winner;
  const fields = ctx.codec.validate(ctx.codec.dataOf(resolved), id);
  const attachments = Object.keys(base.attachments).length > 0 ? { _attachments: { ...base.attachments } } : {};
  const tombstones = losers.map((loser) => ctx.codec.tombstone(id, entityState(loser)!.rev));
  const [result] = await ctx.db.bulkDocs([{ _id: id, _rev: base.rev, ...attachments, ...ctx.codec.body(fields) }, ...tombstones]);
  if (result === undefined || 'error' in result) {
    const error = errorFromCouch({ error: result?.error ?? 'unknown_error', reason: result?.reason ?? 'no result', id }, undefined);
    throw await withRevisions(ctx, error, id, base.rev);
  }
  resolved._id = id;
  Object.assign(resolved, fields);
  trackEntity(resolved, { rev: result.rev, attachments: base.attachments, deleted: false });
  return resolved;
}
