import { describe, expect, it } from 'vitest';
import type { JsonObject, JsonValue } from '@settee/core';
import { readTopLevelFields } from './top-level-fields.js';
import { seededRandom as random } from '../test-support/seeded-random.js';


const STRINGS = ['', 'a', '"', '\\', '\\"', '{', '}', '[', ']', ',', ':', 'a"b', '\u00e9', '\u{1F600}', '\n', 'x\\\\'];

function value(next: () => number, depth: number): JsonValue {
  const kind = Math.floor(next() * (depth > 2 ? 5 : 7));
  switch (kind) {
    case 0:
      return null;
    case 1:
      return next() < 0.5;
    case 2:
      return Math.round((next() - 0.5) * 1e6) / 100;
    case 3:
    case 4:
      return STRINGS[Math.floor(next() * STRINGS.length)]! + STRINGS[Math.floor(next() * STRINGS.length)]!;
    case 5:
      return Array.from({ length: Math.floor(next() * 4) }, () => value(next, depth + 1));
    default:
      return object(next, depth + 1);
  }
}

function object(next: () => number, depth: number): JsonObject {
  const result: JsonObject = {};
  const count = Math.floor(next() * 5);
  for (let i = 0; i < count; i++) result[STRINGS[Math.floor(next() * STRINGS.length)]! + i] = value(next, depth);
  return result;
}

describe('readTopLevelFields', () => {
  it('reads exactly the members JSON.parse would, for 3000 random objects and name sets', () => {
    const next = random(11);
    for (let n = 0; n < 3000; n++) {
      const doc = object(next, 0);
      const keys = Object.keys(doc);
      const names = new Set(keys.filter(() => next() < 0.5));
      names.add('absent');
      const expected = Object.fromEntries(keys.filter((k) => names.has(k)).map((k) => [k, doc[k]!]));
      expect(readTopLevelFields(JSON.stringify(doc), names), JSON.stringify(doc)).toEqual(expected);
    }
  });

  it('answers undefined for text that is not compact JSON, so the caller parses it whole', () => {
    expect(readTopLevelFields('{"a": 1}', new Set(['a']))).toBeUndefined();
    expect(readTopLevelFields('{"a": {"b":1} ,"c":2}', new Set(['c']))).toBeUndefined();
    expect(readTopLevelFields('{"a":1 2}', new Set(['a']))).toBeUndefined();
    expect(readTopLevelFields('[1]', new Set(['a']))).toBeUndefined();
    expect(readTopLevelFields('{"a":1', new Set(['a']))).toBeUndefined();
    expect(readTopLevelFields('{}', new Set(['a']))).toEqual({});
  });
});
