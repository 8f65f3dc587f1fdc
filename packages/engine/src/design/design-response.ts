import { errorFromCouch, isJsonObject, NotFoundError, SetteeError, type DesignResponse, type JsonValue } from '@settee/core';
import { headerValue } from './design-request.js';
import { describeThrown, type Thrown } from './sandbox.js';

/**
 * A show or update function's answer as chttpd_external:parse_external_response reads it: a string is an HTML
 * body; an object may give `code`, `headers` and one of `json` (serialised, `application/json`), `base64` (decoded
 * bytes, `application/binary`) or `body` (text, HTML); with none of them the body is empty and typed JSON.
 * `contentType` is the type a `provides` branch chose, used when the headers name none.
 */
export function renderResponse(result: JsonValue, contentType: string | null): DesignResponse {
  const headers: Record<string, string> = {};
  let status = 200;
  let body: Uint8Array = new Uint8Array();
  let defaultType = 'application/json';
  if (typeof result === 'string') {
    body = new TextEncoder().encode(result);
    defaultType = 'text/html; charset=utf-8';
  } else if (isJsonObject(result)) {
    if (typeof result['code'] === 'number') status = result['code'];
    if (isJsonObject(result['headers'])) {
      for (const [name, value] of Object.entries(result['headers'])) if (typeof value === 'string') headers[name] = value;
    }
    if (result['json'] !== undefined) {
      body = new TextEncoder().encode(JSON.stringify(result['json']));
    } else if (typeof result['base64'] === 'string') {
      body = new Uint8Array(Buffer.from(result['base64'], 'base64'));
      defaultType = 'application/binary';
    } else if (result['body'] !== undefined) {
      body = new TextEncoder().encode(typeof result['body'] === 'string' ? result['body'] : '');
      defaultType = 'text/html; charset=utf-8';
    }
  } else {
    throw renderError({ thrown: null, text: `Invalid response object ${JSON.stringify(result)}` });
  }
  if (headerValue(headers, 'content-type') === undefined) headers['Content-Type'] = contentType ?? defaultType;
  return { status, headers, body };
}

/** HTTP statuses chttpd gives the error names a design function may throw; others are 500s. */
const STATUS_OF_THROWN: Readonly<Record<string, number>> = {
  bad_request: 400,
  query_parse_error: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  not_acceptable: 406,
  conflict: 409,
};

/**
 * An error a design function threw in the query-server shapes render.js passes through as they are:
 * `["error", name, reason]` or `{error, reason}`. Undefined for anything else (a render_error then).
 */
export function thrownCouchError(thrown: Thrown): SetteeError | undefined {
  if (!('thrown' in thrown)) return undefined;
  const value = thrown.thrown;
  let name: JsonValue | undefined;
  let reason: JsonValue | undefined;
  if (Array.isArray(value) && value[0] === 'error') [, name, reason] = value;
  else if (isJsonObject(value) && value['error'] && value['reason']) [name, reason] = [value['error'], value['reason']];
  if (typeof name !== 'string') return undefined;
  const text = typeof reason === 'string' ? reason : JSON.stringify(reason ?? null);
  return errorFromCouch({ error: name, reason: text }, STATUS_OF_THROWN[name] ?? 500);
}

/** CouchDB's 500 `render_error` for a function that threw. */
export function renderError(thrown: Thrown): SetteeError {
  const stack = 'stack' in thrown && thrown.stack ? ` \nstacktrace: ${userFrames(thrown.stack)}` : '';
  return new SetteeError(500, 'render_error', `function raised error: ${describeThrown(thrown)}${stack}`);
}

/** The stack's frames in design code only: the runtime's and the host's frames (file paths) stay private. */
function userFrames(stack: string): string {
  const lines = stack.split('\n');
  const end = lines.findIndex((line) => line.includes('settee-runtime.js') && !line.includes('eval at'));
  return (end < 0 ? lines : lines.slice(0, end)).join('\n');
}

/** The 404 for a function name the design document does not have. */
export function missingFunction(name: string): SetteeError {
  return new NotFoundError(`missing json key: ${name}`);
}
