import { describe, expect, it } from 'vitest';
import { compareUtf8, hasHighUnits, isWellFormed } from './compare-utf8.js';

const byBytes = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
const sign = (n: number): number => Math.sign(n);

/** Characters around every boundary where UTF-16 and UTF-8 orders could part. */
const ALPHABET = ['a', 'b', 'z', '\u0000', '\u007f', '\u00e9', '\u07ff', '\u0800', '\ud7ff', '\ue000', '\uf8ff', '\ufffd', '\uffff',
  '\u{10000}', '\u{1f600}', '\u{1f601}', '\u{10ffff}'];

function randomString(rand: () => number): string {
  let s = '';
  const n = Math.floor(rand() * 5);
  for (let i = 0; i < n; i++) s += ALPHABET[Math.floor(rand() * ALPHABET.length)];
  return s;
}

function seeded(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

describe('compareUtf8', () => {
  it('puts a supplementary code point above U+E000..U+FFFF, unlike UTF-16 order', () => {
    const emoji = '\u{1f600}';
    expect('\ue000' < emoji).toBe(false); // UTF-16: surrogate 0xD83D < 0xE000
    expect(compareUtf8('\ue000', emoji)).toBeLessThan(0);
    expect(compareUtf8('\uffff', emoji)).toBeLessThan(0);
    expect(compareUtf8(emoji, '\uffff')).toBeGreaterThan(0);
    expect(compareUtf8('\ud7ff', emoji)).toBeLessThan(0);
    expect(compareUtf8('x\uffffy', 'x\u{10000}')).toBeLessThan(0);
  });

  it('orders supplementary code points among themselves', () => {
    expect(compareUtf8('\u{10000}', '\u{1f600}')).toBeLessThan(0);
    expect(compareUtf8('\u{1f600}', '\u{1f601}')).toBeLessThan(0);
    expect(compareUtf8('\u{10ffff}', '\u{1f601}')).toBeGreaterThan(0);
  });

  it('agrees with plain comparison on ASCII and BMP text', () => {
    expect(compareUtf8('abc', 'abd')).toBeLessThan(0);
    expect(compareUtf8('ab', 'abc')).toBeLessThan(0);
    expect(compareUtf8('abc', 'abc')).toBe(0);
    expect(compareUtf8('', '')).toBe(0);
    expect(compareUtf8('B', 'a')).toBeLessThan(0);
    expect(compareUtf8('\u00e9', 'z')).toBeGreaterThan(0);
  });

  it('matches UTF-8 byte order on random strings around the boundaries', () => {
    const rand = seeded(42);
    for (let i = 0; i < 20_000; i++) {
      const a = randomString(rand);
      const b = rand() < 0.3 ? a + randomString(rand) : randomString(rand);
      expect(sign(compareUtf8(a, b)), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`).toBe(sign(byBytes(a, b)));
    }
  });

  it('sorts a list like Buffer.compare does', () => {
    const rand = seeded(7);
    const list = Array.from({ length: 500 }, () => randomString(rand));
    expect([...list].sort(compareUtf8)).toEqual([...list].sort(byBytes));
  });
});

describe('hasHighUnits', () => {
  it('flags units at or above U+D800 only', () => {
    expect(hasHighUnits('plain ascii é \ud7ff')).toBe(false);
    expect(hasHighUnits('x\ue000')).toBe(true);
    expect(hasHighUnits('x\u{1f600}')).toBe(true);
    expect(hasHighUnits('\uffff')).toBe(true);
  });
});

describe('isWellFormed', () => {
  it('accepts text with paired surrogates and rejects lone ones', () => {
    expect(isWellFormed('abc \u{1f600} \uffff')).toBe(true);
    expect(isWellFormed('')).toBe(true);
    expect(isWellFormed('a\ud83d')).toBe(false);
    expect(isWellFormed('\ude00b')).toBe(false);
    expect(isWellFormed('\ude00\ud83d')).toBe(false);
  });
});
