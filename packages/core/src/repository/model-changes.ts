import { filter, map, takeUntil, type Observable } from 'rxjs';
import type { ChangesRow, LiveChangesOptions, Seq } from '../adapter/index.js';
import type { Doc } from '../model/doc.js';
import type { RepositoryContext } from './repository-context.js';
import { resumableFeed, type ResumeOptions } from './resumable-feed.js';

/** Options of `changes$`. */
export interface ModelChangesOptions extends ResumeOptions {
  /** Start after this sequence: `0` (default) replays every document of the model, `'now'` only new changes. */
  readonly since?: Seq | 'now';
}

/** A change to one entity of the model: its new state, or its deletion. */
export type ModelChange<M> =
  | { readonly id: string; readonly seq: Seq; readonly rev: string; readonly deleted: false; readonly entity: M }
  | { readonly id: string; readonly seq: Seq; readonly rev: string; readonly deleted: true; readonly entity?: undefined };

/**
 * The live changes of the model's documents only: filtered on the server with a `_selector` on the type
 * discriminator (tombstones written by repositories keep it, so deletions come through), each document as a
 * validated entity. Completes when the owning `Settee` closes.
 */
export function modelChanges<M extends Doc>(ctx: RepositoryContext<M>, options: ModelChangesOptions = {}): Observable<ModelChange<M>> {
  return scopedFeed(ctx, options.since ?? 0, options).pipe(
    map((row) => toChange(ctx, row)),
    filter((change): change is ModelChange<M> => change !== undefined),
    takeUntil(ctx.closed$),
  );
}

/** The raw live feed of the model's documents, with `include_docs`. */
export function scopedFeed<M extends Doc>(ctx: RepositoryContext<M>, since: Seq | 'now', options: ResumeOptions = {}): Observable<ChangesRow> {
  const { discriminator, type } = ctx.codec.definition;
  const scope: LiveChangesOptions = discriminator === undefined ? {} : { filter: '_selector', selector: { [discriminator]: type } };
  return resumableFeed((from) => ctx.db.liveChanges({ ...scope, since: from, include_docs: true }), since, options);
}

function toChange<M extends Doc>(ctx: RepositoryContext<M>, row: ChangesRow): ModelChange<M> | undefined {
  const rev = row.changes[0]?.rev ?? row.doc?._rev ?? '';
  if (row.deleted) return { id: row.id, seq: row.seq, rev, deleted: true };
  // Without a discriminator nothing is filtered on the server: design documents are skipped here.
  if (!row.doc || !ctx.codec.owns(row.doc)) return undefined;
  return { id: row.id, seq: row.seq, rev, deleted: false, entity: ctx.codec.hydrate(row.doc) };
}
