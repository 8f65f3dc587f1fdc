import type { DbContext } from '../database/db-context.js';
import { loadDesignDoc } from '../design/design-docs.js';
import { designOptionsOf, viewGroupOf, viewGroupSignature } from './view-group.js';
import { viewIndexFor } from './view-registry.js';

/** The `view_index` member of `GET /{db}/_design/{ddoc}/_info`, as CouchDB 3 reports it for a one-shard database. */
export interface ViewIndexInfo {
  /** Database updates the index has not mapped yet; one shard, so the three counts are equal. */
  readonly updates_pending: { readonly minimum: number; readonly preferred: number; readonly total: number };
  /** Index rows are committed with the seq they cover, so nothing ever waits for a commit. */
  readonly waiting_commit: boolean;
  readonly waiting_clients: number;
  readonly updater_running: boolean;
  /** The database seq the index covers (an integer, unlike database seqs). */
  readonly update_seq: number;
  readonly sizes: { readonly file: number; readonly external: number; readonly active: number };
  /** Hex signature of everything that shapes the rows; the same for design documents that index alike. */
  readonly signature: string;
  readonly purge_seq: number;
  readonly language: string;
  readonly compact_running: boolean;
}

/** The answer of `GET /{db}/_design/{ddoc}/_info`. */
export interface DesignInfo {
  /** The design document's name, without `_design/`. */
  readonly name: string;
  readonly view_index: ViewIndexInfo;
}

/**
 * The state of a design document's view index, without updating it (as CouchDB, `_info` never triggers an
 * update). 404 `missing` (or `deleted`) when the design document does not exist.
 */
export function viewIndexInfo(ctx: DbContext, ddocName: string): DesignInfo {
  const ddoc = loadDesignDoc(ctx, ddocName);
  const group = viewGroupOf(ddoc.id, ddoc.doc);
  const dbSeq = ctx.meta.updateSeq;
  let state = { seq: 0, purgeSeq: 0, active: 0, external: 0 };
  let signature: string;
  let language: string;
  if (group) {
    const index = viewIndexFor(ctx, group);
    state = { seq: index.seq, purgeSeq: index.purgeSeq, ...index.sizes() };
    signature = group.signature;
    language = group.language;
  } else {
    // No views: CouchDB still reports an (empty, never built) index whose signature covers the language (and options).
    language = typeof ddoc.doc['language'] === 'string' ? ddoc.doc['language'] : 'javascript';
    signature = viewGroupSignature(language, [], null, designOptionsOf(ddoc.doc));
  }
  const pending = Math.max(dbSeq - state.seq, 0);
  return {
    name: ddocName,
    view_index: {
      updates_pending: { minimum: pending, preferred: pending, total: pending },
      waiting_commit: false,
      waiting_clients: 0,
      updater_running: false,
      update_seq: state.seq,
      sizes: { file: state.active, external: state.external, active: state.active },
      signature,
      purge_seq: state.purgeSeq,
      language,
      compact_running: false,
    },
  };
}
