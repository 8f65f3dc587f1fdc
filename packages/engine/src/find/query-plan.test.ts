import { describe, expect, it } from 'vitest';
import type { JsonObject } from '@settee/core';
import { parseFindRequest } from './find-request.js';
import { indexesOfDesignDoc, type JsonIndex } from './json-index.js';
import { ALL_DOCS, planQuery, type AnyIndex } from './query-plan.js';
import { couchErrorOf as errorOf } from '../test-support/couch-error-of.js';

/** A JSON index as `POST _index` would store it. */
function index(ddoc: string, fields: string[], partial?: JsonObject): JsonIndex {
  const map = { fields: Object.fromEntries(fields.map((f) => [f, 'asc'])), partial_filter_selector: partial ?? {} };
  return indexesOfDesignDoc(`_design/${ddoc}`, { language: 'query', views: { v: { map, reduce: '_count', options: { def: { fields } } } } })[0]!;
}

const name = (chosen: AnyIndex | undefined) => (chosen === undefined ? 'none' : chosen === ALL_DOCS ? '_all_docs' : chosen.ddoc.slice(8));

function plan(indexes: JsonIndex[], request: JsonObject) {
  return planQuery(indexes, parseFindRequest(request), 'find');
}


describe('planQuery: index choice as mango_cursor_view', () => {
  const age = index('age', ['age']);
  const ageName = index('age-name', ['age', 'name']);
  const nameAge = index('name-age', ['name', 'age']);
  const name_ = index('name', ['name']);

  it('prefers the index whose leading columns use the most selector ranges', () => {
    expect(name(plan([age, ageName, nameAge], { selector: { age: { $gt: 1 }, name: 'x' } }).index)).toBe('age-name');
  });

  it('then the one with fewer columns, then the first by design document id', () => {
    expect(name(plan([ageName, age], { selector: { age: { $gt: 1 }, name: 'x' } }).index)).toBe('age-name');
    expect(name(plan([ageName, age], { selector: { age: 1 } }).index)).toBe('age');
    const age2 = index('a-age', ['age']);
    expect(name(plan([age, age2], { selector: { age: 1 } }).index)).toBe('a-age');
  });

  it('uses _all_docs (with a warning later) when no JSON index has its columns required by the selector', () => {
    expect(name(plan([age, name_], { selector: { other: 1 } }).index)).toBe('_all_docs');
    expect(name(plan([age], { selector: { $or: [{ age: 1 }, { name: 'x' }] } }).index)).toBe('_all_docs');
  });

  it('picks the index that serves the sort, scanning backwards for desc, and refuses a sort no index serves', () => {
    const sorted = plan([age, name_], { selector: { age: { $gt: 0 } }, sort: [{ name: 'desc' }] });
    expect([name(sorted.index), sorted.direction]).toEqual(['name', 'rev']);
    expect(errorOf(() => plan([age], { selector: { age: { $gt: 0 } }, sort: ['name'] }))).toEqual([
      400,
      'no_usable_index',
      'No index exists for this sort, try indexing by the sort fields.',
    ]);
    expect(name(planQuery([age], parseFindRequest({ selector: {}, sort: ['name'] }), 'explain').index)).toBe('none');
  });

  it('never picks a partial index by itself, only when use_index names it', () => {
    const partial = index('partial', ['age'], { active: { $eq: true } });
    expect(name(plan([partial], { selector: { age: { $gt: 0 }, active: true } }).index)).toBe('_all_docs');
    expect(name(plan([partial, age], { selector: { age: { $gt: 0 }, active: true }, use_index: 'partial' }).index)).toBe('partial');
  });

  it('honours use_index when usable, falls back otherwise, and refuses the fallback when allow_fallback is false', () => {
    expect(name(plan([age, ageName], { selector: { age: 1, name: 'x' } }).index)).toBe('age-name');
    expect(name(plan([age, ageName], { selector: { age: 1, name: 'x' }, use_index: ['age', 'v'] }).index)).toBe('age');
    expect(name(plan([age, name_], { selector: { age: 1 }, use_index: 'name' }).index)).toBe('age');
    expect(errorOf(() => plan([age, name_], { selector: { age: 1 }, use_index: 'name', allow_fallback: false }))).toEqual([
      400,
      'invalid_index',
      '_design/name specified by `use_index` could not be found or it is not suitable.',
    ]);
    expect(errorOf(() => plan([age], { selector: { other: 1 }, allow_fallback: false }))).toEqual([
      400,
      'invalid_index',
      'You must specify an index with the `use_index` parameter.',
    ]);
  });

  it('reads a use_index string as mango_opts does: cut at its first "/" only, a leading "_design" dropped', () => {
    const useIndex = (value: string) => parseFindRequest({ selector: {}, use_index: value }).useIndex;
    expect(useIndex('age')).toEqual(['age']);
    expect(useIndex('_design/age')).toEqual(['age']);
    expect(useIndex('age/v')).toEqual(['age', 'v']);
    // binary:split/2 cuts once: the rest is one name, so these name no index CouchDB has (and are no error).
    expect(useIndex('_design/age/v')).toEqual(['age/v']);
    expect(useIndex('a/b/c')).toEqual(['a', 'b/c']);
    expect(name(plan([age, ageName], { selector: { age: 1, name: 'x' }, use_index: 'age/v' }).index)).toBe('age');
    expect(name(plan([age, ageName], { selector: { age: 1, name: 'x' }, use_index: '_design/age/v' }).index)).toBe('age-name');
  });

  it('plans an empty range for {"$or": []} and for a field no value can satisfy (on the chosen index)', () => {
    expect(plan([], { selector: { $or: [] } }).ranges).toBe('empty');
    expect(plan([age], { selector: { age: { $gt: 5, $lt: 1 } } }).ranges).toBe('empty');
    expect(plan([], { selector: { age: { $gt: 5, $lt: 1 } } }).ranges).not.toBe('empty');
  });

  it('covers a query when every field it reads (fields and selector) is _id or a column', () => {
    const selector = { age: { $gt: 1 }, name: { $exists: true } };
    expect(plan([ageName], { selector, fields: ['_id', 'name'] }).covering).toBe(true);
    expect(plan([ageName], { selector: { ...selector, other: 2 }, fields: ['_id'] }).covering).toBe(false);
    expect(plan([ageName], { selector, fields: ['_id', '_rev'] }).covering).toBe(false);
    expect(plan([ageName], { selector }).covering).toBe(false);
  });
});
