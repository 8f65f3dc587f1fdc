import {
  ConflictError,
  ForbiddenError,
  SetteeError,
  UnauthorizedError,
  isJsonObject,
  type JsonObject,
  type JsonValue,
  type UserContext,
} from '@settee/core';
import type { DbContext, DbMeta } from '../database/db-context.js';
import { DESIGN_PREFIX } from '../database/doc-ids.js';
import type { PreparedDoc } from '../database/prepare-doc.js';
import type { DocRecord } from '../database/records.js';
import { findRevision } from '../revs/rev-tree.js';
import { allDesignDocs, type LoadedDesignDoc } from './design-docs.js';
import { defaultUserCtx, securityObject } from './design-request.js';
import { describeThrown, SandboxTimeoutError } from './sandbox.js';
import { validateDesignDoc } from './validate-design-doc.js';
import { hasReplicatedRevision, oldDocOf } from './vdu-old-doc.js';

/** The design documents with a `validate_doc_update`, as of one committed state of the database. */
interface VduCache {
  ddocs: LoadedDesignDoc[];
  /** Set when a batch wrote a design document: reload once a commit (a new `ctx.meta`) has happened. */
  staleAfter: DbMeta | undefined;
}

const caches = new WeakMap<DbContext, VduCache>();

function validators(ctx: DbContext): LoadedDesignDoc[] {
  let cache = caches.get(ctx);
  if (!cache || (cache.staleAfter !== undefined && cache.staleAfter !== ctx.meta)) {
    cache = { ddocs: allDesignDocs(ctx).filter((d) => typeof d.doc['validate_doc_update'] === 'string'), staleAfter: undefined };
    caches.set(ctx, cache);
  }
  return cache.ddocs;
}

function isAdmin(ctx: DbContext, userCtx: UserContext): boolean {
  if (userCtx.roles.includes('_admin')) return true;
  const admins = securityObject(ctx).admins;
  if (!admins) return false;
  return (userCtx.name !== null && (admins.names ?? []).includes(userCtx.name)) || userCtx.roles.some((role) => (admins.roles ?? []).includes(role));
}

/**
 * The write path's validation hook, called for each non-local document of a batch before it is applied, in the
 * order of couch_db's prep_and_validate_update(s):
 * - the revision check comes first: a write that will fail it is left to it, and an edit with a `_rev` of a
 *   document that does not exist is a conflict (whenever CouchDB validates: validators exist, or the document is a
 *   design document or carries attachments); a replicated revision the tree already has is not validated;
 * - design documents: only admins may write them (when a user context is given; the engine itself is trusted), and
 *   their views must be valid (`invalid_design_doc`, `compilation_error`);
 * - other documents: every design document's `validate_doc_update(newDoc, oldDoc, userCtx, secObj)` runs, in id
 *   order, with `oldDoc` the revision the write is made on (see oldDocOf); `{forbidden}` rejects with 403,
 *   `{unauthorized}` with 401, anything else thrown with a 500.
 * `current` is the document as the batch has it so far (its revision check sees earlier writes of the batch);
 * `stored` is the record as stored before the batch, which CouchDB validates against.
 */
