import { describe, expect, it } from 'vitest';
import { seededRandom } from '../test-support/seeded-random.js';
import { TermWriter } from './erlang-term.js';
import { JsonTextTermWriter } from './json-text-term.js';

/** The reference: the object walk over the parsed value. */
function viaObject(text: string): Buffer {
  return Buffer.from(new TermWriter(16).reset().ejson(JSON.parse(text)).toBytes());
}

function viaText(text: string, writer = new JsonTextTermWriter(16)): Buffer {
  return Buffer.from(writer.reset().ejsonText(text).toBytes());
}

/** Random JSON values that reach every encoding branch: byte lists, big integers, floats, escapes, surrogates. */
function randomValue(random: () => number, depth: number): unknown {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const roll = random();
  if (depth > 3 || roll < 0.45) {
    const kind = pick(['string', 'string', 'int', 'bigint', 'float', 'literal'] as const);
    if (kind === 'string') return randomString(random);
    if (kind === 'int') return Math.floor(random() * 600) - 100;
    if (kind === 'bigint') return pick([2 ** 31, -(2 ** 31) - 1, 2 ** 53 - 1, -(2 ** 53) + 1, 2 ** 53, 1e21, 123456789012345680000]);
    if (kind === 'float') return pick([0.5, -1.25, 1e-7, 3.14159, 1.7976931348623157e308, 5e-324, (random() - 0.5) * 1e6]);
    return pick([true, false, null]);
  }
  if (roll < 0.7) {
    const length = Math.floor(random() * 6);
    // A third of the arrays hold only small non-negative integers (STRING_EXT in term_to_binary).
    if (random() < 0.33) return Array.from({ length }, () => Math.floor(random() * 256));
    return Array.from({ length }, () => randomValue(random, depth + 1));
  }
  const object: Record<string, unknown> = {};
  const size = Math.floor(random() * 5);
  for (let i = 0; i < size; i++) object[randomString(random)] = randomValue(random, depth + 1);
  return object;
}

function randomString(random: () => number): string {
  const pieces = ['a', 'Zz', ' ', '"', '\\', '/', '\n', '\t', '\u0001', '\u001f', 'é', '€', '\u{1F600}', '\ud800', '\udfff', '\uffff', '12'];
  let text = '';
  const length = Math.floor(random() * 8);
  for (let i = 0; i < length; i++) text += pieces[Math.floor(random() * pieces.length)]!;
  return text;
}

describe('JsonTextTermWriter', () => {
  it('writes the same bytes as the object walk for 5,000 random JSON texts', () => {
    const random = seededRandom(20261122);
    const writer = new JsonTextTermWriter(16);
    let mismatches = 0;
    for (let i = 0; i < 5000; i++) {
      const text = JSON.stringify({ value: randomValue(random, 0) });
      if (!viaText(text, writer).equals(viaObject(text))) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it.each([
    ['an empty object', '{}'],
    ['an empty array and string', '{"a":[],"b":""}'],
    ['a byte list', '[0,1,255]'],
    ['a list that only looks like bytes', '[0,256]'],
    ['negative and large integers', '[-1,-2147483648,2147483648,9007199254740991,-9007199254740991]'],
    ['integers beyond the safe range, as floats', '[9007199254740992,1e+21,123456789012345680000]'],
    ['floats', '[0.5,-1.25,1e-7,5e-324]'],
    ['nested objects', '{"a":{"b":{"c":[{"d":null}]}}}'],
    ['literals', '[true,false,null]'],
  ])('matches the object walk for %s', (_name, text) => {
    expect(viaText(text).equals(viaObject(text))).toBe(true);
  });

  it('decodes escapes, including surrogate pairs written as two escapes and lone surrogates', () => {
    const text = '["\\"\\\\\\/\\b\\f\\n\\r\\t","\\u00e9\\u20ac","\\ud83d\\ude00","\\ud800x","\\udfff"]';
    expect(viaText(text).equals(viaObject(text))).toBe(true);
    // A lone surrogate is U+FFFD (EF BF BD), escaped or raw.
    expect(viaText('"\\ud800"').equals(viaText(JSON.stringify('\ud800'.replace('\ud800', '\ufffd'))))).toBe(true);
  });

  it('grows its buffers for large texts', () => {
    const text = JSON.stringify({ big: 'x'.repeat(100_000), list: Array.from({ length: 70_000 }, (_, i) => i % 256) });
    expect(viaText(text, new JsonTextTermWriter(16)).equals(viaObject(text))).toBe(true);
  });

  it.each([
    ['an unclosed string', '{"a":"b'],
    ['trailing garbage', '{}x'],
    ['whitespace between tokens', '{ "a":1}'],
    ['a bad literal', '[nul]'],
    ['a bad escape', '["\\q"]'],
    ['a short unicode escape', '["\\u12"]'],
    ['a raw control character', '["a\u0001"]'],
    ['a missing value', '{"a":}'],
    ['an empty text', ''],
  ])('throws SyntaxError for %s', (_name, text) => {
    expect(() => viaText(text)).toThrow(SyntaxError);
  });
});
