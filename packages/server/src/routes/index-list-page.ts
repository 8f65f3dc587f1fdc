import { InternalServerError, type IndexListResponse } from '@settee/core';

/**
 * `GET /db/_index?limit=&skip=`: CouchDB's page of the index list (mango_httpd's list handler). `total_rows` always
 * counts every index; `limit` defaults to all of them and must be at least 1, `skip` must not be negative and past
 * the end gives an empty page. A value that is not an integer, or out of range, is CouchDB's 500
 * invalid_list_index_params. Parameters are split on `&` and `;` as mochiweb does; the first of a repeated one
 * counts, though each is checked.
 */
export function pageOfIndexes(list: IndexListResponse, rawQuery: string): IndexListResponse {
  let limit: number | undefined;
  let skip: number | undefined;
  for (const pair of rawQuery.split(/[&;]/)) {
    const eq = pair.indexOf('=');
    const name = decode(eq < 0 ? pair : pair.slice(0, eq));
    if (name !== 'limit' && name !== 'skip') continue;
    const value = erlangInteger(decode(eq < 0 ? '' : pair.slice(eq + 1)));
    if (name === 'limit') limit ??= value;
    else skip ??= value;
  }
  const total = list.total_rows;
  limit ??= total;
  skip ??= 0;
  if (limit < 1 || skip < 0) throw invalidParams();
  const from = Math.min(skip, total);
  return { total_rows: total, indexes: list.indexes.slice(from, from + limit) };
}

/** list_to_integer: optional sign, then decimal digits only. */
function erlangInteger(text: string): number {
  if (!/^[+-]?\d+$/.test(text)) throw invalidParams();
  return Number(text);
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return text;
  }
}

function invalidParams(): InternalServerError {
  return new InternalServerError('Index parameter ranges: limit > 1, skip > 0', { error: 'invalid_list_index_params' });
}
