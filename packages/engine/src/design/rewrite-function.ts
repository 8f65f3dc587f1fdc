import { createHash } from 'node:crypto';
import { isJsonObject, SetteeError, type JsonObject, type JsonValue } from '@settee/core';
import { designDocId } from './design-docs.js';
import { renderError, thrownCouchError } from './design-response.js';
import { CompileError, DesignSandbox, SandboxTimeoutError, type Thrown } from './sandbox.js';

/**
 * Sandboxes of design documents whose `rewrites` is a function (oldest first), by a digest of the whole document:
 * the function runs with its document's modules and as its `this`, and another database may hold a document of the
 * same id, revision and source (new_edits=false writes any revision) whose other members differ.
 */
const sandboxes = new Map<string, { sandbox: DesignSandbox; fn: number }>();

/** Enough for the design documents of a busy server; the oldest is dropped past it. */
const MAX_SANDBOXES = 64;

function compiledRewrite(ddoc: JsonObject, source: string): { sandbox: DesignSandbox; fn: number } {
  const id = designDocId(String(ddoc['_id'] ?? ''));
  const key = createHash('sha256').update(JSON.stringify(ddoc)).digest('hex');
  const known = sandboxes.get(key);
  if (known !== undefined) return known;
  const sandbox = new DesignSandbox(id);
  let fn: number;
  try {
    fn = sandbox.compile(source, ddoc);
  } catch (error) {
    if (error instanceof CompileError) throw new SetteeError(400, 'compilation_error', error.message);
    throw error;
  }
  const entry = { sandbox, fn };
  sandboxes.set(key, entry);
  if (sandboxes.size > MAX_SANDBOXES) sandboxes.delete(sandboxes.keys().next().value as string);
  return entry;
}

/** couch_query_servers:rewrite passes `{forbidden}` / `{unauthorized}` on as 403 / 401. */
function accessError(thrown: Thrown): SetteeError | undefined {
  if (!('thrown' in thrown) || !isJsonObject(thrown.thrown)) return undefined;
  const keys = Object.keys(thrown.thrown);
  if (keys.length !== 1) return undefined;
  const message = thrown.thrown[keys[0] as string];
  const reason = typeof message === 'string' ? message : JSON.stringify(message ?? null);
  if (keys[0] === 'forbidden') return new SetteeError(403, 'forbidden', reason);
  if (keys[0] === 'unauthorized') return new SetteeError(401, 'unauthorized', reason);
  return undefined;
}

/**
 * Runs a design document's `rewrites` function (CouchDB's JavaScript rewrite form) with `req` as render.js does:
 * a falsy answer dispatches nowhere (undefined here; CouchDB's `no_dispatch_rule`), a string is the path with the
 * request's own method, anything else is returned as is for the caller to check. What the function throws becomes
 * CouchDB's error: `{forbidden}` 403, `{unauthorized}` 401, `["error", name, reason]` / `{error, reason}` as
 * given, anything else a 500 `render_error`.
 */
export function runRewriteFunction(ddoc: JsonObject, req: JsonObject): JsonValue | undefined {
  const source = ddoc['rewrites'];
  if (typeof source !== 'string') throw new TypeError('runRewriteFunction needs a design document whose rewrites is a string');
  const { sandbox, fn } = compiledRewrite(ddoc, source);
  let outcome;
  try {
    outcome = sandbox.call(fn, [req]);
  } catch (error) {
    if (error instanceof SandboxTimeoutError) throw new SetteeError(500, 'os_process_error', error.message);
    throw error;
  }
  if ('fail' in outcome) throw accessError(outcome.fail) ?? thrownCouchError(outcome.fail) ?? renderError(outcome.fail);
  if ('notAcceptable' in outcome) throw new SetteeError(406, 'not_acceptable', outcome.notAcceptable);
  const result = outcome.ok;
  if (outcome.undef || result === null || result === false || result === 0 || result === '') return undefined;
  if (typeof result === 'string') return { path: result, method: req['method'] ?? 'GET' };
  return result;
}
