/**
 * Whether an `Accept-Encoding` header accepts `encoding` (couch_httpd:accepted_encodings): listed, or covered by `*`,
 * with a quality above zero; `identity` only is what a missing header means.
 */
export function acceptsEncoding(header: string | undefined, encoding: string): boolean {
  if (header === undefined) return false;
  let wildcard: boolean | undefined;
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((param) => /^\s*q\s*=\s*([\d.]+)\s*$/.exec(param)?.[1]).find((value) => value !== undefined);
    const accepted = q === undefined || Number(q) > 0;
    if (name.trim() === encoding) return accepted;
    if (name.trim() === '*') wildcard = accepted;
  }
  return wildcard === true;
}
