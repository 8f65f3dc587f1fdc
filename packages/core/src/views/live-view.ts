import { defer, switchMap, type Observable } from 'rxjs';
import type { DatabaseAdapter } from '../adapter/database-adapter.js';
import type { JsonValue } from '../json.js';
import { liveQuery } from '../repository/live-query.js';
import { queryView, type TypedViewOptions, type TypedViewResponse, type ViewSpec } from './define-view.js';

/**
 * A live view: its current answer, then a new one after each change to the database. The changes feed starts at
 * the sequence read before the first query, so nothing in between is missed; re-runs never overlap (changes during
 * one cause one more). Nothing runs until subscription; unsubscribing stops the feed.
 */
export function liveView<D, K extends JsonValue, V extends JsonValue, Reduced, O extends TypedViewOptions<K> = Record<never, never>>(
  db: DatabaseAdapter,
  spec: ViewSpec<D, K, V, Reduced>,
  options?: O,
): Observable<TypedViewResponse<K, V, Reduced, O>> {
  return defer(() => db.info()).pipe(
    switchMap(({ update_seq: since }) => liveQuery(() => queryView(db, spec, options), db.liveChanges({ since }))),
  );
}
