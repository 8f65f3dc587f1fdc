import { describe, expect, it } from 'vitest';
import { isSetteeError, type JsonValue } from '@settee/core';
import { compileSelector, matchesSelector } from './match-selector.js';
import { normalizeSelector } from '@settee/core';

const matches = (doc: JsonValue, selector: JsonValue) => matchesSelector(doc, normalizeSelector(selector));

describe('matchesSelector', () => {
  it('compares whole values: a scalar does not match an array holding it', () => {
    expect(matches({ tags: ['a'] }, { tags: 'a' })).toBe(false);
    expect(matches({ tags: ['a', 'b'] }, { tags: ['a', 'b'] })).toBe(true);
    expect(matches({ tags: ['b', 'a'] }, { tags: ['a', 'b'] })).toBe(false);
  });

  it('compares objects member by member in order with $eq, but matches nested selectors by field', () => {
    expect(matches({ a: { x: 1, y: 2 } }, { a: { $eq: { x: 1, y: 2 } } })).toBe(true);
    expect(matches({ a: { x: 1, y: 2 } }, { a: { $eq: { y: 2, x: 1 } } })).toBe(false);
    expect(matches({ a: { x: 1, y: 2 } }, { a: { x: 1 } })).toBe(true);
  });

  it('collates across types in range operators', () => {
    expect(matches({ age: '31' }, { age: { $gt: 30 } })).toBe(true);
    expect(matches({ age: null }, { age: { $lt: 0 } })).toBe(true);
    expect(matches({ age: [] }, { age: { $gt: 'zzz' } })).toBe(true);
    expect(matches({ age: {} }, { age: { $gt: [] } })).toBe(true);
    expect(matches({ name: 'ALICE' }, { name: { $lt: 'b' } })).toBe(true);
  });

  it('treats canonically equivalent strings as equal, like ICU', () => {
    expect(matches({ name: 'e\u0301' }, { name: '\u00e9' })).toBe(true);
    expect(matches({ name: 'e\u0301' }, { name: { $in: ['\u00e9'] } })).toBe(true);
    // ...but $all uses exact equality (Erlang's lists:member).
    expect(matches({ names: ['e\u0301'] }, { names: { $all: ['\u00e9'] } })).toBe(false);
  });

  it('compares _id in raw order, other fields in ICU order', () => {
    expect(matches({ _id: 'Z' }, { _id: { $lt: 'a' } })).toBe(true);
    expect(matches({ name: 'Z' }, { name: { $lt: 'a' } })).toBe(false);
    expect(matches({ _id: 'b' }, { _id: { $gt: 5 } })).toBe(true);
  });

  it('handles $exists: a null value exists, a bad path matches nothing', () => {
    expect(matches({ a: null }, { a: { $exists: true } })).toBe(true);
    expect(matches({}, { a: { $exists: false } })).toBe(true);
    expect(matches({ a: 1 }, { 'a.b': { $exists: false } })).toBe(false);
    expect(matches({ a: { c: 1 } }, { 'a.b': { $exists: false } })).toBe(true);
    expect(matches({}, { a: { $not: { $exists: true } } })).toBe(true);
    expect(matches({}, { a: { $ne: 1 } })).toBe(false);
    expect(matches({}, { a: { $not: { $size: 1 } } })).toBe(false);
  });

  it('walks array indexes and escaped dots in paths', () => {
    const doc = { songs: [{ artist: 'x' }, { artist: 'y' }], 'dotted.key': 1 };
    expect(matches(doc, { 'songs.1.artist': 'y' })).toBe(true);
    expect(matches(doc, { 'songs.2.artist': { $exists: false } })).toBe(false);
    expect(matches(doc, { 'songs.artist': { $exists: false } })).toBe(false);
    expect(matches(doc, { 'dotted\\.key': 1 })).toBe(true);
    expect(matches(doc, { dotted: { key: 1 } })).toBe(false);
  });

  it('matches $in / $nin against array elements, not the whole array', () => {
    expect(matches({ tags: ['a', 'c'] }, { tags: { $in: ['c', 'x'] } })).toBe(true);
    expect(matches({ tags: ['a', 'b'] }, { tags: { $in: [['a', 'b']] } })).toBe(false);
    expect(matches({ tags: ['a', 'c'] }, { tags: { $nin: ['c'] } })).toBe(false);
    expect(matches({ tags: [] }, { tags: { $nin: ['c'] } })).toBe(true);
    expect(matches({ tags: 'x' }, { tags: { $in: [] } })).toBe(false);
    expect(matches({ tags: 'x' }, { tags: { $nin: [] } })).toBe(true);
  });

  it('implements $all, $size, $elemMatch, $allMatch and $keyMapMatch', () => {
    expect(matches({ t: ['a', 'b', 'c'] }, { t: { $all: ['c', 'a'] } })).toBe(true);
    expect(matches({ t: [['a', 'b']] }, { t: { $all: [['a', 'b']] } })).toBe(true);
    expect(matches({ t: ['a', 'b'] }, { t: { $all: [['a', 'b']] } })).toBe(true);
    expect(matches({ t: ['a'] }, { t: { $all: [] } })).toBe(false);
    expect(matches({ t: 'a' }, { t: { $all: ['a'] } })).toBe(false);
    expect(matches({ t: [1, 2] }, { t: { $size: 2 } })).toBe(true);
    expect(matches({ t: 'ab' }, { t: { $size: 2 } })).toBe(false);
    expect(matches({ t: [{ n: 'x', q: 7 }] }, { t: { $elemMatch: { n: 'x', q: { $gt: 3 } } } })).toBe(true);
    expect(matches({ t: [{ n: 'x', q: 1 }, { n: 'y', q: 7 }] }, { t: { $elemMatch: { n: 'x', q: { $gt: 3 } } } })).toBe(false);
    expect(matches({ t: [] }, { t: { $elemMatch: { $gt: 0 } } })).toBe(false);
    expect(matches({ t: [1, 5] }, { t: { $allMatch: { $lt: 10 } } })).toBe(true);
    expect(matches({ t: [] }, { t: { $allMatch: { $lt: 10 } } })).toBe(false);
    expect(matches({ t: { color: 'red' } }, { t: { $keyMapMatch: { $eq: 'color' } } })).toBe(true);
    expect(matches({ t: {} }, { t: { $keyMapMatch: { $exists: true } } })).toBe(false);
    expect(matches({ t: ['color'] }, { t: { $keyMapMatch: { $eq: 'color' } } })).toBe(false);
  });

  it('keeps $not and $nor working inside $elemMatch (normalisation does not reach there)', () => {
    expect(matches({ t: [{ n: 'x' }, { n: 'y' }] }, { t: { $elemMatch: { $not: { n: 'x' } } } })).toBe(true);
    expect(matches({ t: [{ n: 'x' }] }, { t: { $elemMatch: { $nor: [{ n: 'x' }] } } })).toBe(false);
    expect(matches({ t: [{ n: 'z' }] }, { t: { $elemMatch: { $nor: [{ n: 'x' }, { n: 'y' }] } } })).toBe(true);
  });

  it('implements $type with CouchDB names', () => {
    const doc = { a: null, b: true, c: 1.5, d: 's', e: [], f: {} };
    for (const [field, type] of Object.entries({ a: 'null', b: 'boolean', c: 'number', d: 'string', e: 'array', f: 'object' })) {
      expect(matches(doc, { [field]: { $type: type } })).toBe(true);
      expect(matches(doc, { [field]: { $type: 'integer' } })).toBe(false);
    }
  });

  it('implements $mod on integers only, with the sign of the dividend', () => {
    expect(matches({ n: -1 }, { n: { $mod: [4, -1] } })).toBe(true);
    expect(matches({ n: 7 }, { n: { $mod: [-4, 3] } })).toBe(true);
    expect(matches({ n: 50.5 }, { n: { $mod: [5, 0] } })).toBe(false);
    expect(matches({ n: '10' }, { n: { $mod: [5, 0] } })).toBe(false);
  });

  it('fails with 500 badarith for $mod by zero, but only when it meets an integer', () => {
    const predicate = compileSelector(normalizeSelector({ n: { $mod: [0, 1] } }));
    expect(predicate({ n: 'x' })).toBe(false);
    let thrown: unknown;
    try {
      predicate({ n: 3 });
    } catch (error) {
      thrown = error;
    }
    expect(isSetteeError(thrown) && [thrown.status, thrown.error, thrown.reason]).toEqual([500, 'unknown_error', 'badarith']);
  });

  it('implements $regex on strings only and $beginsWith', () => {
    expect(matches({ n: 'alice' }, { n: { $regex: 'li' } })).toBe(true);
    expect(matches({ n: 'ALICE' }, { n: { $regex: '(?i)^a' } })).toBe(true);
    expect(matches({ n: 31 }, { n: { $regex: '3' } })).toBe(false);
    expect(matches({ n: '\u00c9mile' }, { n: { $beginsWith: '\u00c9' } })).toBe(true);
    expect(matches({ n: ['al'] }, { n: { $beginsWith: 'a' } })).toBe(false);
  });

  it('treats empty $and / $or as true in the matcher, like CouchDB', () => {
    expect(matches({}, { $and: [] })).toBe(true);
    expect(matches({}, { $or: [] })).toBe(true);
  });

  it('rejects $text (no text indexes) and invalid field names with CouchDB errors', () => {
    const fail = (selector: JsonValue) => {
      try {
        compileSelector(normalizeSelector(selector));
      } catch (error) {
        if (isSetteeError(error)) return [error.status, error.error, error.reason];
      }
      return undefined;
    };
    expect(fail({ $text: 'x' })).toEqual([400, 'no_usable_index', 'There is no index available for this selector.']);
    expect(fail({ 'a..b': 1 })).toEqual([500, 'unknown_error', 'Unknown Error: mango_util :: {invalid_field_name,<<97,46,46,98>>}']);
  });

  it('compiles a selector once and reuses it', () => {
    const selector = normalizeSelector({ a: 1 });
    expect(compileSelector(selector)).toBe(compileSelector(selector));
  });
});

