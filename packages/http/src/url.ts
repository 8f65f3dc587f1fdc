/** Query parameter values as callers give them; `undefined` ones are left out. */
export type QueryValue = string | number | boolean | readonly unknown[] | Record<string, unknown> | null | undefined;
export type Query = Readonly<Record<string, QueryValue>>;

/**
 * Parameters CouchDB parses as JSON (keys, ranges, revision lists). Everything else is sent as its plain string
 * form, because CouchDB reads e.g. `rev=1-abc` or `since=now` literally and `"1-abc"` would be a different value.
 */
const JSON_PARAMS: ReadonlySet<string> = new Set([
  'key',
  'keys',
  'startkey',
  'start_key',
  'endkey',
  'end_key',
  'open_revs',
  'atts_since',
  'doc_ids',
]);

/** A database name as one path segment: `/` becomes `%2F`, as CouchDB requires. */
export function encodeDbName(name: string): string {
  return encodeURIComponent(name);
}

const PREFIXED_ID = /^(_design|_local)\/(.+)$/s;

/**
 * A document id as a path: `_design/x` and `_local/x` keep their slash (CouchDB routes on it), every other id is
 * one segment with `/` escaped.
 */
export function encodeDocId(id: string): string {
  const prefixed = PREFIXED_ID.exec(id);
  if (prefixed) return `${prefixed[1]}/${encodeURIComponent(prefixed[2] ?? '')}`;
  return encodeURIComponent(id);
}

/** An attachment name as a path: CouchDB takes everything after the document id, so `/` stays a separator. */
export function encodeAttachmentName(name: string): string {
  return name.split('/').map(encodeURIComponent).join('/');
}

/** Joins already-encoded segments into a path relative to the server root. */
export function joinPath(...segments: string[]): string {
  return segments.join('/');
}

function queryValue(name: string, value: Exclude<QueryValue, undefined>): string {
  // `open_revs=all` is a keyword; a list of revisions is JSON.
  if (name === 'open_revs' && value === 'all') return value;
  if (JSON_PARAMS.has(name) || (typeof value === 'object' && value !== null)) return JSON.stringify(value);
  // Everything else, `since` tokens and `startkey_docid` included, CouchDB reads as the literal string.
  return String(value);
}

/** Builds `?a=1&b=2` (or `''`), JSON-encoding the parameters CouchDB parses as JSON. */
export function buildQueryString(query: Query | undefined): string {
  if (query === undefined) return '';
  const parts: string[] = [];
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(queryValue(name, value))}`);
  }
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}
