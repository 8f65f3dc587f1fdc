import {
  BadRequestError,
  isJsonObject,
  MethodNotAllowedError,
  NotFoundError,
  SetteeError,
  type DbInfo,
  type DesignRequest,
  type DesignResponse,
  type Document,
  type JsonObject,
  type JsonValue,
  type ListQueryOptions,
  type UserContext,
  type WriteResult,
} from '@settee/core';
import type { DbContext } from '../database/db-context.js';
import { limitRevisions } from '../database/limit-revisions.js';
import { readDoc } from '../database/read-doc.js';
import { resolveView, runViewQuery } from '../views/run-view-query.js';
import { buildRequest, defaultUserCtx } from './design-request.js';
import { missingFunction, renderError, renderResponse, thrownCouchError } from './design-response.js';
import { loadDesignDoc, type LoadedDesignDoc } from './design-docs.js';
import { SandboxTimeoutError, type CallExtra, type CallOutcome } from './sandbox.js';

/** Saves a document an update handler returned (through the normal write path, so VDUs run). */
export type SaveDoc = (doc: JsonObject & { _id: string }, userCtx: UserContext) => Promise<WriteResult>;

/** The source of `ddoc[section][name]`, or CouchDB's 404 `missing json key`. */
function functionSource(ddoc: LoadedDesignDoc, section: 'shows' | 'lists' | 'updates', name: string): string {
  const functions = ddoc.doc[section];
  const source = isJsonObject(functions) ? functions[name] : undefined;
  if (typeof source !== 'string') throw missingFunction(name);
  return source;
}

function callFunction(ddoc: LoadedDesignDoc, source: string, args: JsonValue[], extra: CallExtra = {}): CallOutcome {
  try {
    return ddoc.sandbox.call(ddoc.compiled(source), args, extra);
  } catch (error) {
    if (error instanceof SandboxTimeoutError) throw new SetteeError(500, 'os_process_error', error.message);
    throw error;
  }
}

/** The document for a show or update function: the winner with `_revisions`, or null when missing or deleted. */
function docFor(ctx: DbContext, docId: string | undefined): Document | null {
  if (docId === undefined) return null;
  try {
    return limitRevisions(readDoc(ctx.storage, docId, { revs: true }), ctx.meta.revsLimit);
  } catch (error) {
    if (error instanceof SetteeError && error.status === 404) return null;
    throw error;
  }
}

/**
 * The value of a call, or the error CouchDB answers: what the function threw as `["error", name, reason]` or
 * `{error, reason}` as it is, anything else as a 500 render_error; 406 when no `provides` branch matches.
 */
function settled(outcome: CallOutcome): { value: JsonValue; provided: string | null } {
  if ('fail' in outcome) throw thrownCouchError(outcome.fail) ?? renderError(outcome.fail);
  if ('notAcceptable' in outcome) throw new SetteeError(406, 'not_acceptable', outcome.notAcceptable);
  return { value: outcome.ok, provided: outcome.provided };
}

/** Runs show function `name` of `ddocName` (CouchDB's `_show`). */
export async function runShow(ctx: DbContext, info: DbInfo, ddocName: string, name: string, docId: string | undefined, request: DesignRequest): Promise<DesignResponse> {
  const ddoc = loadDesignDoc(ctx, ddocName);
  const source = functionSource(ddoc, 'shows', name);
  const req = buildRequest(ctx, info, ddoc.id, ['_show', name], docId, request, 'GET');
  const doc = docFor(ctx, docId);
  const outcome = callFunction(ddoc, source, [doc as JsonValue, req], { provides: true, mode: 'show' });
  // render.js: whatever goes wrong for a document id that names no document is that document's 404.
  if (doc === null && docId !== undefined && !('ok' in outcome)) throw new NotFoundError('document not found');
  const { value } = settled(outcome);
  return renderResponse(value, null);
}

