import type { DatabaseAdapter } from '../adapter/database-adapter.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { isJsonObject } from '../json.js';
import { designFilterParts } from './feed-filter.js';

/**
 * The source code of a design-document filter `ddoc/name` on `source`, trimmed, as CouchDB's replicator reads it to
 * derive the replication id. Built-in filters (`_view`, `_doc_ids`...) have no code: undefined. A design document
 * without `filters` or without that function is a `not_found` with CouchDB's reason (`missing json key: filters`);
 * a missing design document is the source's own `not_found`.
 */
export async function fetchFilterCode(source: DatabaseAdapter, filter: string | undefined): Promise<string | undefined> {
  if (filter === undefined || filter.startsWith('_')) return undefined;
  const [ddocName, name] = designFilterParts(filter);
  const ddoc = await source.get(`_design/${ddocName}`);
  const filters = ddoc['filters'];
  if (!isJsonObject(filters)) throw new NotFoundError('missing json key: filters');
  const code = filters[name];
  if (typeof code !== 'string') throw new NotFoundError(`missing json key: ${name}`);
  return code.trim();
}
