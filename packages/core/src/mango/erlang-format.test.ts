import { describe, expect, it } from 'vitest';
import { formatErlangNumber, formatErlangTerm } from './erlang-format.js';

describe('formatErlangTerm (~w)', () => {
  it('prints JSON terms the way CouchDB error reasons show them', () => {
    expect(formatErlangTerm('alice')).toBe('<<97,108,105,99,101>>');
    expect(formatErlangTerm('')).toBe('<<>>');
    expect(formatErlangTerm('\u00e9')).toBe('<<195,169>>');
    expect(formatErlangTerm([1.5, 0])).toBe('[1.5,0]');
    expect(formatErlangTerm({ age: 1 })).toBe('{[{<<97,103,101>>,1}]}');
    expect(formatErlangTerm([{ age: 1 }])).toBe('[{[{<<97,103,101>>,1}]}]');
    expect(formatErlangTerm({})).toBe('{[]}');
    expect(formatErlangTerm([null, true, false])).toBe('[null,true,false]');
  });

  it('prints floats in Erlang short form', () => {
    expect(formatErlangNumber(1.5)).toBe('1.5');
    expect(formatErlangNumber(-0.25)).toBe('-0.25');
    expect(formatErlangNumber(0.0001)).toBe('0.0001');
    expect(formatErlangNumber(1e-5)).toBe('1.0e-5');
    expect(formatErlangNumber(123.456)).toBe('123.456');
    expect(formatErlangNumber(1.5e300)).toBe('1.5e300');
    expect(formatErlangNumber(42)).toBe('42');
  });
});
