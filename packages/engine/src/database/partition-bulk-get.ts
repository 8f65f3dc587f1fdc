import type { BulkGetOptions, BulkGetRequest, BulkGetResponse } from '@settee/core';
import type { Storage } from '../storage/storage.js';
import { partitionOf } from './partition-ids.js';
import { readBulkGet } from './read-doc.js';

/**
 * `_bulk_get` in a partitioned database: an entry whose id has no partition gets CouchDB's per-entry
 * `illegal_docid` error (its shard cannot be found); the other entries are read as usual, and the answer keeps the
 * request order.
 */
export function bulkGetPartitioned(storage: Storage, requests: readonly BulkGetRequest[], options: BulkGetOptions): BulkGetResponse {
  const refused = (request: BulkGetRequest): boolean =>
    typeof request?.id === 'string' && !request.id.startsWith('_') && partitionOf(request.id) === undefined;
  const readable = requests.filter((request) => !refused(request));
  const answered = readBulkGet(storage, readable, options).results;
  let next = 0;
  const results = requests.map((request) => {
    if (!refused(request)) return answered[next++]!;
    const rev = typeof request.rev === 'string' ? request.rev : null;
    return {
      id: request.id,
      docs: [{ error: { id: request.id, rev, error: 'illegal_docid', reason: 'Doc id must be of form partition:id' } }],
    };
  });
  return { results };
}
