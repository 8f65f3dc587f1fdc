import { NotFoundError, type AllDocsOptions, type Document, type LocalDocsResponse } from '@settee/core';
import type { Storage, StorageOp } from '../storage/storage.js';
import type { PreparedDoc } from './prepare-doc.js';
import { bodyJsonOf } from './body-json.js';
import { SPACE } from './records.js';
import { rangeForListing } from './key-range.js';

/**
 * `_local` documents: no revision tree, no MVCC (any or no `_rev` is accepted), revs `0-N` where N counts
 * writes from the `_rev` given, never in the changes feed or `_all_docs`. Stored as `rev \n body`.
 */
export function writeLocalDoc(storage: Storage, ops: StorageOp[], id: string, doc: PreparedDoc): string {
  if (doc.deleted) {
    if (storage.get(SPACE.local, id) === undefined) throw new NotFoundError('missing', { id });
    ops.push({ type: 'del', space: SPACE.local, key: id });
    return '0-0';
  }
  const given = doc.rev ? Number(doc.rev.hash) : 0;
  const rev = `0-${given + 1}`;
  ops.push({ type: 'put', space: SPACE.local, key: id, value: `${rev}\n${bodyJsonOf(doc.body, id)}` });
  return rev;
}

/** Reads a `_local` document, or throws `not_found` `missing`. */
export function readLocalDoc(storage: Storage, id: string, withRevisions: boolean): Document {
  const text = storage.get(SPACE.local, id);
  if (text === undefined) throw new NotFoundError('missing', { id });
  return localDocFromText(id, text, withRevisions);
}

function localDocFromText(id: string, text: string, withRevisions: boolean): Document {
  const newline = text.indexOf('\n');
  const rev = text.slice(0, newline);
  const body = JSON.parse(text.slice(newline + 1)) as Record<string, unknown>;
  const doc = { _id: id, _rev: rev, ...body } as Document;
  if (withRevisions) doc._revisions = { start: 0, ids: [rev.slice(2)] };
  return doc;
}

/** CouchDB's `_local_docs`: like `_all_docs` over local documents; `total_rows` and `offset` are null there. */
export function listLocalDocs(storage: Storage, options: Pick<AllDocsOptions, 'startkey' | 'endkey' | 'limit' | 'skip' | 'descending' | 'include_docs' | 'keys'>): LocalDocsResponse {
  const rows: LocalDocsResponse['rows'] = [];
  const entries: Array<[string, string | undefined]> = options.keys
    ? options.keys.map((key) => [key, storage.get(SPACE.local, key)])
    : storage.range(SPACE.local, rangeForListing(options, options.skip ?? 0));
  const skip = options.keys ? (options.skip ?? 0) : 0;
  for (const [id, text] of entries.slice(skip, options.limit === undefined ? undefined : skip + options.limit)) {
    if (text === undefined) {
      rows.push({ key: id, error: 'not_found' });
      continue;
    }
    const rev = text.slice(0, text.indexOf('\n'));
    rows.push({ id, key: id, value: { rev }, ...(options.include_docs ? { doc: localDocFromText(id, text, false) } : {}) });
  }
  return { total_rows: null, offset: null, rows };
}
