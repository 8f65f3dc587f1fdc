import {
  BadRequestError,
  ConflictError,
  NotFoundError,
  errorFromCouch,
  type AttachmentData,
  type GetAttachmentOptions,
  type JsonObject,
  type UserContext,
  type WriteResult,
} from '@settee/core';
import { findRevision, historyOf, parseRev } from '../revs/rev-tree.js';
import type { DbContext } from './db-context.js';
import { isLocalId } from './doc-ids.js';
import { loadRecord, loadRevBody } from './load-record.js';
import type { AttachmentInput, PreparedDoc } from './prepare-doc.js';
import { SPACE } from './records.js';
import { writeDocs } from './write-docs.js';

const MISSING_ATTACHMENT = 'Document is missing attachment';

/** Reads an attachment of the winning revision (or `options.rev`). */
export function readAttachment(ctx: DbContext, docId: string, name: string, options: GetAttachmentOptions): AttachmentData {
  const record = loadRecord(ctx.storage, docId);
  if (!record) throw new NotFoundError('missing', { id: docId });
  let rev = record.winner;
  if (options.rev !== undefined) {
    parseRev(options.rev);
    if (!findRevision(record.tree, options.rev)) throw new NotFoundError('missing', { id: docId });
    rev = options.rev;
  } else if (record.deleted) {
    throw new NotFoundError('deleted', { id: docId });
  }
  const att = loadRevBody(ctx.storage, record, rev)?.atts?.[name];
  const base64 = att ? ctx.storage.get(SPACE.atts, att.digest) : undefined;
  if (!att || base64 === undefined) throw new NotFoundError(MISSING_ATTACHMENT, { id: docId });
  return { data: new Uint8Array(Buffer.from(base64, 'base64')), content_type: att.content_type, digest: att.digest, length: att.length };
}

/** Adds or replaces one attachment: a new revision whose attachment list starts with it, as CouchDB orders it. */
export function writeAttachment(
  ctx: DbContext,
  docId: string,
  name: string,
  data: Uint8Array,
  contentType: string,
  rev: string | undefined,
  userCtx?: UserContext,
): WriteResult {
  checkTarget(docId, name);
  const added: AttachmentInput = { kind: 'data', name, contentType: contentType || 'application/octet-stream', data, revpos: undefined };
  return rewrite(ctx, docId, rev, (atts) => [added, ...atts.filter((a) => a.name !== name)], true, userCtx);
}

/** Removes one attachment, writing a new revision without it. */
export function deleteAttachment(ctx: DbContext, docId: string, name: string, rev: string, userCtx?: UserContext): WriteResult {
  checkTarget(docId, name);
  const edit = (atts: AttachmentInput[]): AttachmentInput[] => {
    if (!atts.some((a) => a.name === name)) throw new NotFoundError(MISSING_ATTACHMENT, { id: docId });
    return atts.filter((a) => a.name !== name);
  };
  return rewrite(ctx, docId, rev, edit, false, userCtx);
}

function checkTarget(docId: string, name: string): void {
  if (isLocalId(docId)) throw new BadRequestError('_local documents do not accept attachments.');
  if (typeof name !== 'string' || name === '') throw new BadRequestError('Attachment name must be a non-empty string');
  if (name.startsWith('_')) throw new BadRequestError(`Attachment name '${name}' starts with prohibited character '_'`);
}

/**
 * Writes a new revision of `docId` with the same body and an edited attachment list. Without `rev` this only
 * works when the document does not exist (it is created), as with CouchDB's standalone attachment PUT.
 */
function rewrite(
  ctx: DbContext,
  docId: string,
  rev: string | undefined,
  edit: (atts: AttachmentInput[]) => AttachmentInput[],
  createMissing: boolean,
  userCtx: UserContext | undefined,
): WriteResult {
  const parsed = rev === undefined ? undefined : parseRev(rev);
  const record = loadRecord(ctx.storage, docId);
  // CouchDB opens the given revision first: one the document does not have is 409 missing_rev, even for a document
  // that does not exist (chttpd_db's attachment PUT and DELETE).
  if (rev !== undefined && !(record && findRevision(record.tree, rev))) throw new ConflictError('missing_rev', { error: 'not_found', id: docId });
  if (!record && !createMissing) throw new NotFoundError('missing', { id: docId });
  if (record && !record.deleted && rev === undefined) throw new ConflictError('Document update conflict.', { id: docId });
  const base = record && rev !== undefined ? loadRevBody(ctx.storage, record, rev) : undefined;
  const existing: AttachmentInput[] = Object.entries(base?.atts ?? {}).map(([attName, att]) => ({ kind: 'stub', name: attName, digest: att.digest, revpos: undefined }));
  const doc: PreparedDoc = {
    id: docId,
    rev: parsed,
    // chttpd_db opens the revision before editing its attachments: validators see its whole path.
    revisions: record && rev !== undefined ? historyOf(record.tree, rev) : undefined,
    deleted: false,
    body: base ? (JSON.parse(base.body) as JsonObject) : {},
    attachments: edit(existing),
    encoded: undefined,
  };
  // validate_doc_update sees the attachment write as the user who made it.
  const [result] = writeDocs(ctx, [doc], true, userCtx);
  if (!result || !('ok' in result)) throw errorFromCouch(result ?? { error: 'unknown_error', reason: 'no result' });
  return result;
}
