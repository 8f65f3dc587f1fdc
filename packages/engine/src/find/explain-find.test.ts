import { describe, expect, it } from 'vitest';
import { explainFind } from './explain-find.js';
import { parseFindRequest } from './find-request.js';
import { indexesOfDesignDoc, type JsonIndex } from './json-index.js';
import { planQuery } from './query-plan.js';

function index(ddoc: string, fields: string[]): JsonIndex {
  const map = { fields: Object.fromEntries(fields.map((f) => [f, 'asc'])), partial_filter_selector: {} };
  return indexesOfDesignDoc(`_design/${ddoc}`, { language: 'query', views: { v: { map, reduce: '_count', options: { def: { fields } } } } })[0]!;
}

/** The candidates as `ddoc: reason ranking usable`, in the order `_explain` lists them. */
function candidates(indexes: JsonIndex[], request: object): string[] {
  const explained = explainFind('db', false, planQuery(indexes, parseFindRequest(request), 'explain'));
  return explained.index_candidates.map(({ index: i, analysis: a }) => `${i.ddoc ?? i.name}: ${a.reasons[0]!.name} ${a.ranking} ${a.usable}`);
}

describe('explainFind: index_candidates as mango_cursor:extract_candidate_indexes', () => {
  // Selector ranges on age and name; zz is required (so indexes on it are usable) but gives no range.
  const selector = { age: { $gt: 1 }, name: 'x', zz: { $exists: true } };
  const indexes = [
    index('a', ['age']),
    index('b', ['age', 'name']),
    index('c', ['name']),
    index('d', ['age', 'name', 'missing']),
    index('e', ['age', 'name']),
    index('g', ['age', 'name', 'zz']),
  ];

  it('ranks usable JSON indexes by the planner order, then _all_docs, then unusable ones', () => {
    expect(candidates(indexes, { selector })).toEqual([
      '_design/g: too_many_fields 2 true',
      '_design/e: alphabetically_comes_after 1 true',
      '_design/d: field_mismatch 6 false',
      '_design/c: less_overlap 4 true',
      '_design/a: less_overlap 3 true',
      '_all_docs: unfavored_type 5 true',
    ]);
  });

  it('marks the usable indexes use_index left out as excluded_by_user (an empty group takes no rank)', () => {
    expect(candidates(indexes, { selector, use_index: 'a' })).toEqual([
      '_design/g: excluded_by_user 1 true',
      '_design/e: excluded_by_user 1 true',
      '_design/d: field_mismatch 2 false',
      '_design/c: excluded_by_user 1 true',
      '_design/b: excluded_by_user 1 true',
      '_all_docs: excluded_by_user 1 true',
    ]);
  });

  it('answers with no index, no mrargs and no covering when a sort cannot be served', () => {
    const explained = explainFind('db', false, planQuery(indexes, parseFindRequest({ selector, sort: ['other'] }), 'explain'));
    expect(explained.index).toBeNull();
    expect(explained).not.toHaveProperty('mrargs');
    expect(explained).not.toHaveProperty('covering');
    const sortMismatch = 'sort_order_mismatch';
    expect(explained.index_candidates.map((c) => c.analysis.reasons[0]!.name)).toEqual([
      sortMismatch, sortMismatch, 'field_mismatch', sortMismatch, sortMismatch, sortMismatch, 'field_mismatch',
    ]);
  });
});
