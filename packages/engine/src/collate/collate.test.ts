import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '@settee/core';
import { collate, collateKeyAndId } from './collate.js';
import { compareRaw, compareRawStrings } from './compare-raw.js';

interface Step {
  note?: string;
  request?: { method: string; path: string; query?: Record<string, string>; body?: unknown };
  response?: { status: number; body?: unknown };
}
interface Row {
  id: string;
  key: JsonValue;
}

const recording = JSON.parse(
  readFileSync(new URL('../../../../../shared/couchdb-reference/collation.json', import.meta.url), 'utf8'),
) as { steps: Step[] };

function step(notePrefix: string): Step {
  const found = recording.steps.find((s) => s.note?.startsWith(notePrefix));
  if (!found?.response) throw new Error(`no recorded step "${notePrefix}"`);
  return found;
}

function rowsOf(s: Step): Row[] {
  return (s.response!.body as { rows: Row[] }).rows;
}

/** The 54 {_id, k} docs, parsed from the raw JSON text the recorder sent. */
const docs = (JSON.parse(step('setup: 54 docs').request!.body as string) as { docs: { _id: string; k: JsonValue }[] }).docs;
const viewRows: Row[] = docs.map((d) => ({ id: d._id, key: d.k }));
const ids = (step('setup: docs whose _id').request!.body as { docs: { _id: string }[] }).docs.map((d) => d._id);

const byCollation = (a: Row, b: Row) => collateKeyAndId(a.key, a.id, b.key, b.id);
const byRaw = (a: Row, b: Row) => compareRaw(a.key, b.key) || compareRawStrings(a.id, b.id);

function inRange(key: JsonValue, start: JsonValue | undefined, end: JsonValue | undefined, cmp = collate): boolean {
  return (start === undefined || cmp(key, start) >= 0) && (end === undefined || cmp(key, end) <= 0);
}

describe('collate against recorded CouchDB 3.4.3 views (collation.json)', () => {
  it('orders the documented test vector and extras exactly like GET _view/by_k', () => {
    const expected = rowsOf(step('GET view by_k: rows'));
    expect(expected).toHaveLength(54);
    expect([...viewRows].sort(byCollation).map((r) => r.id)).toEqual(expected.map((r) => r.id));
  });

  it('gives the reverse of that order for descending=true (ties reversed too)', () => {
    const expected = rowsOf(step('GET view by_k?descending=true'));
    expect([...viewRows].sort((a, b) => byCollation(b, a)).map((r) => r.id)).toEqual(expected.map((r) => r.id));
  });

  it('orders the same keys like the view with options.collation = "raw"', () => {
    const expected = rowsOf(step('GET view by_k_raw'));
    expect([...viewRows].sort(byRaw).map((r) => r.id)).toEqual(expected.map((r) => r.id));
  });

  it('orders the id strings like the by_id view (ICU, ties by raw doc id)', () => {
    const expected = rowsOf(step('GET /ids view emitting _id'));
    const rows = ids.map((id) => ({ id, key: id }));
    expect(rows.sort(byCollation).map((r) => r.id)).toEqual(expected.map((r) => r.id));
  });

  it('orders the ids like _all_docs (raw code point order) ascending and descending', () => {
    const ascending = rowsOf(step('GET /ids/_all_docs: raw')).map((r) => r.id);
    const descending = rowsOf(step('GET /ids/_all_docs?descending=true')).map((r) => r.id);
    expect([...ids].sort(compareRawStrings)).toEqual(ascending);
    expect([...ids].sort((a, b) => compareRawStrings(b, a))).toEqual(descending);
  });

  it('selects the same rows as every recorded key / startkey / endkey query', () => {
    const sorted = [...viewRows].sort(byCollation);
    const rangeSteps = recording.steps.filter(
      (s) => s.request?.path === '/db/_design/c/_view/by_k' && s.request.query && !('descending' in s.request.query) && !('limit' in s.request.query),
    );
    expect(rangeSteps.length).toBeGreaterThanOrEqual(8);
    for (const s of rangeSteps) {
      const q = s.request!.query!;
      const parse = (v: string | undefined) => (v === undefined ? undefined : (JSON.parse(v) as JsonValue));
      const start = parse(q.key ?? q.startkey);
      const end = parse(q.key ?? q.endkey);
      const got = sorted.filter((r) => inRange(r.key, start, end)).map((r) => r.id);
      expect(got, s.note).toEqual(rowsOf(s).map((r) => r.id));
    }
  });

  it('selects the same ids as the recorded raw _all_docs range', () => {
    const s = step('GET /ids/_all_docs?startkey="a"&endkey="b"');
    const q = s.request!.query!;
    const start = JSON.parse(q.startkey!) as string;
    const end = JSON.parse(q.endkey!) as string;
    const got = [...ids].sort(compareRawStrings).filter((id) => inRange(id, start, end, compareRaw));
    expect(got).toEqual(rowsOf(s).map((r) => r.id));
  });
});

