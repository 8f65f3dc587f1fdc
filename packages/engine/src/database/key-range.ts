import type { AllDocsOptions } from '@settee/core';
import type { KeyRange } from '../storage/storage.js';

/**
 * The storage range for an `_all_docs`-style listing. With `descending`, CouchDB reads `startkey` as the upper
 * bound; a range given the wrong way round simply matches nothing. `inclusive_end` (default true) decides whether
 * the row equal to `endkey` is included. `extra` rows are fetched beyond `limit` to cover `skip`.
 */
export function rangeForListing(options: Pick<AllDocsOptions, 'startkey' | 'endkey' | 'key' | 'inclusive_end' | 'descending' | 'limit'>, extra: number): KeyRange {
  const range: KeyRange = {};
  const start = options.key ?? options.startkey;
  const end = options.key ?? options.endkey;
  const inclusiveEnd = options.key !== undefined || options.inclusive_end !== false;
  if (options.descending) {
    range.reverse = true;
    if (start !== undefined) range.lte = start;
    if (end !== undefined) {
      if (inclusiveEnd) range.gte = end;
      else range.gt = end;
    }
  } else {
    if (start !== undefined) range.gte = start;
    if (end !== undefined) {
      if (inclusiveEnd) range.lte = end;
      else range.lt = end;
    }
  }
  if (options.limit !== undefined) range.limit = options.limit + extra;
  return range;
}
