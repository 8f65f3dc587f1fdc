import { describe, expect, it } from 'vitest';
import { authSessionCookie, base64Utf8, basicAuthorization } from './auth.js';
import { parseServerUrl } from './server-url.js';

describe('basic auth', () => {
  it('base64-encodes the UTF-8 bytes of user:password', () => {
    expect(basicAuthorization('admin', 'pw')).toBe('Basic YWRtaW46cHc=');
    expect(base64Utf8('ü€')).toBe(Buffer.from('ü€', 'utf8').toString('base64'));
  });
});

describe('authSessionCookie', () => {
  it('reads the AuthSession value from Set-Cookie, empty after logout', () => {
    const headers = new Headers();
    headers.append('set-cookie', 'Other=1; Path=/');
    headers.append('set-cookie', 'AuthSession=YWRtaW46NjU; Version=1; Path=/; HttpOnly');
    expect(authSessionCookie(headers)).toBe('YWRtaW46NjU');
    expect(authSessionCookie(new Headers({ 'set-cookie': 'AuthSession=; Version=1; Max-Age=600; Path=/' }))).toBe('');
    expect(authSessionCookie(new Headers())).toBeUndefined();
  });
});

describe('parseServerUrl', () => {
  it('takes user info out of the URL, decoded, and redacts it', () => {
    const parsed = parseServerUrl('https://ad%40min:p%3Ass@couch.example:6984/prefix?x=1#h');
    expect(parsed).toStrictEqual({
      base: 'https://couch.example:6984/prefix/',
      redacted: 'https://***@couch.example:6984/prefix/',
      credentials: { username: 'ad@min', password: 'p:ss' },
    });
  });

  it('keeps a URL without user info as is, with a trailing slash', () => {
    expect(parseServerUrl('http://127.0.0.1:5984')).toStrictEqual({
      base: 'http://127.0.0.1:5984/',
      redacted: 'http://127.0.0.1:5984/',
      credentials: undefined,
    });
  });

  it('refuses other protocols', () => {
    expect(() => parseServerUrl('ftp://x')).toThrow(/unsupported protocol ftp:/);
  });
});
