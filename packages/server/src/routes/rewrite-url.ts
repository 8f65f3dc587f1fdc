import { couchUrlEncode } from './design-response.js';

/**
 * mochiweb_util:quote_plus: letters, digits and `. - ~ _` kept, a space as `+`, every other UTF-8 byte as `%XX`.
 * CouchDB escapes rewritten path segments and query names and values with it.
 */
export function quotePlus(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9.\-~_]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** `name=value&...`, both escaped with `quotePlus` (mochiweb_util:urlencode). */
export function encodeQuery(pairs: ReadonlyArray<readonly [string, string]>): string {
  return pairs.map(([name, value]) => `${quotePlus(name)}=${quotePlus(value)}`).join('&');
}

/** `/{db}/_design/{ddoc}`, escaped: what a rewrite's relative path is resolved against (chttpd_rewrite:path_prefix). */
export function designPrefix(db: string, ddoc: string): string {
  return `/${couchUrlEncode(db)}/_design/${couchUrlEncode(ddoc)}`;
}

/**
 * chttpd_rewrite:normalize_path: empty and `.` segments dropped, `..` removes the segment before it; a `..` with
 * nothing left to remove is kept (the router then sees it as a name).
 */
export function normalizePath(path: string): string {
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else out.push(segment);
  }
  return `/${out.join('/')}`;
}

/**
 * The URL a rewrite sends the request to: `path` (already escaped) taken relative to the design document, even
 * when it starts with `/` (CouchDB joins it to the prefix either way), normalised, then `?query` when there is one.
 */
export function rewrittenUrl(db: string, ddoc: string, path: string, query: string): string {
  const q = path.indexOf('?');
  // A `?` in the path itself starts its query (mochiweb parses the joined URL), before the rewrite's own.
  const [pathPart, inlineQuery] = q < 0 ? [path, undefined] : [path.slice(0, q), path.slice(q + 1)];
  const normalized = normalizePath(`${designPrefix(db, ddoc)}/${pathPart}`);
  const fullQuery = inlineQuery === undefined ? query : query === '' ? inlineQuery : `${inlineQuery}?${query}`;
  return fullQuery === '' ? normalized : `${normalized}?${fullQuery}`;
}
