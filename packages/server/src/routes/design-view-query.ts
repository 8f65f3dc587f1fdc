import { BadRequestError, type ViewQueryOptions } from '@settee/core';
import { parseJson } from '../http/body.js';
import { queryParams } from '../http/query.js';

/** Parameters whose value is JSON in a query string (already decoded in a POST body). */
const JSON_PARAMS: Readonly<Record<string, string>> = {
  key: 'key',
  keys: 'keys',
  startkey: 'startkey',
  start_key: 'startkey',
  endkey: 'endkey',
  end_key: 'endkey',
};

/** Parameters taken as strings as they are. */
const TEXT_PARAMS: Readonly<Record<string, string>> = {
  startkey_docid: 'startkey_docid',
  start_key_doc_id: 'startkey_docid',
  endkey_docid: 'endkey_docid',
  end_key_doc_id: 'endkey_docid',
  update: 'update',
  partition: 'partition',
};

const BOOLEAN_PARAMS: ReadonlySet<string> = new Set([
  'reduce',
  'group',
  'descending',
  'inclusive_end',
  'include_docs',
  'conflicts',
  'update_seq',
  'attachments',
  'att_encoding_info',
  'sorted',
]);
const INTEGER_PARAMS: ReadonlySet<string> = new Set(['limit', 'skip', 'group_level']);

function parseError(reason: string): BadRequestError {
  return new BadRequestError(reason, { error: 'query_parse_error' });
}

/** `true`/`false` in any case become booleans; anything else is left for the engine to refuse with CouchDB's words. */
function booleanOf(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const lower = value.toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : value;
}

function integerOf(value: unknown): unknown {
  return typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
}

/**
 * Applies one view parameter the way couch_mrview_http:parse_param reads it. `decoded` values come from a JSON
 * body (keys are JSON already); others are query-string text. Unknown parameters are ignored, as CouchDB keeps them
 * only as extras (a list's `format`, `callback`...).
 */
function applyParam(options: Record<string, unknown>, name: string, value: unknown, decoded: boolean): void {
  const jsonName = JSON_PARAMS[name];
  if (jsonName !== undefined) {
    const parsed = decoded || typeof value !== 'string' ? value : parseJson(value);
    // A POST body's `keys` is checked as the body is read; here CouchDB's validate_args words it.
    if (name === 'keys' && !Array.isArray(parsed)) throw parseError('`keys` must be an array of strings.');
    if (name === 'key') {
      // `key` is a range of one key; a later startkey/endkey narrows it, as in CouchDB.
      delete options['startkey'];
      delete options['endkey'];
    }
    options[jsonName] = parsed;
    return;
  }
  const textName = TEXT_PARAMS[name];
  if (textName !== undefined) {
    options[textName] = typeof value === 'string' ? value : JSON.stringify(value);
    return;
  }
  if (BOOLEAN_PARAMS.has(name)) options[name] = booleanOf(value);
  else if (INTEGER_PARAMS.has(name)) options[name] = integerOf(value);
  else if (name === 'stale') {
    if (value === 'ok') options['update'] = false;
    else if (value === 'update_after') options['update'] = 'lazy';
    else throw parseError('Invalid value for `stale`.');
  } else if (name === 'stable') {
    const stable = booleanOf(value);
    if (typeof stable !== 'boolean') throw parseError('Invalid value for `stable`.');
    options['stable'] = stable;
  }
}

/** View options from a raw query string (`key` and ranges JSON-decoded, `+` a space). */
export function viewOptionsFromQuery(rawQuery: string, base: ViewQueryOptions = {}): ViewQueryOptions {
  const options: Record<string, unknown> = { ...base };
  for (const [name, value] of queryParams(rawQuery)) applyParam(options, name, value, false);
  return options as ViewQueryOptions;
}

/** View options from a JSON object (one entry of `queries`), on top of `base` (the query string's). */
export function viewOptionsFromObject(query: Readonly<Record<string, unknown>>, base: ViewQueryOptions = {}): ViewQueryOptions {
  const options: Record<string, unknown> = { ...base };
  for (const [name, value] of Object.entries(query)) applyParam(options, name, value, true);
  return options as ViewQueryOptions;
}
