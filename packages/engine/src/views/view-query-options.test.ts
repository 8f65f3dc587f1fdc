import { describe, expect, it } from 'vitest';
import { BadRequestError, type ViewQueryOptions } from '@settee/core';
import { parseViewQuery } from './view-query-options.js';

/** The query_parse_error reason `options` gets on a view with (or without) a reduce, or undefined when accepted. */
function reasonOf(options: ViewQueryOptions, hasReduce: boolean): string | undefined {
  try {
    parseViewQuery(options, hasReduce);
    return undefined;
  } catch (error) {
    if (!(error instanceof BadRequestError)) throw error;
    expect(error.error).toBe('query_parse_error');
    return error.reason;
  }
}

describe('parseViewQuery (couch_mrview_http:parse_params and couch_mrview_util:validate_args)', () => {
  it.each([
    [{ update: 'bogus' } as unknown as ViewQueryOptions, false, 'Invalid value for `update`.'],
    [{ stable: 'maybe' } as unknown as ViewQueryOptions, false, 'Invalid value for `stable`.'],
    [{ sorted: 'maybe' } as unknown as ViewQueryOptions, false, 'Invalid boolean parameter: "maybe"'],
    [{ attachments: 'x' } as unknown as ViewQueryOptions, false, 'Invalid boolean parameter: "x"'],
    [{ att_encoding_info: 'x' } as unknown as ViewQueryOptions, false, 'Invalid boolean parameter: "x"'],
    [{ group_level: 1 }, false, 'Invalid use of grouping on a map view.'],
    [{ group: true }, false, 'Invalid use of grouping on a map view.'],
    [{ group: true, reduce: false }, true, 'Invalid use of grouping on a map view.'],
    [{ group: false, group_level: 1 }, true, "Can't specify group=false and group_level>0 at the same time"],
    [{ keys: ['a'] }, true, 'Multi-key fetches for reduce views must use `group=true`'],
    [{ keys: ['a'], group_level: 1 }, true, 'Multi-key fetches for reduce views must use `group=true`'],
    [{ keys: ['a'], group: true, group_level: 2 }, true, 'Multi-key fetches for reduce views must use `group=true`'],
    [{ keys: ['a'], key: 'a' }, false, '`keys` is incompatible with `key`, `start_key` and `end_key`'],
    [{ conflicts: true }, true, '`conflicts` is invalid for reduce views.'],
    [{ conflicts: false }, true, '`conflicts` is invalid for reduce views.'],
    [{ include_docs: true }, true, '`include_docs` is invalid for reduce'],
    [{ reduce: true }, false, 'Reduce is invalid for map-only views.'],
  ])('refuses %j (reduce view: %s) with %s', (options, hasReduce, reason) => {
    expect(reasonOf(options, hasReduce)).toBe(reason);
  });

  it.each([
    [{ update: 'lazy', stable: true } as ViewQueryOptions, false],
    [{ update: false, stable: 'false' } as unknown as ViewQueryOptions, false],
    [{ group_level: 0 }, false],
    [{ group: false }, false],
    [{ keys: ['a'], group: true }, true],
    [{ keys: ['a'], reduce: false }, true],
    [{ keys: [], key: 'a' }, false],
    [{ conflicts: true, include_docs: true }, false],
    [{ conflicts: true, reduce: false }, true],
    [{ sorted: false, attachments: true, att_encoding_info: true, include_docs: true }, false],
  ])('accepts %j (reduce view: %s)', (options, hasReduce) => {
    expect(reasonOf(options, hasReduce)).toBeUndefined();
  });

  it('an explicit group_level wins over group=true; group alone is exact', () => {
    expect(parseViewQuery({ group: true, group_level: 2 }, true).groupLevel).toBe(2);
    expect(parseViewQuery({ group: true }, true).groupLevel).toBe(Infinity);
    expect(parseViewQuery({}, true).groupLevel).toBe(0);
  });

  it('reads update as true, false or lazy, and attachments as a flag', () => {
    expect(parseViewQuery({}, false).update).toBe('true');
    expect(parseViewQuery({ update: 'false' }, false).update).toBe('false');
    expect(parseViewQuery({ update: 'lazy' }, false).update).toBe('lazy');
    expect(parseViewQuery({ include_docs: true, attachments: true }, false).attachments).toBe(true);
  });
});
