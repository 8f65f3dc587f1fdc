import { defer, distinctUntilChanged, switchMap, takeUntil, type Observable } from 'rxjs';
import type { Doc } from '../model/doc.js';
import { revisionOf } from '../model/entity-state.js';
import { liveQuery } from './live-query.js';
import { scopedFeed } from './model-changes.js';
import type { RepositoryContext } from './repository-context.js';

/**
 * A live query: the current result of `find`, then a new one after each change to the model's documents. The
 * feed starts at the sequence read before the first query, so no change in between is missed; re-runs never
 * overlap (changes during a run cause one more run), and an unchanged result is not emitted again.
 */
export function liveFind<M extends Doc>(ctx: RepositoryContext<M>, find: () => Promise<M[]>): Observable<M[]> {
  return defer(() => ctx.db.info()).pipe(
    switchMap(({ update_seq: since }) => liveQuery(find, scopedFeed(ctx, since))),
    distinctUntilChanged(sameEntities),
    takeUntil(ctx.closed$),
  );
}

function sameEntities<M extends Doc>(a: readonly M[], b: readonly M[]): boolean {
  return a.length === b.length && a.every((entity, i) => entity._id === b[i]?._id && revisionOf(entity) === revisionOf(b[i]!));
}
