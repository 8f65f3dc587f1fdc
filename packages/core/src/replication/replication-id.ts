import type { JsonValue } from '../json.js';
import { md5Hex } from './md5.js';
import type { ReplicationOptions } from './types.js';

/** The version of the checkpoint format written (CouchDB 3's `replication_id_version`). */
export const REPLICATION_ID_VERSION = 4;

/** JSON with object members sorted, so that equal selectors written in another order give the same id. */
function canonicalJson(value: JsonValue | undefined): string {
  if (value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The replication id: an MD5 hex digest of both endpoints' locations and of what selects the documents (doc ids,
 * selector, filter with its code and parameters, `since`, `winning_revs_only`), like CouchDB's v4 ids.
 * `filterCode` is the design-document filter's source (`fetchFilterCode`): CouchDB hashes the code rather than its
 * name, so that changing a filter starts the replication over. `continuous` and `create_target` are left out on
 * purpose: CouchDB's one-shot and continuous jobs on the same endpoints share one checkpoint document.
 */
export function replicationId(
  sourceLocation: string,
  targetLocation: string,
  options: ReplicationOptions,
  filterCode?: string,
): string {
  const selection: JsonValue[] = [];
  if (options.doc_ids !== undefined) selection.push(['doc_ids', [...new Set(options.doc_ids)].sort()]);
  if (options.selector !== undefined) selection.push(['selector', canonicalJson(options.selector)]);
  if (options.filter !== undefined) {
    const filter: JsonValue[] = ['filter', options.filter, canonicalJson(options.query_params ?? {})];
    if (filterCode !== undefined) filter.push(filterCode);
    selection.push(filter);
  }
  if (options.since !== undefined) selection.push(['since', String(options.since)]);
  if (options.winning_revs_only === true) selection.push(['winning_revs_only', true]);
  return md5Hex(canonicalJson([sourceLocation, targetLocation, selection]));
}
