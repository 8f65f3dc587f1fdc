import { describe, expect, it } from 'vitest';
import { authSessionFromCookie, makeSessionToken, parseSessionToken, sessionTokenValid, SESSION_TIMEOUT } from './session-cookie.js';

describe('session cookies', () => {
  const now = 1_700_000_000_000;

  it('a token is valid for its user, salt and secret until it expires', () => {
    const token = makeSessionToken('alice', 'salt1', 'secret', now);
    const parsed = parseSessionToken(token);
    expect(parsed.name).toBe('alice');
    expect(sessionTokenValid(parsed, 'salt1', 'secret', now + 1000)).toBe(true);
    expect(sessionTokenValid(parsed, 'salt2', 'secret', now + 1000)).toBe(false);
    expect(sessionTokenValid(parsed, 'salt1', 'other', now + 1000)).toBe(false);
    expect(sessionTokenValid(parsed, 'salt1', 'secret', now + (SESSION_TIMEOUT + 1) * 1000)).toBe(false);
  });

  it('a token for another name does not verify with the MAC of the first', () => {
    const token = Buffer.from(makeSessionToken('alice', 's', 'k', now), 'base64url').toString('latin1');
    const forged = Buffer.from(token.replace('alice', 'admin'), 'latin1').toString('base64url');
    expect(sessionTokenValid(parseSessionToken(forged), 's', 'k', now)).toBe(false);
  });

  it('garbage is a 400 and the cookie header is parsed', () => {
    expect(() => parseSessionToken('garbage')).toThrow(/Malformed AuthSession cookie/);
    expect(authSessionFromCookie('a=1; AuthSession=xyz; b=2')).toBe('xyz');
    expect(authSessionFromCookie('a=1')).toBeUndefined();
  });
});
