import { BadRequestError, isJsonObject, type JsonObject, type JsonValue, type Revisions } from '@settee/core';
import type { RevHashBatch } from '../revs/rev-hash-pool.js';
import { parseRev, parseRevId } from '../revs/rev-tree.js';
import { decodeBase64 } from './attachment-meta.js';
import { assertDocId, isLocalId } from './doc-ids.js';

/** An attachment as given in a write: new bytes, or a stub that keeps the parent revision's attachment. */
export type AttachmentInput =
  | {
      kind: 'data';
      name: string;
      contentType: string;
      data: Uint8Array;
      /** The given `revpos`: kept by a replicated write (0 when absent), replaced by an interactive one. */
      revpos: number | undefined;
    }
  | {
      kind: 'stub';
      name: string;
      digest: string | undefined;
      /** The stub's `revpos`: when given, it must be the stored attachment's (couch_att:merge_stubs). */
      revpos: number | undefined;
    };

/** A write request after validation: everything the write path needs, nothing it must check again. */
export interface PreparedDoc {
  /** Undefined when the id is to be generated. */
  id: string | undefined;
  rev: { pos: number; hash: string } | undefined;
  revisions: Revisions | undefined;
  deleted: boolean;
  /** The body without special members. */
  body: JsonObject;
  /** Undefined when the document has no `_attachments` member (it then drops any it had). */
  attachments: AttachmentInput[] | undefined;
  /**
   * Where the body's JSON text and revision hash computed ahead of the write are found (see precomputeRevHashes);
   * the hash is valid for this parent and no attachments. Always present, so that every prepared document has one
   * hidden class (see RevHashPool on why shapes that outlive a batch matter).
   */
  encoded: { parent: { pos: number; hash: string } | null; batch: RevHashBatch; index: number } | undefined;
}

/** Special members a written document may carry; the read-only ones are dropped silently as CouchDB does. */
const ACCEPTED_SPECIALS = new Set([
  '_id', '_rev', '_deleted', '_attachments', '_revisions', '_conflicts', '_deleted_conflicts', '_local_seq', '_revs_info',
]);

/** Special members CouchDB keeps in the body, in any database (the replicator's state, couch_doc:transfer_fields). */
const BODY_SPECIALS = new Set(['_replication_state', '_replication_state_time', '_replication_state_reason', '_replication_id', '_replication_stats']);

function badSpecial(key: string, id?: string): BadRequestError {
  return new BadRequestError(`Bad special document member: ${key}`, { error: 'doc_validation', ...(id ? { id } : {}) });
}

/**
 * Validates one document of a write and splits it into its parts. Throws CouchDB's error for the first problem:
 * `bad_request` "Document must be a JSON object", `illegal_docid`, `doc_validation` "Bad special document member",
 * `bad_request` "Invalid rev format", attachment errors.
 */
export function prepareDoc(input: unknown, idOverride?: string): PreparedDoc {
  if (!isJsonObject(input)) throw new BadRequestError('Document must be a JSON object');
  const id = idOverride ?? (input._id === undefined ? undefined : input._id);
  if (id !== undefined) assertDocId(id);
  const body: JsonObject = {};
  for (const key of Object.keys(input)) {
    const value = input[key] as JsonValue;
    if (key.startsWith('_') && !BODY_SPECIALS.has(key)) {
      if (!ACCEPTED_SPECIALS.has(key)) throw badSpecial(key, id);
    } else if (value !== undefined) {
      body[key] = value;
    }
  }
  const deleted = parseDeleted(input._deleted);
  const rev = input._rev === undefined ? undefined : parseAnyRev(expectString(input._rev, 'Invalid rev format'), id);
  const local = id !== undefined && isLocalId(id);
  const revisions = input._revisions === undefined ? undefined : parseRevisions(input._revisions, local);
  const attachments = input._attachments === undefined ? undefined : parseAttachments(input._attachments);
  return { id: id as string | undefined, rev, revisions, deleted, body, attachments, encoded: undefined };
}

/** `_local` documents carry revs `0-N`; every other document a revision id. */
function parseAnyRev(rev: string, id: string | undefined): { pos: number; hash: string } {
  if (id !== undefined && isLocalId(id)) {
    const match = /^0-(\d+)$/.exec(rev);
    if (!match) throw new BadRequestError('Invalid rev format');
    return { pos: 0, hash: match[1]! };
  }
  return parseRev(rev);
}

function parseDeleted(value: unknown): boolean {
  if (value === undefined || value === false) return false;
  if (value === true) return true;
  throw badSpecial('_deleted');
}

function expectString(value: unknown, reason: string): string {
  if (typeof value !== 'string') throw new BadRequestError(reason);
  return value;
}

/** `_revisions` of a revision-tree document; on a `_local` document (no tree) only its shape is checked. */
function parseRevisions(value: unknown, local: boolean): Revisions | undefined {
  if (!isJsonObject(value)) throw badSpecial('_revisions');
  const { start, ids } = value;
  // CouchDB's messages for the shapes couch_doc:transfer_fields checks; the rest are this engine's.
  if (typeof start !== 'number' || !Number.isInteger(start)) throw new BadRequestError("_revisions.start isn't an integer.", { error: 'doc_validation' });
  if (!Array.isArray(ids)) throw new BadRequestError("_revisions.ids isn't a array.", { error: 'doc_validation' });
  if (!ids.every((h) => typeof h === 'string')) throw new BadRequestError("RevId isn't a string", { error: 'doc_validation' });
  // A `_local` document has no tree: CouchDB takes any integer start there (PouchDB writes `{start: 0}`).
  if (local) return undefined;
  if (start < 1) throw new BadRequestError('_revisions.start must be a positive integer', { error: 'doc_validation' });
  if (ids.length === 0 || ids.length > start || ids.some((h) => h === '')) {
    throw new BadRequestError('_revisions.ids must be a non-empty list of revision hashes, at most `start` long', { error: 'doc_validation' });
  }
  return { start, ids: (ids as string[]).map((hash) => parseRevId(hash)) };
}

function parseAttachments(value: unknown): AttachmentInput[] {
  if (!isJsonObject(value)) throw badSpecial('_attachments');
  const result: AttachmentInput[] = [];
  for (const [name, att] of Object.entries(value)) {
    if (name.startsWith('_')) throw new BadRequestError(`Attachment name '${name}' starts with prohibited character '_'`);
    if (!isJsonObject(att)) throw new BadRequestError(`Invalid attachment data for ${name}`);
    if (att.stub === true) {
      result.push({
        kind: 'stub',
        name,
        digest: typeof att.digest === 'string' ? att.digest : undefined,
        revpos: typeof att.revpos === 'number' ? att.revpos : undefined,
      });
      continue;
    }
    const data = typeof att.data === 'string' ? decodeBase64(att.data) : undefined;
    if (!data) throw new BadRequestError(`Invalid attachment data for ${name}`);
    const contentType = typeof att.content_type === 'string' ? att.content_type : 'application/octet-stream';
    result.push({ kind: 'data', name, contentType, data, revpos: typeof att.revpos === 'number' ? att.revpos : undefined });
  }
  return result;
}

