import { BadRequestError } from '@settee/core';
import { describe, expect, it } from 'vitest';
import { canonicalRevId, compareRevHash, parseRev, parseRevId } from './rev-tree-parse.js';

const HEX_C = 'c'.repeat(32);

describe('parseRev', () => {
  it('splits the generation from the id at the first dash', () => {
    expect(parseRev('1-abc')).toEqual({ pos: 1, hash: 'abc' });
    expect(parseRev(`3-${HEX_C}`)).toEqual({ pos: 3, hash: HEX_C });
    expect(parseRev('2-a-b')).toEqual({ pos: 2, hash: 'a-b' });
  });

  it("reads the generation like Erlang's list_to_integer", () => {
    expect(parseRev('+3-abc')).toEqual({ pos: 3, hash: 'abc' });
    expect(parseRev('007-abc')).toEqual({ pos: 7, hash: 'abc' });
    expect(parseRev('0-abc')).toEqual({ pos: 0, hash: 'abc' });
  });

  it('accepts an empty id, as CouchDB does', () => {
    expect(parseRev('1-')).toEqual({ pos: 1, hash: '' });
  });

  it.each(['abc', '', '-', '-1-abc', 'x-abc', '1.5-abc', ' 1-abc', '1 -abc', '99999999999999999999-abc', `1-${'g'.repeat(32)}`, `1-${'é'.repeat(16)}`])(
    'rejects %j with 400 Invalid rev format',
    (rev) => {
      const error = (() => {
        try {
          parseRev(rev);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(BadRequestError);
      expect(error).toMatchObject({ status: 400, error: 'bad_request', reason: 'Invalid rev format' });
    },
  );

  it('rejects non-strings', () => {
    expect(() => parseRev(42 as unknown as string)).toThrow(BadRequestError);
  });

  it('canonicalises ids like CouchDB (32 hex digits are 16 bytes, 16-byte ids print as hex)', () => {
    expect(parseRev(`1-${'ABCDEF0123456789'.repeat(2)}`).hash).toBe('abcdef0123456789'.repeat(2));
    expect(parseRev('1-abcdefghijklmnop').hash).toBe('6162636465666768696a6b6c6d6e6f70');
    expect(parseRev(`1-${'é'.repeat(8)}`).hash).toBe('c3a9'.repeat(8));
    // list_to_integer(_, 16) takes a sign; a negative value is stored as 128-bit two's complement.
    expect(parseRev(`1-+${'0'.repeat(30)}a`).hash).toBe(`${'0'.repeat(31)}a`);
    expect(parseRev(`1--${'0'.repeat(30)}1`).hash).toBe('f'.repeat(32));
    expect(parseRev(`1--${'0'.repeat(31)}`).hash).toBe('0'.repeat(32));
  });
});

describe('parseRevId', () => {
  it('canonicalises _revisions ids', () => {
    expect(parseRevId('B'.repeat(32))).toBe('b'.repeat(32));
    expect(parseRevId('xyz')).toBe('xyz');
  });

  it('rejects a 32-byte id that is not hex as doc_validation', () => {
    expect(() => parseRevId('z'.repeat(32))).toThrow(BadRequestError);
    try {
      parseRevId('z'.repeat(32));
    } catch (e) {
      expect(e).toMatchObject({ status: 400, error: 'doc_validation', reason: "RevId isn't a valid hexadecimal" });
    }
  });

  it('is what canonicalRevId gives', () => {
    expect(canonicalRevId('z'.repeat(32))).toBeUndefined();
    expect(canonicalRevId('abc')).toBe('abc');
  });
});

describe('compareRevHash', () => {
  it('orders hex ids like their bytes', () => {
    expect(compareRevHash('a'.repeat(32), 'f'.repeat(32))).toBeLessThan(0);
    expect(compareRevHash('f'.repeat(32), 'a'.repeat(32))).toBeGreaterThan(0);
    expect(compareRevHash(HEX_C, HEX_C)).toBe(0);
  });

  it('compares a hex id as 16 raw bytes against other ids', () => {
    // <<16#cc, ...>> > <<"zzz">> (0x7a) although "c" < "z" as text.
    expect(compareRevHash(HEX_C, 'zzz')).toBeGreaterThan(0);
    // <<16#00, ...>> < <<"0">> (0x30) although "0000..." > "0" as text.
    expect(compareRevHash('0'.repeat(32), '0')).toBeLessThan(0);
    expect(compareRevHash('zzz', HEX_C)).toBeLessThan(0);
  });

  it('orders other ids by UTF-8 bytes (code points), not UTF-16 units', () => {
    expect(compareRevHash('\uffff', '\u{10000}')).toBeLessThan(0);
    expect(compareRevHash('\u{10000}', '\uffff')).toBeGreaterThan(0);
    expect(compareRevHash('ab', 'abc')).toBeLessThan(0);
    expect(compareRevHash('b', 'abc')).toBeGreaterThan(0);
    expect(compareRevHash('B', 'a')).toBeLessThan(0);
  });
});
