import { BadRequestError } from '@settee/core';
import { parseJson } from './body.js';

/** Parameters CouchDB reads as booleans: `true`/`false` become booleans, anything else is left for the engine to refuse. */
const BOOLEANS: ReadonlySet<string> = new Set([
  'revs',
  'revs_info',
  'conflicts',
  'deleted_conflicts',
  'deleted',
  'latest',
  'local_seq',
  'meta',
  'attachments',
  'att_encoding_info',
  'descending',
  'include_docs',
  'inclusive_end',
  'update_seq',
  'new_edits',
  'partitioned',
  'stable',
  'sorted',
  'include_design',
  'exclude_docs',
]);

/** Integer parameters; a value that is not an integer is passed on as text so the engine words the error. */
const INTEGERS: ReadonlySet<string> = new Set(['limit', 'skip', 'count', 'q', 'n', 'timeout', 'heartbeat', 'seq_interval']);

/** Parameters whose value is JSON. */
const JSONS: ReadonlySet<string> = new Set([
  'key',
  'keys',
  'startkey',
  'start_key',
  'endkey',
  'end_key',
  'open_revs',
  'atts_since',
  'doc_ids',
  'selector',
]);

const ALIASES: Readonly<Record<string, string>> = { start_key: 'startkey', end_key: 'endkey' };

/** Query parameters, typed the way CouchDB reads them. */
export type QueryOptions = Record<string, unknown>;

/**
 * The raw query's name/value pairs. CouchDB's mochiweb splits a query on `;` as well as `&` (CouchDB's own tests send
 * `?limit=2;skip=4`); an encoded `%3B` stays part of its value.
 */
export function queryParams(raw: string): URLSearchParams {
  return new URLSearchParams(raw.replaceAll(';', '&'));
}

/** Parses a raw query string into typed options (`limit=2` → 2, `key="a"` → 'a', `rev=1-x` → '1-x'). */
export function parseQuery(raw: string): QueryOptions {
  const options: QueryOptions = {};
  if (raw === '') return options;
  for (const pair of raw.split(/[&;]/)) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decode(eq < 0 ? pair : pair.slice(0, eq));
    const text = eq < 0 ? '' : decode(pair.slice(eq + 1));
    const key = ALIASES[name] ?? name;
    // A repeated parameter counts where it last appears: CouchDB applies view parameters in order.
    delete options[key];
    options[key] = typed(name, text);
  }
  return options;
}

function typed(name: string, text: string): unknown {
  if (BOOLEANS.has(name)) return text === 'true' ? true : text === 'false' ? false : text;
  if (INTEGERS.has(name)) return /^-?\d+$/.test(text) ? Number(text) : text;
  if (JSONS.has(name)) {
    if (name === 'open_revs' && text === 'all') return 'all';
    return parseJson(text);
  }
  return text;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    throw new BadRequestError('invalid URL encoding');
  }
}
