import { describe, expect, it } from 'vitest';
import { viewOptionsFromObject, viewOptionsFromQuery } from './design-view-query.js';

describe('viewOptionsFromQuery', () => {
  it('reads parameters as couch_mrview_http does: JSON keys, aliases, booleans in any case, integers', () => {
    const query = 'start_key=%5B%22eu%22%5D&end_key=%5B%22eu%22%2C%7B%7D%5D&group_level=2&descending=TRUE&limit=5&start_key_doc_id=a+b&update=lazy';
    expect(viewOptionsFromQuery(query)).toStrictEqual({
      startkey: ['eu'],
      endkey: ['eu', {}],
      group_level: 2,
      descending: true,
      limit: 5,
      startkey_docid: 'a b',
      update: 'lazy',
    });
  });

  it('splits on ";" as well as "&", as mochiweb does (CouchDB\'s own view tests send key=1;limit=2)', () => {
    expect(viewOptionsFromQuery('key=1;limit=2&reduce=false')).toStrictEqual({ key: 1, limit: 2, reduce: false });
  });

  it('maps stale to update and refuses other stale or stable values with query_parse_error', () => {
    expect(viewOptionsFromQuery('stale=ok')).toStrictEqual({ update: false });
    expect(viewOptionsFromQuery('stale=update_after&stable=false')).toStrictEqual({ update: 'lazy', stable: false });
    expect(() => viewOptionsFromQuery('stale=never')).toThrow('Invalid value for `stale`.');
    expect(() => viewOptionsFromQuery('stable=maybe')).toThrow('Invalid value for `stable`.');
  });

  it('ignores parameters that are not the view\'s (a list\'s format) and leaves bad values to the engine', () => {
    expect(viewOptionsFromQuery('format=xml&limit=abc&reduce=nope')).toStrictEqual({ limit: 'abc', reduce: 'nope' });
  });

  it('reads attachments, att_encoding_info and sorted as booleans, leaving bad values to the engine', () => {
    expect(viewOptionsFromQuery('attachments=true&att_encoding_info=False&sorted=maybe')).toStrictEqual({
      attachments: true,
      att_encoding_info: false,
      sorted: 'maybe',
    });
  });

  it('refuses keys that are not an array, in the query string or a queries entry, with query_parse_error', () => {
    expect(() => viewOptionsFromQuery('keys=1')).toThrow('`keys` must be an array of strings.');
    expect(() => viewOptionsFromObject({ keys: { a: 1 } })).toThrow('`keys` must be an array of strings.');
    expect(viewOptionsFromQuery('keys=%5B1%5D')).toStrictEqual({ keys: [1] });
  });

  it('refuses JSON parameters that are not JSON like CouchDB', () => {
    expect(() => viewOptionsFromQuery('key=notjson')).toThrow('invalid UTF-8 JSON');
  });

  it('a later key replaces an earlier range, and query values override a base', () => {
    expect(viewOptionsFromQuery('startkey=1&key=2')).toStrictEqual({ key: 2 });
    expect(viewOptionsFromQuery('limit=1', { keys: [1, 2], limit: 9 })).toStrictEqual({ keys: [1, 2], limit: 1 });
  });
});

describe('viewOptionsFromObject', () => {
  it('takes decoded values of a queries entry on top of the query string\'s', () => {
    const base = viewOptionsFromQuery('include_docs=true&limit=3');
    expect(viewOptionsFromObject({ keys: ['a'], start_key: 'x', limit: 1 }, base)).toStrictEqual({ include_docs: true, limit: 1, keys: ['a'], startkey: 'x' });
  });
});