/** Runs list function `name` over `view` (`view` or `otherddoc/view`), CouchDB's `_list`. */
export async function runList(
  ctx: DbContext,
  info: DbInfo,
  ddocName: string,
  name: string,
  view: string,
  options: ListQueryOptions,
  request: DesignRequest,
): Promise<DesignResponse> {
  const ddoc = loadDesignDoc(ctx, ddocName);
  const slash = view.indexOf('/');
  const [viewDdoc, viewName] = slash < 0 ? [ddocName, view] : [view.slice(0, slash), view.slice(slash + 1)];
  resolveView(ctx, viewDdoc, viewName);
  const source = functionSource(ddoc, 'lists', name);
  const result = runViewQuery(ctx, viewDdoc, viewName, options);
  const head: JsonObject = {};
  if (result.total_rows !== undefined) head['total_rows'] = result.total_rows;
  if (result.offset !== undefined) head['offset'] = result.offset;
  if (result.update_seq !== undefined) head['update_seq'] = result.update_seq;
  const req = buildRequest(ctx, info, ddoc.id, ['_list', name, ...view.split('/')], undefined, { query: listQuery(options), ...request }, 'GET');
  const outcome = callFunction(ddoc, source, [head, req], { rows: result.rows as unknown as JsonValue[], provides: true, mode: 'list' });
  const { value, provided } = settled(outcome);
  const chunks = 'chunks' in outcome && outcome.chunks ? outcome.chunks : [];
  const started = 'head' in outcome && isJsonObject(outcome.head) ? outcome.head : {};
  const text = chunks.join('') + (typeof value === 'string' ? value : '');
  const headers: Record<string, string> = {};
  if (isJsonObject(started['headers'])) {
    for (const [header, v] of Object.entries(started['headers'])) if (typeof v === 'string') headers[header] = v;
  }
  if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = provided ?? 'application/json';
  const status = typeof started['code'] === 'number' ? started['code'] : 200;
  return { status, headers, body: new TextEncoder().encode(text) };
}

/** View options as the list's `req.query` shows them (strings for what a URL would carry as text). */
function listQuery(options: ListQueryOptions): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(options)) {
    if (value !== undefined) query[name] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return query;
}

/**
 * Runs update handler `name` (CouchDB's `_update`): the handler gets the document (or null) and the request and
 * returns `[doc, response]`; a returned document is saved as it is (its `_id` is not taken from the URL), and the
 * answer is 201 with `X-Couch-Id` and `X-Couch-Update-NewRev` unless the response gives its own `code`
 * (chttpd_show puts 201 before the function's members, so theirs wins).
 */
export async function runUpdate(
  ctx: DbContext,
  info: DbInfo,
  ddocName: string,
  name: string,
  docId: string | undefined,
  request: DesignRequest,
  save: SaveDoc,
): Promise<DesignResponse> {
  const method = (request.method ?? (docId === undefined ? 'POST' : 'PUT')).toUpperCase();
  if (method === 'GET') throw new MethodNotAllowedError('Update functions do not allow GET');
  const ddoc = loadDesignDoc(ctx, ddocName);
  const source = functionSource(ddoc, 'updates', name);
  const req = buildRequest(ctx, info, ddoc.id, ['_update', name], docId, { ...request, method }, 'POST');
  const { value } = settled(callFunction(ddoc, source, [docFor(ctx, docId) as JsonValue, req]));
  if (!Array.isArray(value)) throw renderError({ thrown: null, text: `TypeError: the update function returned ${JSON.stringify(value)}, not [doc, response]` });
  const [newDoc, response] = value as [JsonValue | undefined, JsonValue | undefined];
  if (typeof response !== 'string' && !isJsonObject(response)) throw new SetteeError(500, 'render_error', 'undefined response from update function');
  const rendered = renderResponse(response, null);
  if (!isJsonObject(newDoc)) return rendered;
  const id = newDoc['_id'];
  if (id === undefined || id === '') throw new BadRequestError('Document id must not be empty', { error: 'illegal_docid' });
  if (typeof id !== 'string') throw new BadRequestError('Document id must be a string', { error: 'illegal_docid' });
  const userCtx = request.userCtx ?? defaultUserCtx(ctx.name);
  const { _revisions: _history, ...body } = newDoc;
  const written = await save({ ...body, _id: id }, userCtx);
  return {
    status: isJsonObject(response) && typeof response['code'] === 'number' ? response['code'] : 201,
    headers: { ...rendered.headers, 'X-Couch-Id': written.id, 'X-Couch-Update-NewRev': written.rev },
    body: rendered.body,
  };
}
