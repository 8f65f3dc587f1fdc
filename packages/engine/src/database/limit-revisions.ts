import type { BulkGetResponse, Document, OpenRevsEntry } from '@settee/core';

/**
 * CouchDB reads a document's revision path no further back than the database's `revs_limit` (couch_db:make_doc), so
 * `_revisions` is cut to it even when the stored tree is longer (written before the limit was lowered). Mutates and
 * returns the freshly built document.
 */
export function limitRevisions<T extends Document>(doc: T, revsLimit: number): T {
  const revisions = doc._revisions;
  if (revisions !== undefined && revisions.ids.length > revsLimit) doc._revisions = { start: revisions.start, ids: revisions.ids.slice(0, revsLimit) };
  return doc;
}

/** {@link limitRevisions} on every document of an `open_revs` answer. */
export function limitOpenRevs(entries: OpenRevsEntry[], revsLimit: number): OpenRevsEntry[] {
  for (const entry of entries) if ('ok' in entry) limitRevisions(entry.ok, revsLimit);
  return entries;
}

/** {@link limitRevisions} on every document of a `_bulk_get` answer. */
export function limitBulkGet(answer: BulkGetResponse, revsLimit: number): BulkGetResponse {
  for (const result of answer.results) for (const entry of result.docs) if ('ok' in entry) limitRevisions(entry.ok, revsLimit);
  return answer;
}
