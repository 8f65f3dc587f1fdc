import { describe, expect, it } from 'vitest';
import { splitUrl } from './context.js';
import { parseQuery, queryParams } from './query.js';

describe('parseQuery', () => {
  it('types parameters the way CouchDB reads them', () => {
    expect(parseQuery('limit=2&descending=true&key=%22a%22&rev=1-x&since=now&open_revs=all&start_key=%5B1%5D')).toStrictEqual({
      limit: 2,
      descending: true,
      key: 'a',
      rev: '1-x',
      since: 'now',
      open_revs: 'all',
      startkey: [1],
    });
  });

  it('leaves invalid booleans and integers as text for the engine to refuse', () => {
    expect(parseQuery('include_docs=yes&limit=abc')).toStrictEqual({ include_docs: 'yes', limit: 'abc' });
  });

  it('splits on ";" as well as "&", as mochiweb does; an encoded %3B stays in its value', () => {
    expect(parseQuery('limit=2;skip=1&key=%22a%3Bb%22')).toStrictEqual({ limit: 2, skip: 1, key: 'a;b' });
    expect([...queryParams('filter=d/f;x=1')]).toStrictEqual([['filter', 'd/f'], ['x', '1']]);
  });

  it('refuses a JSON parameter that is not JSON like CouchDB', () => {
    expect(() => parseQuery('startkey=ref_')).toThrow(/invalid UTF-8 JSON/);
  });
});

describe('splitUrl', () => {
  it('decodes each segment alone, so an encoded slash stays in its segment, and + is a space', () => {
    expect(splitUrl('/a%2Fb/doc/att/x.txt?rev=1')).toStrictEqual({ segments: ['a/b', 'doc', 'att', 'x.txt'], rawQuery: 'rev=1' });
    expect(splitUrl('/p+q')).toStrictEqual({ segments: ['p q'], rawQuery: '' });
    expect(splitUrl('/')).toStrictEqual({ segments: [''], rawQuery: '' });
    expect(splitUrl('/db/')).toStrictEqual({ segments: ['db'], rawQuery: '' });
  });
});
