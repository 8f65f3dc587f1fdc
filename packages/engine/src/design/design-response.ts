import { isJsonObject, NotFoundError, SetteeError, type DesignResponse, type JsonValue } from '@settee/core';
import { headerValue } from './design-request.js';
import { describeThrown, type Thrown } from './sandbox.js';

const MIME_OF: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  text: 'text/plain; charset=utf-8',
  json: 'application/json',
  xml: 'application/xml',
  js: 'text/javascript',
  css: 'text/css',
  csv: 'text/csv',
  ics: 'text/calendar',
  rss: 'application/rss+xml',
  atom: 'application/atom+xml',
  yaml: 'application/x-yaml',
};

/**
 * A show or update function's answer as CouchDB sends it: a string is an HTML body; an object may give `code`,
 * `headers` and one of `json` (serialised, `application/json`), `base64` (decoded bytes) or `body` (text).
 */
export function renderResponse(result: JsonValue, provided: string | null): DesignResponse {
  const headers: Record<string, string> = {};
  let status = 200;
  let body: Uint8Array;
  let defaultType = provided ? (MIME_OF[provided] ?? 'text/html; charset=utf-8') : 'text/html; charset=utf-8';
  if (typeof result === 'string') {
    body = new TextEncoder().encode(result);
  } else if (isJsonObject(result)) {
    if (typeof result['code'] === 'number') status = result['code'];
    if (isJsonObject(result['headers'])) {
      for (const [name, value] of Object.entries(result['headers'])) if (typeof value === 'string') headers[name] = value;
    }
    if (result['json'] !== undefined) {
      body = new TextEncoder().encode(JSON.stringify(result['json']));
      defaultType = 'application/json';
    } else if (typeof result['base64'] === 'string') {
      body = new Uint8Array(Buffer.from(result['base64'], 'base64'));
      defaultType = 'application/binary';
    } else {
      body = new TextEncoder().encode(typeof result['body'] === 'string' ? result['body'] : '');
    }
  } else {
    throw renderError({ thrown: null, text: `Invalid response object ${JSON.stringify(result)}` });
  }
  if (headerValue(headers, 'content-type') === undefined) headers['Content-Type'] = defaultType;
  return { status, headers, body };
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
