import {
  BadRequestError,
  formatErlangTerm,
  InternalServerError,
  isSetteeError,
  type DatabaseAdapter,
  type JsonValue,
} from '@settee/core';

/** One entry of a `_bulk_delete` answer. */
type Outcome = { id: string; ok: true } | { id: string; error: string };

/** The answer of `POST /db/_index/_bulk_delete`. */
export interface BulkDeleteResponse {
  success: Outcome[];
  fail: Outcome[];
}

/**
 * `POST /db/_index/_bulk_delete {"docids": [...], "w"?}` (mango_httpd): deletes the index of each design document
 * named (with or without `_design/`), one after the other. A design document without an index is a `fail` entry
 * `not_found`; one holding several indexes stops the request with a 500, as CouchDB's match on a single index
 * does (the ones before it stay deleted). Both lists come out in reverse order, as CouchDB folds them.
 */
export async function bulkDeleteIndexes(db: DatabaseAdapter, body: Record<string, unknown>): Promise<BulkDeleteResponse> {
  const docids = validDocids(body);
  const success: Outcome[] = [];
  const fail: Outcome[] = [];
  for (const docid of docids) {
    // CouchDB builds `<<"_design/", Id/binary>>`, which crashes for anything but a string.
    if (typeof docid !== 'string') throw new InternalServerError('badarg');
    const id = docid.startsWith('_design/') ? docid : `_design/${docid}`;
    const inDdoc = (await db.getIndexes()).indexes.filter((index) => index.ddoc === id);
    if (inDdoc.length > 1) throw new InternalServerError('case_clause');
    const [index] = inDdoc;
    if (index === undefined) {
      fail.unshift({ id, error: 'not_found' });
      continue;
    }
    try {
      await db.deleteIndex(id, index.name);
      success.unshift({ id, ok: true });
    } catch (error) {
      if (!isSetteeError(error)) throw error;
      fail.unshift({ id, error: error.error });
    }
  }
  return { success, fail };
}

/**
 * mango_opts:validate_bulk_delete, in its order: `docids` is required and a list whose members pass the
 * `use_index` check, `w` a positive integer, no other member.
 */
function validDocids(body: Record<string, unknown>): readonly JsonValue[] {
  const docids = body['docids'] as JsonValue | undefined;
  if (docids === undefined) throw new BadRequestError('Missing required key: docids', { error: 'missing_required_key' });
  if (!Array.isArray(docids)) {
    throw new BadRequestError(`Bulk Delete requires an array of non-null docids. Docids: ${formatErlangTerm(docids)}`, {
      error: 'invalid_bulk_docs',
    });
  }
  for (const docid of docids) {
    if (!isIndexName(docid)) throw new BadRequestError(`Invalid index name: ${formatErlangTerm(docid)}`, { error: 'invalid_index_name' });
  }
  const w = body['w'] as JsonValue | undefined;
  if (w !== undefined && !(typeof w === 'number' && Number.isSafeInteger(w) && w > 0)) {
    throw new BadRequestError(`${formatErlangTerm(w)} is not an integer greater than zero`, { error: 'invalid_pos_integer' });
  }
  const unknown = Object.keys(body).find((key) => key !== 'docids' && key !== 'w');
  if (unknown !== undefined) throw new BadRequestError(`Invalid key ${unknown} for this request.`, { error: 'invalid_key' });
  return docids;
}

/** What `use_index` accepts: a string, null, or a list of at most two strings. */
function isIndexName(value: JsonValue): boolean {
  if (value === null || typeof value === 'string') return true;
  return Array.isArray(value) && value.length <= 2 && value.every((part) => typeof part === 'string');
}