export function validateWrite(
  ctx: DbContext,
  id: string,
  doc: PreparedDoc,
  current: DocRecord | undefined,
  stored: DocRecord | undefined,
  newEdits: boolean,
  userCtx: UserContext | undefined,
): void {
  const isDesign = id.startsWith(DESIGN_PREFIX);
  if (isDesign) {
    // Load the validators as of before this batch, then mark them to reload once the batch is committed.
    validators(ctx);
    caches.get(ctx)!.staleAfter = ctx.meta;
  }
  const ddocs = isDesign ? [] : validators(ctx);
  if (!isDesign && ddocs.length === 0 && !hasAttachments(doc)) return;
  if (newEdits) {
    // Stubs on a document that does not exist fail as missing_stub, which CouchDB checks before the revision.
    if (!current && doc.rev && !hasStubs(doc)) throw new ConflictError('Document update conflict.', { id });
    if (willConflict(doc, current)) return;
  }
  if (!isDesign && ddocs.length === 0) return;
  if (!newEdits && stored && hasReplicatedRevision(doc, stored)) return;
  if (isDesign) {
    if (userCtx && !isAdmin(ctx, userCtx)) {
      // couch_db's throw_security_error: anonymous users are asked to log in (401), known ones are refused (403).
      const reason = 'You are not a db or server admin.';
      throw userCtx.name === null ? new UnauthorizedError(reason) : new ForbiddenError(reason);
    }
    if (!doc.deleted) validateDesignDoc(id, doc.body, ctx.partitioned === true);
    return;
  }
  const user = { ...(userCtx ?? defaultUserCtx(ctx.name)), db: ctx.name };
  const oldDoc = oldDocOf(ctx, doc, stored, newEdits);
  const args: JsonValue[] = [newDocOf(id, doc), oldDoc, user as unknown as JsonValue, securityObject(ctx) as JsonValue];
  for (const ddoc of ddocs) runValidator(ddoc, args);
}

function hasAttachments(doc: PreparedDoc): boolean {
  return doc.attachments !== undefined && doc.attachments.length > 0;
}

function hasStubs(doc: PreparedDoc): boolean {
  return doc.attachments?.some((att) => att.kind === 'stub') === true;
}

function willConflict(doc: PreparedDoc, current: DocRecord | undefined): boolean {
  if (!current) return false;
  if (!doc.rev) return !current.deleted;
  const found = findRevision(current.tree, `${doc.rev.pos}-${doc.rev.hash}`);
  return !found || !found.isLeaf;
}

/** The new revision as CouchDB shows it to the validator: `_id`, the given `_rev`, the body, then the specials. */
function newDocOf(id: string, doc: PreparedDoc): JsonObject {
  const out: JsonObject = { _id: id };
  const rev = doc.rev ? `${doc.rev.pos}-${doc.rev.hash}` : undefined;
  if (rev) out['_rev'] = rev;
  Object.assign(out, doc.body);
  if (doc.deleted) out['_deleted'] = true;
  if (doc.attachments) {
    const atts: JsonObject = {};
    for (const att of doc.attachments) {
      atts[att.name] = att.kind === 'data' ? { content_type: att.contentType, length: att.data.length } : { stub: true };
    }
    out['_attachments'] = atts;
  }
  // The revisions the request gave: `_revisions`, or `_rev` alone (couch_doc:from_json_obj, before a new id is added).
  if (doc.revisions) out['_revisions'] = { start: doc.revisions.start, ids: [...doc.revisions.ids] };
  else if (doc.rev) out['_revisions'] = { start: doc.rev.pos, ids: [doc.rev.hash] };
  return out;
}

function runValidator(ddoc: LoadedDesignDoc, args: JsonValue[]): void {
  let outcome;
  try {
    outcome = ddoc.sandbox.call(ddoc.compiled(ddoc.doc['validate_doc_update'] as string), args);
  } catch (error) {
    if (error instanceof SandboxTimeoutError) throw new SetteeError(500, 'os_process_error', error.message);
    throw error;
  }
  if (!('fail' in outcome)) return;
  const failure = outcome.fail;
  if ('thrown' in failure) {
    const thrown = failure.thrown;
    if (isJsonObject(thrown)) {
      if (typeof thrown['forbidden'] === 'string') throw new ForbiddenError(thrown['forbidden']);
      if (typeof thrown['unauthorized'] === 'string') throw new UnauthorizedError(thrown['unauthorized']);
      const first = Object.values(thrown)[0];
      throw new SetteeError(500, 'unknown_error', typeof first === 'string' ? first : JSON.stringify(thrown));
    }
    throw new SetteeError(500, 'unknown_error', typeof thrown === 'string' ? thrown : failure.text);
  }
  // CouchDB answers a thrown Error with its name and the reason "{[]}"; the message goes to the log instead.
  throw new SetteeError(500, failure.error, '{[]}', { cause: new Error(describeThrown(failure)) });
}
