import { describe, expect, it } from 'vitest';
import { compileMangoRegex } from './pcre-regex.js';

function test(pattern: string, value: string): boolean {
  const regex = compileMangoRegex(pattern);
  if (regex === undefined) throw new Error(`pattern ${pattern} did not compile`);
  return regex.test(value);
}

describe('compileMangoRegex: PCRE (Erlang re, byte mode) semantics on JavaScript RegExp', () => {
  it('searches unanchored and is case-sensitive by default', () => {
    expect(test('li', 'alice')).toBe(true);
    expect(test('^a', 'ALICE')).toBe(false);
  });

  it('reads leading option settings as flags', () => {
    expect(test('(?i)^a', 'ALICE')).toBe(true);
    expect(test('(?s)a.b', 'a\nb')).toBe(true);
    expect(test('a.b', 'a\nb')).toBe(false);
    expect(test('(?m)^b$', 'a\nb\nc')).toBe(true);
    expect(test('^b$', 'a\nb\nc')).toBe(false);
    expect(test('(?x) a  b # comment', 'ab')).toBe(true);
    expect(test('(?im)^B', 'a\nb')).toBe(true);
  });

  it('gives $ and \\Z the PCRE meaning (end, or before a final newline), \\z and \\A their own', () => {
    expect(test('a$', 'a\n')).toBe(true);
    expect(test('a\\Z', 'a\n')).toBe(true);
    expect(test('a\\z', 'a\n')).toBe(false);
    expect(test('a$', 'a\n\n')).toBe(false);
    expect(test('\\Ab', 'ab')).toBe(false);
    expect(test('\\Aa', 'ab')).toBe(true);
  });

  it('lets "." match "\\r" (only "\\n" is a newline for PCRE)', () => {
    expect(test('a.b', 'a\rb')).toBe(true);
  });

  it('matches UTF-8 bytes, not characters', () => {
    expect(test('^.{3}$', 'Zo\u00eb')).toBe(false);
    expect(test('^.{4}$', 'Zo\u00eb')).toBe(true);
    expect(test('^\u00c9', '\u00c9mile')).toBe(true);
    expect(test('^[\u00e9]{2}$', '\u00e9')).toBe(true);
    expect(test('\\s', '\u00e0')).toBe(false);
  });

  it('translates PCRE-only syntax', () => {
    expect(test('(?P<x>a)(?P=x)', 'aa')).toBe(true);
    expect(test('a(?#note)b', 'ab')).toBe(true);
    expect(test('\\Qa.b\\E', 'a.b')).toBe(true);
    expect(test('\\Qa.b\\E', 'axb')).toBe(false);
    expect(test('[[:digit:]]+', 'x42')).toBe(true);
    expect(test('^[[:alpha:]]+$', 'ab1')).toBe(false);
    expect(test('\\x{41}', 'A')).toBe(true);
    expect(test('a\\hb', 'a\tb')).toBe(true);
    expect(test('[]a]', ']')).toBe(true);
  });

  it('rejects patterns that do not compile', () => {
    expect(compileMangoRegex('(')).toBeUndefined();
    expect(compileMangoRegex('[a')).toBeUndefined();
    expect(compileMangoRegex('a**')).toBeUndefined();
    expect(compileMangoRegex('[[:nope:]]')).toBeUndefined();
  });
});
