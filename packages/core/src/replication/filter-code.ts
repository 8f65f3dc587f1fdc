import type { DatabaseAdapter } from '../adapter/database-adapter.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { isJsonObject } from '../json.js';

/**
 * The source code of a design-document filter `ddoc/name` on `source`, trimmed, as CouchDB's replicator reads it to
 * derive the replication id. Built-in filters (`_view`, `_doc_ids`...) have no code: undefined. A missing design
 * document or function is a `not_found` whose reason is CouchDB's (`missing json key: filters`).
 */
export async function fetchFilterCode(source: DatabaseAdapter, filter: string | undefined): Promise<string | undefined> {
  if (filter === undefined || filter.startsWith('_')) return undefined;
  const slash = filter.indexOf('/');
  const ddocName = filter.slice(0, slash);
  const name = filter.slice(slash + 1);
  const ddoc = await source.get(`_design/${ddocName}`);
  const filters = ddoc['filters'];
  if (!isJsonObject(filters)) throw new NotFoundError('missing json key: filters');
  const code = filters[name];
  if (typeof code !== 'string') throw new NotFoundError(`missing json key: ${name}`);
  return code.trim();
}
