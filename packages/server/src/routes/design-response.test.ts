import { describe, expect, it } from 'vitest';
import { couchUrlEncode, designHeaders } from './design-response.js';

const body = new Uint8Array();

describe('couchUrlEncode', () => {
  it('keeps letters, digits and _ . - : and percent-encodes every other UTF-8 byte in upper case', () => {
    expect(couchUrlEncode('a-b_c.d:e')).toBe('a-b_c.d:e');
    expect(couchUrlEncode('new doc/1~')).toBe('new%20doc%2F1%7E');
    expect(couchUrlEncode('中')).toBe('%E4%B8%AD');
  });
});

describe('designHeaders', () => {
  it('JSON answers of shows and updates are must-revalidate and get no CSP', () => {
    const headers = designHeaders('show', { status: 200, headers: { 'Content-Type': 'application/json' }, body });
    expect(headers).toStrictEqual({ 'Content-Type': 'application/json', 'Cache-Control': 'must-revalidate' });
  });

  it('other answers, and every list answer, are sandboxed unless the function set a policy', () => {
    expect(designHeaders('show', { status: 200, headers: { 'Content-Type': 'text/html' }, body })).toStrictEqual({ 'Content-Type': 'text/html', 'Content-Security-Policy': 'sandbox' });
    expect(designHeaders('list', { status: 200, headers: { 'Content-Type': 'application/json' }, body })['Content-Security-Policy']).toBe('sandbox');
    const own = designHeaders('show', { status: 200, headers: { 'Content-Type': 'text/html', 'content-security-policy': "default-src 'self'" }, body });
    expect(own).toStrictEqual({ 'Content-Type': 'text/html', 'content-security-policy': "default-src 'self'" });
  });

  it('extra headers replace the function\'s under any spelling; X-Couch-Id is URL-encoded', () => {
    const headers = designHeaders('update', { status: 201, headers: { 'Content-Type': 'text/plain', etag: '"mine"', 'X-Couch-Id': 'a/b' }, body }, { ETag: '"server"' });
    expect(headers).toStrictEqual({ 'Content-Type': 'text/plain', 'X-Couch-Id': 'a%2Fb', ETag: '"server"', 'Content-Security-Policy': 'sandbox' });
  });
});
