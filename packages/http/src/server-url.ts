/** The server's address split into what is sent on the wire and the credentials it carried. */
export interface ParsedServerUrl {
  /** Origin plus path, ending with `/`, without user info: every request URL starts with it. */
  readonly base: string;
  /** The same address with `***@` where user info was, for messages and `toString`. */
  readonly redacted: string;
  /** User info from the URL, percent-decoded, when the URL has some. */
  readonly credentials: { readonly username: string; readonly password: string } | undefined;
}

/**
 * Parses the server URL once. Credentials never stay in the URL: they travel as an `Authorization` header, so no
 * request URL (which fetch errors may echo) contains them.
 */
export function parseServerUrl(url: string): ParsedServerUrl {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // The raw string may hold a password: never echo it.
    throw new TypeError('@settee/http: `url` is not a valid absolute URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new TypeError(`@settee/http: unsupported protocol ${parsed.protocol} (use http: or https:)`);
  }
  const hasUserInfo = parsed.username !== '' || parsed.password !== '';
  const credentials = hasUserInfo
    ? { username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) }
    : undefined;
  parsed.username = '';
  parsed.password = '';
  parsed.search = '';
  parsed.hash = '';
  if (!parsed.pathname.endsWith('/')) parsed.pathname += '/';
  const base = parsed.toString();
  const redacted = hasUserInfo ? base.replace('://', '://***@') : base;
  return { base, redacted, credentials };
}
