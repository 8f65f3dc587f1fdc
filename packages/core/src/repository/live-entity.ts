import { concat, defer, distinctUntilChanged, from, map, switchMap, takeUntil, type Observable } from 'rxjs';
import type { ChangesRow } from '../adapter/index.js';
import type { Doc } from '../model/doc.js';
import { revisionOf } from '../model/entity-state.js';
import { maybeEntity } from './read-entities.js';
import type { RepositoryContext } from './repository-context.js';
import { resumableFeed } from './resumable-feed.js';

/**
 * One entity, live: its current state (undefined when missing, deleted or of another model), then its new state
 * after each change. The feed starts from the sequence read before the first read, so no change in between is
 * missed; the same revision is never emitted twice in a row.
 */
export function liveEntity<M extends Doc>(ctx: RepositoryContext<M>, id: string): Observable<M | undefined> {
  return defer(async () => {
    const { update_seq: since } = await ctx.db.info();
    return { since, current: await maybeEntity(ctx, id) };
  }).pipe(
    switchMap(({ since, current }) =>
      concat(
        from([current]),
        resumableFeed((seq) => ctx.db.liveChanges({ since: seq, filter: '_doc_ids', doc_ids: [id], include_docs: true }), since).pipe(
          map((row) => entityOf(ctx, row)),
        ),
      ),
    ),
    distinctUntilChanged((a, b) => (a === undefined || b === undefined ? a === b : revisionOf(a) === revisionOf(b))),
    takeUntil(ctx.closed$),
  );
}

function entityOf<M extends Doc>(ctx: RepositoryContext<M>, row: ChangesRow): M | undefined {
  if (row.deleted || !row.doc || !ctx.codec.owns(row.doc)) return undefined;
  return ctx.codec.hydrate(row.doc);
}
