import type { IncomingMessage } from 'node:http';

/**
 * Fresh session cookies for requests whose cookie is past a tenth of its life, sent with their answer (CouchDB's
 * `cookie_auth_header`), so that an active session does not expire under its user.
 */
const renewals = new WeakMap<IncomingMessage, string>();

/** Remembers the renewed `Set-Cookie` value for the answer to this request. */
export function renewSessionCookie(req: IncomingMessage, setCookie: string): void {
  renewals.set(req, setCookie);
}

/** The renewed `Set-Cookie` value for this request's answer, if its session cookie earned one. */
export function renewedSessionCookie(req: IncomingMessage): string | undefined {
  return renewals.get(req);
}
