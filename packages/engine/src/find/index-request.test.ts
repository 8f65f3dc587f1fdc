import { describe, expect, it } from 'vitest';
import { parseIndexRequest } from './index-request.js';
import { couchErrorOf as errorOf } from '../test-support/couch-error-of.js';


describe('parseIndexRequest (POST _index)', () => {
  it("generates CouchDB's names: SHA-1 of the Erlang term of the definition and options (find.json step 100)", () => {
    const index = parseIndexRequest({ index: { fields: ['name'] } });
    expect(index.ddoc).toBe('_design/eab5ed115652e6127f384f00d0bc4b9e0b7dbed9');
    expect(index.name).toBe('eab5ed115652e6127f384f00d0bc4b9e0b7dbed9');
    // Any option changes the name; the ddoc alone given keeps the generated view name.
    expect(parseIndexRequest({ index: { fields: ['name'] }, w: 3 }).name).not.toBe(index.name);
    expect(parseIndexRequest({ index: { fields: ['name'] }, ddoc: 'x' }).ddoc).toBe('_design/x');
  });

  it('builds the view CouchDB stores: fields as an object of directions, the partial filter normalised', () => {
    expect(parseIndexRequest({ index: { fields: [{ score: 'desc' }], partial_filter_selector: { active: true } }, ddoc: '_design/d', name: 'n' })).toEqual({
      ddoc: '_design/d',
      name: 'n',
      map: { fields: { score: 'desc' }, partial_filter_selector: { active: { $eq: true } } },
      rawDef: { fields: [{ score: 'desc' }], partial_filter_selector: { active: true } },
      partitioned: undefined,
    });
  });

  it.each([
    [{ name: 'x' }, [400, 'missing_required_key', 'Missing required key: index']],
    [{ index: {} }, [400, 'missing_required_key', 'Missing required key: fields']],
    [{ index: 'age' }, [400, 'invalid_index', 'JSON indexes must be an object, not: <<97,103,101>>']],
    [{ index: { fields: ['a'] }, type: 'bogus' }, [400, 'invalid_index', 'Invalid type for index: bogus']],
    [{ index: { fields: ['a'] }, type: 'text' }, [503, 'required index service unavailable', 'text']],
    [{ index: { fields: ['a'] }, type: 3 }, [400, 'invalid_string', 'Invalid string: 3']],
    // CouchDB 3.3+ (apache/couchdb#3990): an empty name or ddoc is refused before the index is built.
    [{ index: { fields: ['a'] }, name: '' }, [400, 'invalid_empty_string', 'Index name/ddoc cannot be empty']],
    [{ index: { fields: ['a'] }, ddoc: '' }, [400, 'invalid_empty_string', 'Index name/ddoc cannot be empty']],
    [{ index: { fields: ['a'] }, name: '', type: 3 }, [400, 'invalid_string', 'Invalid string: 3']],
    [{ index: { fields: ['a'] }, bogus: 1 }, [400, 'invalid_key', 'Invalid key bogus for this request.']],
    [{ index: { fields: ['a'], extra: 1 } }, [400, 'invalid_key', 'Invalid key extra for this request.']],
    [{ index: { fields: [{ a: 'asc' }, { b: 'desc' }] } }, [400, 'unsupported_mixed_sort', 'Sorts currently only support a single direction for all fields.']],
    [{ index: { fields: ['a'], partial_filter_selector: { a: { $foo: 1 } } } }, [400, 'invalid_operator', 'Invalid operator: $foo']],
  ])('refuses %j', (request, expected) => {
    expect(errorOf(() => parseIndexRequest(request))).toEqual(expected);
  });
});
