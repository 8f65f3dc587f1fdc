import { BadRequestError, NotFoundError, SetteeError, isJsonObject, type ChangesOptions, type Document, type JsonObject, type Revisions } from '@settee/core';
import { normalizeSelector } from '@settee/core';
import { designChangesFilter, viewChangesFilter } from '../design/changes-filters.js';
import { loadDesignDoc } from '../design/design-docs.js';
import { compileSelector } from '../mango/index.js';
import { historyOf, sortedLeaves } from '../revs/rev-tree.js';
import type { Storage } from '../storage/storage.js';
import { buildDoc } from './build-doc.js';
import type { DbContext } from './db-context.js';
import { DESIGN_PREFIX } from './doc-ids.js';
import { loadRevBody } from './load-record.js';
import { decodeRecord, SPACE, type DocRecord } from './records.js';

/** A changes filter: decides per entry, loading the document only when it needs it. */
export interface ChangesFilter {
  /** `_doc_ids` and `_design` scan differently in CouchDB: their `pending` is what the scan did not return. */
  readonly countsRemainder: boolean;
  readonly needsDoc: boolean;
  /** Design-document functions see `_revisions` (the query server gets docs with their history). */
  readonly withRevisions?: boolean;
  accepts(id: string, doc: Document | undefined): boolean;
  /**
   * Decides many documents at once: filters that run user code answer a whole page in one sandbox call, since a
   * call's time limit costs far more than the function itself.
   */
  acceptsMany?(docs: readonly Document[]): boolean[];
}

/** CouchDB's `query_server_config/revs_limit`: the history a design function sees is cut to this many ids. */
const QUERY_SERVER_REVS_LIMIT = 20;

/**
 * Builds the filter named by `options.filter`, or undefined for an unfiltered feed. Throws CouchDB's errors; a
 * design-document filter (`_view`, `ddoc/name`) is looked up here, so a missing one fails before the feed starts.
 */
export function buildChangesFilter(options: ChangesOptions, ctx: DbContext): ChangesFilter | undefined {
  const name = options.filter;
  if (name === undefined || name === '') return undefined;
  switch (name) {
    case '_doc_ids': {
      const ids = options.doc_ids;
      if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) {
        throw new BadRequestError('`doc_ids` filter parameter is not a list of doc ids.');
      }
      const wanted = new Set(ids);
      return { countsRemainder: true, needsDoc: false, accepts: (id) => wanted.has(id) };
    }
    case '_design':
      return { countsRemainder: true, needsDoc: false, accepts: (id) => id.startsWith(DESIGN_PREFIX) };
    case '_selector': {
      // couch_changes: the selector and fields checks, and any Mango error as a bad_request with its reason.
      if (!isJsonObject(options.selector)) throw new BadRequestError('Selector error: expected a JSON object');
      const fields: unknown = options.fields;
      if (fields !== undefined && !(Array.isArray(fields) && fields.every((field) => typeof field === 'string'))) {
        throw new BadRequestError('Selector error: fields must be JSON array');
      }
      const matches = asBadRequest(() => compileSelector(normalizeSelector(options.selector as JsonObject)));
      return { countsRemainder: false, needsDoc: true, accepts: (_id, doc) => doc !== undefined && matches(doc) };
    }
    case '_view': {
      if (typeof options.view !== 'string' || options.view === '') throw new BadRequestError('`view` filter parameter is not provided.');
      const [ddoc, view] = designPath(options.view, '`view` must be of the form `designname/viewname`');
      requireMember(ctx, ddoc, 'views', view);
      return { ...viewChangesFilter(ctx, `${ddoc}/${view}`), withRevisions: true };
    }
    default: {
      if (name.startsWith('_')) throw new BadRequestError('unknown builtin filter name');
      // CouchDB splits the name on "/" dropping empty parts; a name of slashes only is an unfiltered feed.
      if (/^\/+$/.test(name)) return undefined;
      const [ddoc, fn] = designPath(name, '`filter` must be of the form `designname/filtername`');
      requireMember(ctx, ddoc, 'filters', fn);
      return { ...designChangesFilter(ctx, `${ddoc}/${fn}`, options, options.query_params), withRevisions: true };
    }
  }
}

