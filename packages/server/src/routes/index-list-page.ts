import { InternalServerError, type IndexListResponse } from '@settee/core';
import { queryParams } from '../http/query.js';

/**
 * `GET /db/_index?limit=&skip=`: CouchDB's page of the index list (mango_httpd's list handler). `total_rows` always
 * counts every index; `limit` defaults to all of them and must be at least 1, `skip` must not be negative and past
 * the end gives an empty page. A value that is not an integer, or out of range, is CouchDB's 500
 * invalid_list_index_params.
 */
export function pageOfIndexes(list: IndexListResponse, rawQuery: string): IndexListResponse {
  const params = queryParams(rawQuery);
  // The first of a repeated parameter counts, though each is checked.
  const limits = params.getAll('limit').map(erlangInteger);
  const skips = params.getAll('skip').map(erlangInteger);
  const total = list.total_rows;
  const limit = limits[0] ?? total;
  const skip = skips[0] ?? 0;
  if (limit < 1 || skip < 0) throw invalidParams();
  const from = Math.min(skip, total);
  return { total_rows: total, indexes: list.indexes.slice(from, from + limit) };
}

/** list_to_integer: optional sign, then decimal digits only. */
function erlangInteger(text: string): number {
  if (!/^[+-]?\d+$/.test(text)) throw invalidParams();
  return Number(text);
}

function invalidParams(): InternalServerError {
  return new InternalServerError('Index parameter ranges: limit > 1, skip > 0', { error: 'invalid_list_index_params' });
}
