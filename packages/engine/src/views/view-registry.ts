import type { DbContext } from '../database/db-context.js';
import { allDesignDocs } from '../design/design-docs.js';
import { dropStaleIndexes, ViewIndex, VIEW_STATE_SPACE } from './view-index.js';
import { viewGroupOf, type ViewGroup } from './view-group.js';

/** The loaded view indexes of each open database, by signature. */
const registries = new WeakMap<DbContext, Map<string, ViewIndex>>();

/**
 * The index of `group`, loaded from storage on first use. When the group has never been indexed (a new or edited
 * design document), the rows of indexes no design document uses now are dropped first.
 */
export function viewIndexFor(ctx: DbContext, group: ViewGroup): ViewIndex {
  let byId = registries.get(ctx);
  if (!byId) {
    byId = new Map();
    registries.set(ctx, byId);
  }
  const known = byId.get(group.signature);
  if (known) return known;
  if (ctx.storage.get(VIEW_STATE_SPACE, group.signature) === undefined) {
    const live = new Set([group.signature]);
    for (const ddoc of allDesignDocs(ctx)) {
      const other = viewGroupOf(ddoc.id, ddoc.doc);
      if (other) live.add(other.signature);
    }
    dropStaleIndexes(ctx, live);
    for (const signature of byId.keys()) if (!live.has(signature)) byId.delete(signature);
  }
  const index = ViewIndex.load(ctx, group);
  byId.set(group.signature, index);
  return index;
}
