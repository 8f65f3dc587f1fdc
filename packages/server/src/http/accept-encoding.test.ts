import { describe, expect, it } from 'vitest';
import { acceptsEncoding } from './accept-encoding.js';

describe('acceptsEncoding', () => {
  it('accepts a listed encoding or a wildcard with a quality above zero, case-insensitively', () => {
    expect(acceptsEncoding('gzip, deflate', 'gzip')).toBe(true);
    expect(acceptsEncoding('deflate, GZIP;q=0.5', 'gzip')).toBe(true);
    expect(acceptsEncoding('*', 'gzip')).toBe(true);
    expect(acceptsEncoding('br, *;q=0.1', 'gzip')).toBe(true);
  });

  it('refuses a missing header, identity only, q=0, and a wildcard overruled by an explicit q=0', () => {
    expect(acceptsEncoding(undefined, 'gzip')).toBe(false);
    expect(acceptsEncoding('identity', 'gzip')).toBe(false);
    expect(acceptsEncoding('gzip;q=0', 'gzip')).toBe(false);
    expect(acceptsEncoding('*;q=0', 'gzip')).toBe(false);
    expect(acceptsEncoding('*, gzip;q=0', 'gzip')).toBe(false);
  });
});
