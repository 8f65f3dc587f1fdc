import { describe, expect, it } from 'vitest';
import type { DatabaseAdapter } from '../adapter/database-adapter.js';
import { BadRequestError } from '../errors/bad-request-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { fetchFilterCode } from './filter-code.js';

/** A source holding one design document, `_design/app`; any other id is not found. */
function source(ddoc: Record<string, unknown>): DatabaseAdapter & { asked: string[] } {
  const asked: string[] = [];
  const get = async (id: string) => {
    asked.push(id);
    if (id !== '_design/app') throw new NotFoundError('missing');
    return { _id: id, _rev: '1-a', ...ddoc };
  };
  return { asked, get } as unknown as DatabaseAdapter & { asked: string[] };
}

describe('fetchFilterCode', () => {
  it('reads ddoc/name (the rest after the first slash is the name), trimmed; built-ins have no code', async () => {
    const db = source({ filters: { mine: '  function (doc) { return true; }\n', 'a/b': 'function () {}' } });
    expect(await fetchFilterCode(db, 'app/mine')).toBe('function (doc) { return true; }');
    expect(await fetchFilterCode(db, 'app/a/b')).toBe('function () {}');
    expect(await fetchFilterCode(db, '_view')).toBeUndefined();
    expect(await fetchFilterCode(db, undefined)).toBeUndefined();
  });

  it('names what is missing: the function, the filters member, the design document', async () => {
    await expect(fetchFilterCode(source({ filters: {} }), 'app/nope')).rejects.toMatchObject({ reason: 'missing json key: nope' });
    await expect(fetchFilterCode(source({}), 'app/nope')).rejects.toMatchObject({ reason: 'missing json key: filters' });
    await expect(fetchFilterCode(source({}), 'other/nope')).rejects.toMatchObject({ status: 404, reason: 'missing' });
  });

  it('refuses a name that is not ddoc/name instead of reading some other design document', async () => {
    const db = source({ filters: {} });
    await expect(fetchFilterCode(db, 'appx')).rejects.toBeInstanceOf(BadRequestError);
    await expect(fetchFilterCode(db, 'app/')).rejects.toBeInstanceOf(BadRequestError);
    expect(db.asked).toEqual([]);
  });
});
