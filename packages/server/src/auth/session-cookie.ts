import { createHmac, timingSafeEqual } from 'node:crypto';
import { BadRequestError } from '@settee/core';

/** Seconds a session cookie stays valid (CouchDB's `[chttpd_auth] timeout` default). */
export const SESSION_TIMEOUT = 600;

/**
 * `AuthSession` cookies in CouchDB's shape: base64url of `name:hex-timestamp:mac`. The MAC keys on the server
 * secret and the user's salt, so changing a password invalidates that user's sessions.
 */
export function makeSessionToken(name: string, userSalt: string, secret: string, now = Date.now()): string {
  const body = `${name}:${Math.floor(now / 1000).toString(16).toUpperCase()}`;
  const mac = createHmac('sha256', secret + userSalt).update(body).digest();
  return Buffer.concat([Buffer.from(`${body}:`), mac]).toString('base64url');
}

/** A cookie's parts, or a 400 "Malformed AuthSession cookie" when it cannot be one of ours. */
export function parseSessionToken(token: string): { name: string; issued: number; body: string; mac: Buffer } {
  const raw = Buffer.from(token, 'base64url');
  const text = raw.toString('latin1');
  const second = text.indexOf(':', text.indexOf(':') + 1);
  const first = text.indexOf(':');
  if (first <= 0 || second < 0) throw new BadRequestError('Malformed AuthSession cookie. Please clear your cookies.');
  const name = raw.subarray(0, first).toString('utf8');
  const issued = Number.parseInt(text.slice(first + 1, second), 16);
  if (!Number.isFinite(issued)) throw new BadRequestError('Malformed AuthSession cookie. Please clear your cookies.');
  return { name, issued, body: raw.subarray(0, second).toString('utf8'), mac: raw.subarray(second + 1) };
}

/** Seconds since the cookie was issued. */
export function sessionTokenAge(parsed: { issued: number }, now = Date.now()): number {
  return now / 1000 - parsed.issued;
}

/** True when the cookie's MAC is right for this user's salt and it has not expired. */
export function sessionTokenValid(
  parsed: { issued: number; body: string; mac: Buffer },
  userSalt: string,
  secret: string,
  now = Date.now(),
): boolean {
  if (sessionTokenAge(parsed, now) >= SESSION_TIMEOUT) return false;
  const expected = createHmac('sha256', secret + userSalt).update(parsed.body).digest();
  return expected.byteLength === parsed.mac.byteLength && timingSafeEqual(expected, parsed.mac);
}

/** The `Set-Cookie` value: a session, or the empty value CouchDB sends on logout and failed logins. */
export function sessionCookieHeader(token: string, now = Date.now()): string {
  const expires = new Date(now + SESSION_TIMEOUT * 1000).toUTCString();
  return `AuthSession=${token}; Version=1; Expires=${expires}; Max-Age=${SESSION_TIMEOUT}; Path=/; HttpOnly`;
}

/** The `AuthSession` value in a Cookie header, or undefined. */
export function authSessionFromCookie(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === 'AuthSession') return part.slice(eq + 1).trim();
  }
  return undefined;
}