/** Runs `build`, turning any error CouchDB reports with a status into a 400 bad_request with the same reason. */
function asBadRequest<T>(build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof SetteeError && error.error !== 'bad_request') throw new BadRequestError(error.reason, { cause: error });
    throw error;
  }
}

/** `ddoc/name` split as CouchDB splits it (empty parts dropped); anything but two parts is a 400. */
function designPath(path: string, malformed: string): [string, string] {
  const parts = path.split('/').filter((part) => part !== '');
  if (parts.length !== 2) throw new BadRequestError(malformed);
  return [parts[0]!, parts[1]!];
}

/**
 * CouchDB checks the design document, then `section.name` in it, before the feed starts: 404 `missing`/`deleted`
 * for the document, `missing json key: <key>` for the first member that is absent.
 */
function requireMember(ctx: DbContext, ddoc: string, section: string, name: string): void {
  const { doc } = loadDesignDoc(ctx, ddoc);
  const members = doc[section];
  if (members === undefined) throw new NotFoundError(`missing json key: ${section}`);
  if (!isJsonObject(members)) throw new NotFoundError('json_mismatch');
  if (members[name] === undefined) throw new NotFoundError(`missing json key: ${name}`);
}

/**
 * The revisions of a changed document that a document-reading filter lets through, as CouchDB's `open_revs` +
 * `filter_revs` do: with `main_only` the winner, opened with its `_conflicts`; with `all_docs` every leaf, each
 * opened on its own (so without `_conflicts`), and only the leaves that pass are listed.
 */
export function passingRevs(storage: Storage, record: DocRecord, allDocs: boolean, filter: ChangesFilter): string[] {
  return filterCandidates(storage, record, allDocs, filter)
    .filter((doc) => filter.accepts(record.id, doc))
    .map((doc) => doc._rev);
}

/**
 * The filter with its answers for one page of changes decided in ONE `acceptsMany` call (the documents the page's
 * changes would show it); anything else still goes through `accepts`.
 */
export function decidePage(storage: Storage, ids: readonly string[], allDocs: boolean, filter: ChangesFilter): ChangesFilter {
  if (filter.acceptsMany === undefined) return filter;
  const docs: Array<Document & { _rev: string }> = [];
  for (const id of ids) {
    const text = storage.get(SPACE.docs, id) ?? storage.get(SPACE.tombs, id);
    if (text !== undefined) docs.push(...filterCandidates(storage, decodeRecord(id, text), allDocs, filter));
  }
  if (docs.length === 0) return filter;
  const answers = filter.acceptsMany(docs);
  const decided = new Map<string, boolean>();
  docs.forEach((doc, i) => decided.set(`${doc._id}\u0000${doc._rev}`, answers[i] === true));
  return {
    ...filter,
    accepts: (id, doc) => (doc?._rev === undefined ? undefined : decided.get(`${id}\u0000${doc._rev}`)) ?? filter.accepts(id, doc),
  };
}

/** The documents a filter judges for one change: the winner (with `_conflicts`), or each leaf with `all_docs`. */
export function filterCandidates(storage: Storage, record: DocRecord, allDocs: boolean, filter: ChangesFilter): Array<Document & { _rev: string }> {
  const leaves = sortedLeaves(record.tree);
  const opened = allDocs ? leaves : leaves.slice(0, 1);
  const conflicts = allDocs ? undefined : leaves.slice(1).filter((leaf) => !leaf.deleted).map((leaf) => leaf.rev);
  const docs: Array<Document & { _rev: string }> = [];
  for (const leaf of opened) {
    const body = loadRevBody(storage, record, leaf.rev);
    if (body === undefined) continue;
    const revisions = filter.withRevisions ? limitHistory(historyOf(record.tree, leaf.rev)) : undefined;
    docs.push(buildDoc(storage, record.id, leaf.rev, leaf.deleted, body, { conflicts, revisions }) as Document & { _rev: string });
  }
  return docs;
}

function limitHistory(history: Revisions): Revisions {
  return history.ids.length <= QUERY_SERVER_REVS_LIMIT ? history : { start: history.start, ids: history.ids.slice(0, QUERY_SERVER_REVS_LIMIT) };
}
