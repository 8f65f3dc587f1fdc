import { BadRequestError, isJsonObject, type ChangesOptions, type Document, type JsonValue } from '@settee/core';
import type { ChangesFilter } from '../database/changes-filter.js';
import type { DbContext } from '../database/db-context.js';
import { resolveView } from '../views/run-view-query.js';
import { loadDesignDoc } from './design-docs.js';
import { defaultUserCtx, securityObject } from './design-request.js';
import { missingFunction } from './design-response.js';

/**
 * The `_view` changes filter (`filter=_view&view=ddoc/name`): a change passes when the view's map function emits
 * at least one row for the document (a tombstone is mapped as `{_id, _rev, _deleted: true}`, as CouchDB does).
 */
export function viewChangesFilter(ctx: DbContext, view: string | undefined): ChangesFilter {
  const match = typeof view === 'string' ? /^([^/]+)\/([^/]+)$/.exec(view) : null;
  if (!match) throw new BadRequestError('`view` filter parameter is not provided.');
  const resolved = resolveView(ctx, match[1]!, match[2]!);
  const fn = resolved.ddoc.compiled(resolved.view.map);
  const acceptsMany = (docs: readonly Document[]): boolean[] =>
    resolved.ddoc.sandbox.mapDocs([fn], docs.map((doc) => JSON.stringify(doc))).map((rows) => (rows[0]?.length ?? 0) > 0);
  return {
    countsRemainder: false,
    needsDoc: true,
    accepts: (_id, doc) => doc !== undefined && acceptsMany([doc])[0] === true,
    acceptsMany,
  };
}

/**
 * A design-document filter function (`filter=ddoc/name`): `filters.name(doc, req)` decides, `req` carrying the
 * changes request's query. A truthy answer passes (as CouchDB's query server reads it); a throwing filter rejects
 * the change.
 */
export function designChangesFilter(ctx: DbContext, name: string, options: ChangesOptions, query: Record<string, string> = {}): ChangesFilter {
  const match = /^([^/]+)\/([^/]+)$/.exec(name);
  if (!match) throw new BadRequestError('`filter` must be of the form `designname/filtername`');
  const ddoc = loadDesignDoc(ctx, match[1]!);
  const filters = ddoc.doc['filters'];
  const source = isJsonObject(filters) ? filters[match[2]!] : undefined;
  if (typeof source !== 'string') throw missingFunction(match[2]!);
  const fn = ddoc.compiled(source);
  const req: JsonValue = {
    query: { ...query, filter: name, ...(options.since === undefined ? {} : { since: String(options.since) }) },
    userCtx: defaultUserCtx(ctx.name) as unknown as JsonValue,
    secObj: securityObject(ctx) as JsonValue,
    info: { db_name: ctx.name },
  };
  const acceptsMany = (docs: readonly Document[]): boolean[] =>
    ddoc.sandbox.filterDocs(fn, docs.map((doc) => JSON.stringify(doc)), req);
  return {
    countsRemainder: false,
    needsDoc: true,
    accepts: (_id, doc: Document | undefined) => doc !== undefined && acceptsMany([doc])[0] === true,
    acceptsMany,
  };
}
