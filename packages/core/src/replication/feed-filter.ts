import type { ChangesOptions } from '../adapter/changes.js';
import { BadRequestError } from '../errors/bad-request-error.js';
import { isJsonObject } from '../json.js';
import type { ReplicationOptions } from './types.js';

/** The changes-feed parameters that select what a replication copies. */
export type FeedFilter = Pick<ChangesOptions, 'filter' | 'doc_ids' | 'selector' | 'query_params'>;

/**
 * The design document and function a `ddoc/name` filter names, split at the first `/`; CouchDB's 400 for a filter
 * of another form.
 */
export function designFilterParts(filter: string): [ddoc: string, name: string] {
  if (!/^[^/]+\/.+$/.test(filter)) throw new BadRequestError('Invalid filter. Must match `ddocname/filtername`.');
  const slash = filter.indexOf('/');
  return [filter.slice(0, slash), filter.slice(slash + 1)];
}

/**
 * Maps `doc_ids`, `selector` or a design-document `filter` to the changes filter that serves it, refusing what
 * CouchDB's `_replicate` refuses (reasons as CouchDB words them).
 */
export function feedFilter(options: ReplicationOptions): FeedFilter {
  const given = [options.doc_ids, options.selector, options.filter].filter((value) => value !== undefined).length;
  if (given > 1) throw new BadRequestError('`doc_ids`,`filter`,`selector` are mutually exclusive');
  if (options.doc_ids !== undefined) {
    if (!Array.isArray(options.doc_ids) || !options.doc_ids.every((id) => typeof id === 'string')) {
      throw new BadRequestError('parameter `doc_ids` must be an array');
    }
    return { filter: '_doc_ids', doc_ids: [...options.doc_ids] };
  }
  if (options.selector !== undefined) {
    if (!isJsonObject(options.selector)) throw new BadRequestError('`selector` must be a JSON object');
    return { filter: '_selector', selector: options.selector };
  }
  if (options.filter !== undefined) {
    if (typeof options.filter !== 'string') throw new BadRequestError('Invalid filter. Must match `ddocname/filtername`.');
    // `_view`, `_design`...: the source's built-in filters, served as they are (CouchDB's `view` filter type).
    if (!options.filter.startsWith('_')) designFilterParts(options.filter);
    return { filter: options.filter, ...(options.query_params === undefined ? {} : { query_params: { ...options.query_params } }) };
  }
  return {};
}
