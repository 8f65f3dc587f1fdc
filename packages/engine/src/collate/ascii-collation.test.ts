import { describe, expect, it } from 'vitest';
import { compareAsciiStrings, NOT_ASCII } from './ascii-collation.js';
import { compareStrings } from './compare-strings.js';
import { icuCompare } from './icu-collator.js';
import { seededRandom as random } from '../test-support/seeded-random.js';


const ALL_ASCII = Array.from({ length: 128 }, (_, i) => String.fromCharCode(i)).join('');
// Few distinct characters make long equal prefixes, so the tertiary (case) level and prefixes get exercised.
const NARROW = 'aAbB-_ \u0001';

function randomString(next: () => number, alphabet: string, maxLength: number): string {
  const length = Math.floor(next() * (maxLength + 1));
  let s = '';
  for (let i = 0; i < length; i++) s += alphabet[Math.floor(next() * alphabet.length)];
  return s;
}

describe('ASCII fast path agrees exactly with the ICU collator', () => {
  it.each([
    ['every ASCII character', ALL_ASCII, 12, 1],
    ['a narrow alphabet', NARROW, 8, 2],
    ['letters and digits', 'abcABC019', 6, 3],
  ])('on 20000 random pairs over %s', (_label, alphabet, maxLength, seed) => {
    const next = random(seed);
    let disagreements = 0;
    let equalPairs = 0;
    for (let n = 0; n < 20000; n++) {
      const a = randomString(next, alphabet, maxLength);
      const b = next() < 0.2 ? a.toUpperCase() : randomString(next, alphabet, maxLength);
      const fast = compareAsciiStrings(a, b);
      const icu = Math.sign(icuCompare(a, b));
      if (fast !== icu) disagreements++;
      if (icu === 0) equalPairs++;
    }
    expect(disagreements).toBe(0);
    expect(equalPairs).toBeGreaterThan(0);
  });

  it('agrees on every pair of single characters and of two-character strings over a sample', () => {
    const chars = ALL_ASCII.split('');
    for (const a of chars) for (const b of chars) expect(compareAsciiStrings(a, b), `${a.charCodeAt(0)} ${b.charCodeAt(0)}`).toBe(Math.sign(icuCompare(a, b)));
  });

  it('treats ignorable control characters as ICU does ("a\\u0001" equals "a")', () => {
    expect(compareAsciiStrings('a\u0001', 'a')).toBe(0);
    expect(compareStrings('a\u0001', 'a')).toBe(0);
  });

  it('answers NOT_ASCII only when the order is not decided within the ASCII prefix', () => {
    expect(compareAsciiStrings('ab\u00e9', 'ac')).toBe(-1);
    expect(compareAsciiStrings('a', 'a\u0301')).toBe(NOT_ASCII);
    expect(compareAsciiStrings('ab', 'Ab\u00e9')).toBe(NOT_ASCII);
  });

  it('agrees with ICU on 20000 random pairs mixing ASCII with accents, combining marks and symbols', () => {
    const next = random(4);
    // Combining acute and long solidus overlay ("<" + U+0338 is canonically "\u226e"), precomposed letters,
    // an ignorable soft hyphen, a CJK character and an emoji (a surrogate pair).
    const extras = ['\u0301', '\u0338', '\u00e9', '\u00c9', '\u00df', '\u00ad', '\u4e00', '\u{1F600}'];
    let disagreements = 0;
    for (let n = 0; n < 20000; n++) {
      const make = () => {
        let s = randomString(next, 'aAb<=-_ 1', 5);
        if (next() < 0.7) s += extras[Math.floor(next() * extras.length)]! + randomString(next, 'aAb<', 2);
        return s;
      };
      const a = make();
      const b = next() < 0.3 ? a.slice(0, Math.floor(next() * a.length)) + make() : make();
      if (compareStrings(a, b) !== Math.sign(icuCompare(a, b))) disagreements++;
    }
    expect(disagreements).toBe(0);
  });

  it('falls back to ICU for non-ASCII strings', () => {
    expect(compareStrings('\u00e4', 'aa')).toBe(-1);
    expect(compareStrings('z', '\u00e4')).toBe(1);
  });
});
