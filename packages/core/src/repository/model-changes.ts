import { catchError, filter, map, takeUntil, throwError, type Observable } from 'rxjs';
import type { ChangesRow, Seq } from '../adapter/index.js';
import { NotFoundError } from '../errors/index.js';
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
 * discriminator (tombstones written by repositories keep it, so deletions come through; a deletion written
 * around the repository, without the type, is not seen), each document as a validated entity. Without a
 * discriminator, every document but design documents. Completes when the owning `Settee` closes.
 */
export function modelChanges<M extends Doc>(ctx: RepositoryContext<M>, options: ModelChangesOptions = {}): Observable<ModelChange<M>> {
  return scopedFeed(ctx, options.since ?? 0, options).pipe(
    map((row) => toChange(ctx, row)),
    filter((change): change is ModelChange<M> => change !== undefined),
    takeUntil(ctx.closed$),
  );
}

/**
 * The raw live feed of the model's documents, with `include_docs`. A server without the `_selector` filter
 * (PouchDB Server answers 404 `missing`) gets the whole feed instead, filtered here by the same rule.
 */
export function scopedFeed<M extends Doc>(ctx: RepositoryContext<M>, since: Seq | 'now', options: ResumeOptions = {}): Observable<ChangesRow> {
  const { discriminator, type } = ctx.codec.definition;
  let serverFilters = discriminator !== undefined;
  const everything = (from: Seq | 'now') =>
    ctx.db.liveChanges({ since: from, include_docs: true }).pipe(filter((row) => row.doc !== undefined && ctx.codec.owns(row.doc)));
  const open = (from: Seq | 'now'): Observable<ChangesRow> => {
    if (!serverFilters || discriminator === undefined) return everything(from);
    return ctx.db.liveChanges({ filter: '_selector', selector: { [discriminator]: type }, since: from, include_docs: true }).pipe(
      catchError((error: unknown) => {
        if (!(error instanceof NotFoundError)) return throwError(() => error);
        serverFilters = false;
        return everything(from);
      }),
    );
  };
  return resumableFeed(open, since, options);
}

function toChange<M extends Doc>(ctx: RepositoryContext<M>, row: ChangesRow): ModelChange<M> | undefined {
  const rev = row.changes[0]?.rev ?? row.doc?._rev ?? '';
  if (row.deleted) return { id: row.id, seq: row.seq, rev, deleted: true };
  if (!row.doc || !ctx.codec.owns(row.doc)) return undefined;
  return { id: row.id, seq: row.seq, rev, deleted: false, entity: ctx.codec.hydrate(row.doc) };
}
