import { BadRequestError, SetteeError, type DocumentInput, type JsonObject } from '@settee/core';
import { isObject, mediaType, parseJson, readBody } from '../http/body.js';
import type { RequestContext } from '../http/context.js';
import { baseUrl } from '../http/method.js';
import { boundaryOf, filenameOf, parseMultipart, type Part } from '../http/multipart.js';
import { sendJson } from '../http/respond.js';
import type { DbTarget } from './db-target.js';
import { userContextOf } from './design-user-ctx.js';

/** What every document write of the route goes through first (the users database's rules). */
export type PrepareWrite = (doc: Record<string, unknown>) => Promise<Record<string, unknown>>;

/**
 * `POST /db/{docid}` with an HTML form (`multipart/form-data`), CouchDB's browser upload (chttpd_db db_doc_req POST):
 * the form's `_doc` field is the document, or its `_rev` field names the revision to build on; each `_attachments`
 * file becomes an attachment of that name, replacing one of the same name and keeping the others. The Referer must
 * name this server, so that another site's page cannot post a form here (CouchDB's validate_referer).
 */
export async function formUpload(ctx: RequestContext, target: DbTarget, id: string, prepare: PrepareWrite): Promise<void> {
  checkReferer(ctx);
  if (mediaType(ctx) !== 'multipart/form-data') {
    throw new SetteeError(415, 'bad_content_type', 'Content-Type must be multipart/form-data');
  }
  const boundary = boundaryOf(ctx.req.headers['content-type'] ?? '');
  if (boundary === undefined) throw new BadRequestError('Invalid multipart body: no boundary');
  const parts = parseMultipart(await readBody(ctx), boundary);
  const base = await baseDocument(target, id, parts);
  const kept = isObject(base['_attachments']) ? base['_attachments'] : {};
  // A file input left empty sends a part with an empty file name: there is nothing to attach.
  const files = parts.filter((part) => fieldName(part) === '_attachments' && (filenameOf(part) ?? '') !== '');
  const uploaded = Object.fromEntries(
    files.map((part) => [filenameOf(part)!, { content_type: part.headers['content-type'] ?? 'application/octet-stream', data: part.body.toString('base64') }]),
  );
  const attachments = { ...kept, ...uploaded };
  const doc = await prepare({ ...base, _id: id, ...(Object.keys(attachments).length > 0 ? { _attachments: attachments } : {}) });
  const result = await target.db.put(doc as DocumentInput<JsonObject> & { _id: string }, { userCtx: userContextOf(ctx, target) });
  sendJson(ctx, 201, result, { ETag: `"${result.rev}"` });
}

/** The document the form builds on: its `_doc` field, else the revision its `_rev` field names. */
async function baseDocument(target: DbTarget, id: string, parts: readonly Part[]): Promise<Record<string, unknown>> {
  const docField = parts.find((part) => fieldName(part) === '_doc' && filenameOf(part) === undefined);
  if (docField !== undefined) {
    const doc = parseJson(docField.body.toString('utf8'));
    if (!isObject(doc)) throw new BadRequestError('Document must be a JSON object');
    return doc;
  }
  const revField = parts.find((part) => fieldName(part) === '_rev' && filenameOf(part) === undefined);
  if (revField === undefined) throw new BadRequestError('Invalid rev format');
  const rev = revField.body.toString('utf8');
  return (await target.db.get(id, { rev })) as unknown as Record<string, unknown>;
}

/** CouchDB's validate_referer: a form post must come from a page of this server. */
function checkReferer(ctx: RequestContext): void {
  const referer = ctx.req.headers.referer;
  if (referer === undefined) throw new BadRequestError('Referer header required.');
  let refererHost: string;
  try {
    refererHost = new URL(referer).host;
  } catch {
    throw new BadRequestError('Referer header must match host.');
  }
  if (refererHost !== new URL(baseUrl(ctx)).host) throw new BadRequestError('Referer header must match host.');
}

function fieldName(part: Part): string | undefined {
  return /(?:^|;)\s*name="([^"]*)"/i.exec(part.headers['content-disposition'] ?? '')?.[1];
}

