import { describe, expect, it } from 'vitest';
import { buildQueryString, encodeAttachmentName, encodeDbName, encodeDocId } from './url.js';

describe('encodeDbName', () => {
  it('escapes "/" as %2F and the other allowed specials so they survive routing', () => {
    expect(encodeDbName('a/b')).toBe('a%2Fb');
    expect(encodeDbName('x$(y)+z-w_1')).toBe('x%24(y)%2Bz-w_1');
    expect(encodeDbName('plain')).toBe('plain');
  });
});

describe('encodeDocId', () => {
  it('keeps the slash of _design/ and _local/ ids and escapes the rest', () => {
    expect(encodeDocId('_design/app')).toBe('_design/app');
    expect(encodeDocId('_local/a/b')).toBe('_local/a%2Fb');
    expect(encodeDocId('_design/a b')).toBe('_design/a%20b');
  });

  it('escapes "/" and non-ASCII in ordinary ids, as CouchDB recorded PUT /db/%E4%B8%AD%E6%96%87', () => {
    expect(encodeDocId('has/slash')).toBe('has%2Fslash');
    expect(encodeDocId('中文')).toBe('%E4%B8%AD%E6%96%87');
    expect(encodeDocId('a?b#c%d+e')).toBe('a%3Fb%23c%25d%2Be');
  });

  it('does not treat a "_design" without slash, or another prefix, as special', () => {
    expect(encodeDocId('_designer/x')).toBe('_designer%2Fx');
    expect(encodeDocId('_design')).toBe('_design');
  });
});

describe('encodeAttachmentName', () => {
  it('keeps "/" as a separator (CouchDB joins the rest of the path) and escapes each segment', () => {
    expect(encodeAttachmentName('dir/sub.txt')).toBe('dir/sub.txt');
    expect(encodeAttachmentName('a b/ü?.txt')).toBe('a%20b/%C3%BC%3F.txt');
  });
});

describe('buildQueryString', () => {
  it('JSON-encodes key-like parameters and sends the rest as plain strings', () => {
    expect(buildQueryString({ startkey: 'a', endkey: 'b', limit: 2, descending: true })).toBe(
      '?startkey=%22a%22&endkey=%22b%22&limit=2&descending=true',
    );
    expect(buildQueryString({ open_revs: ['1-a', '2-b'] })).toBe(`?open_revs=${encodeURIComponent('["1-a","2-b"]')}`);
    expect(buildQueryString({ open_revs: 'all' })).toBe('?open_revs=all');
    expect(buildQueryString({ startkey_docid: 'd1' })).toBe('?startkey_docid=d1');
  });

  it('sends rev, since and feed literally', () => {
    expect(buildQueryString({ rev: '1-abc', since: 'now', feed: 'longpoll' })).toBe('?rev=1-abc&since=now&feed=longpoll');
    expect(buildQueryString({ since: '12-g1AAAA+/x' })).toBe('?since=12-g1AAAA%2B%2Fx');
  });

  it('drops undefined values and answers "" for nothing', () => {
    expect(buildQueryString({ rev: undefined })).toBe('');
    expect(buildQueryString(undefined)).toBe('');
    expect(buildQueryString({ a: undefined, b: false })).toBe('?b=false');
  });

  it('JSON-encodes arrays and objects whatever their name (atts_since, keys)', () => {
    expect(buildQueryString({ atts_since: ['2-x'] })).toBe(`?atts_since=${encodeURIComponent('["2-x"]')}`);
  });
});
