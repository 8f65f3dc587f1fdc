import { BadRequestError, isJsonObject, type JsonValue } from '@settee/core';
import { formatErlangPretty } from './erlang-pretty.js';

/** One field of a Mango sort. */
export interface SortField {
  readonly field: string;
  readonly direction: 'asc' | 'desc';
}

/**
 * Reads the `sort` member of a `_find` request like CouchDB's mango_sort:new/1: an array of field names
 * (ascending) or `{field: "asc" | "desc"}` objects, all in one direction. Absent means no sort (`[]`). Throws
 * CouchDB's 400 invalid_sort_json / invalid_sort_field / unsupported_mixed_sort.
 */
export function parseSort(sort: JsonValue | undefined): SortField[] {
  if (sort === undefined) return [];
  if (!Array.isArray(sort)) {
    throw new BadRequestError(`Sort must be an array of sort specs, not: ${formatErlangPretty(sort)}`, { error: 'invalid_sort_json' });
  }
  const fields = sort.map(parseSortField);
  if (new Set(fields.map((f) => f.direction)).size > 1) {
    throw new BadRequestError('Sorts currently only support a single direction for all fields.', { error: 'unsupported_mixed_sort' });
  }
  return fields;
}

function parseSortField(spec: JsonValue): SortField {
  if (typeof spec === 'string' && spec !== '') return { field: spec, direction: 'asc' };
  if (isJsonObject(spec)) {
    const entries = Object.entries(spec);
    const [field, direction] = entries[0] ?? [];
    if (entries.length === 1 && (direction === 'asc' || direction === 'desc')) return { field: field!, direction };
  }
  throw new BadRequestError(`Invalid sort field: ${formatErlangPretty(spec)}`, { error: 'invalid_sort_field' });
}