describe('collate: the collation.rst specification table', () => {
  const table: JsonValue[] = [
    null, false, true,
    1, 2, 3.0, 4,
    'a', 'A', 'aa', 'b', 'B', 'ba', 'bb',
    ['a'], ['b'], ['b', 'c'], ['b', 'c', 'a'], ['b', 'd'], ['b', 'd', 'e'],
    { a: 1 }, { a: 2 }, { b: 1 }, { b: 2 }, { b: 2, a: 1 }, { b: 2, c: 2 },
  ];

  it('puts every entry strictly before every later one', () => {
    for (let i = 0; i < table.length; i++) {
      for (let j = 0; j < table.length; j++) {
        const expected = Math.sign(i - j);
        expect(collate(table[i]!, table[j]!), `${JSON.stringify(table[i])} vs ${JSON.stringify(table[j])}`).toBe(expected);
      }
    }
  });

  it('sorts a shuffled copy back into table order', () => {
    const shuffled = [...table].reverse();
    shuffled.push(shuffled.shift()!);
    expect(shuffled.sort(collate)).toEqual(table);
  });

  it('shows the documented key-range pitfall: abc < Abc < ABC < abc1 < AbcZZZZZ', () => {
    const keys = ['AbcZZZZZ', 'abc1', 'ABC', 'Abc', 'abc'];
    expect(keys.sort(collate)).toEqual(['abc', 'Abc', 'ABC', 'abc1', 'AbcZZZZZ']);
  });

  it('sorts all symbols before digits, and digits before letters (a A b B ... z Z)', () => {
    const printable = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));
    const sorted = printable.sort(collate);
    const firstDigit = sorted.indexOf('0');
    const symbols = sorted.slice(0, firstDigit);
    expect(symbols.every((c) => !/[0-9A-Za-z]/.test(c))).toBe(true);
    expect(symbols).toContain('~');
    const letters = 'abcdefghijklmnopqrstuvwxyz'.split('').flatMap((c) => [c, c.toUpperCase()]);
    expect(sorted.slice(firstDigit)).toEqual([...'0123456789'.split(''), ...letters]);
  });

  it('compares numbers by value and treats canonically equivalent strings as equal', () => {
    expect(collate(3, 3.0)).toBe(0);
    expect(collate(-1, 0)).toBe(-1);
    expect(collate(1000, 4)).toBe(1);
    expect(collate('\u00e9', 'e\u0301')).toBe(0);
    expect(collateKeyAndId('\u00e9', 'k094', 'e\u0301', 'k037')).toBe(1);
  });

  it('compares object members in their stored order (member order matters)', () => {
    expect(collate({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(-1);
    expect(collate({ a: 1 }, { a: 1 })).toBe(0);
    expect(collate({}, [])).toBe(1);
    expect(collate([], 'z')).toBe(1);
  });
});

describe('compareRaw: Erlang term order', () => {
  it('follows the collation.rst raw sequence: 1 < false < null < true < {"a":"a"} < ["a"] < "a"', () => {
    const sequence: JsonValue[] = [1, false, null, true, { a: 'a' }, ['a'], 'a'];
    expect([...sequence].reverse().sort(compareRaw)).toEqual(sequence);
  });

  it('orders strings by code point, not UTF-16 code unit', () => {
    expect(compareRawStrings('\ufff0', '\u{1F600}')).toBe(-1);
    expect('\ufff0' < '\u{1F600}').toBe(false);
    expect(compareRawStrings('Z', 'a')).toBe(-1);
    expect(compareRaw('b', 'ab')).toBe(1);
  });
});
