import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '@settee/core';
import { termToBinary, atom, tuple } from '../revs/erlang-term.js';
import { decodeBookmark, encodeBookmark } from './bookmark.js';
import { couchErrorOf as errorOf } from '../test-support/couch-error-of.js';

const recording = JSON.parse(
  readFileSync(new URL('../../../../../shared/couchdb-reference/find.json', import.meta.url), 'utf8'),
) as { steps: Array<{ response?: { body?: { bookmark?: string; docs?: Array<{ _id: string }> } } }> };


describe('bookmarks', () => {
  it("reads every bookmark CouchDB answered in find.json: the last returned row's id (and key)", () => {
    let read = 0;
    for (const step of recording.steps) {
      const body = step.response?.body;
      if (typeof body?.bookmark !== 'string' || body.bookmark === 'nil') continue;
      const position = decodeBookmark(body.bookmark);
      expect(position.id).toBe(body.docs!.at(-1)!._id);
      read++;
    }
    expect(read).toBeGreaterThan(70);
    // A json index bookmark: the key is the list of column values.
    expect(decodeBookmark('g2wAAAACaAJkAA5zdGFydGtleV9kb2NpZG0AAAADZDAzaAJkAAhzdGFydGtleWsAASNq')).toEqual({ id: 'd03', key: [35] });
  });

  it.each<[string, JsonValue]>([
    ['an id', 'doc-1'],
    ['small integers (a byte string)', [3, 200]],
    ['floats, big and negative numbers', [50.5, -1, 2 ** 40, -(2 ** 60)]],
    ['atoms and nested values', [null, true, false, { a: [1, 'x'], b: {} }, []]],
    ['unicode', ['Zoë', '北京', '\u{1F600}']],
  ])('encodes %s so it reads back the same', (_label, key) => {
    const position = { key, id: 'd\u00e9' };
    expect(decodeBookmark(encodeBookmark(position))).toEqual(position);
  });

  it('writes the term CouchDB writes ([{startkey_docid, Id}, {startkey, Key}]), compressed only when smaller', () => {
    const short = encodeBookmark({ key: [35], id: 'd03' });
    const expected = termToBinary([tuple(atom('startkey_docid'), 'd03'), tuple(atom('startkey'), [35])]);
    expect(Buffer.from(short, 'base64url')).toEqual(Buffer.from(expected));
    const long = encodeBookmark({ key: 'm25', id: 'm25'.repeat(40) });
    expect(Buffer.from(long, 'base64url')[1]).toBe(80);
    expect(long.length).toBeLessThan(Buffer.from(termToBinary([tuple(atom('startkey_docid'), 'm25'.repeat(40))])).toString('base64url').length);
  });

  it.each(['garbage', 'g2wAAAAC', 'g2o', encodeBookmark({ key: 1, id: 'x' }).slice(0, -3), Buffer.from(termToBinary([1, 2])).toString('base64url')])(
    'refuses %j with 400 invalid_bookmark',
    (bookmark) => {
      expect(errorOf(() => decodeBookmark(bookmark))).toEqual([400, 'invalid_bookmark', `Invalid bookmark value: ${JSON.stringify(bookmark)}`]);
    },
  );
});
