const URL_USERINFO = /([a-z][a-z0-9+.-]*:\/\/)[^/@\s:]*(?::[^/@\s]*)?@/gi;
const AUTH_HEADER = /\b(authorization|cookie|set-cookie)(["']?\s*[:=]\s*["']?)[^"'\n,}]+/gi;

/**
 * Removes credentials from text meant for people: user info in URLs (`http://u:p@host` becomes
 * `http://***@host`) and values of Authorization / Cookie headers.
 */
export function redactCredentials(text: string): string {
  return text.replace(URL_USERINFO, '$1***@').replace(AUTH_HEADER, '$1$2***');
}