describe('matcher speed', () => {
  it('checks 10k documents against a compound selector quickly', () => {
    const docs: JsonValue[] = Array.from({ length: 10_000 }, (_, i) => ({
      _id: `doc${String(i).padStart(5, '0')}`,
      name: `user ${i % 977}`,
      age: i % 90,
      tags: i % 3 ? ['a', 'b'] : ['c'],
      address: { city: i % 2 ? 'Paris' : 'Lyon' },
    }));
    const selector = normalizeSelector({
      age: { $gte: 18, $lt: 65 },
      'address.city': 'Paris',
      tags: { $elemMatch: { $eq: 'a' } },
      name: { $regex: '^user 1' },
      $or: [{ _id: { $gt: 'doc05000' } }, { age: { $in: [20, 30, 40] } }],
    });
    const predicate = compileSelector(selector);
    const start = performance.now();
    let count = 0;
    for (let round = 0; round < 5; round++) count = docs.filter(predicate).length;
    const perRound = (performance.now() - start) / 5;
    const expected = docs.filter((d) => {
      const doc = d as { _id: string; name: string; age: number; tags: string[]; address: { city: string } };
      return doc.age >= 18 && doc.age < 65 && doc.address.city === 'Paris' && doc.tags.includes('a') && doc.name.startsWith('user 1') && (doc._id > 'doc05000' || [20, 30, 40].includes(doc.age));
    }).length;
    expect(count).toBe(expected);
    expect(count).toBeGreaterThan(50);
    console.info(`matcher: ${docs.length} docs in ${perRound.toFixed(2)} ms`);
    expect(perRound).toBeLessThan(250);
  });
});
