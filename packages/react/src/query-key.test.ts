import { describe, expect, it } from 'vitest';
import { queryKey } from './query-key.js';

describe('queryKey', () => {
  it('is equal for the same selector written twice, whatever the order of object keys', () => {
    expect(queryKey([{ owner: 'ana', name: { $gt: 'a' } }, { limit: 3 }])).toBe(queryKey([{ name: { $gt: 'a' }, owner: 'ana' }, { limit: 3 }]));
  });

  it('differs when a value, an array order or the options differ', () => {
    const base = queryKey([{ owner: 'ana' }, { sort: [{ name: 'asc' }, { owner: 'asc' }] }]);
    expect(queryKey([{ owner: 'bob' }, { sort: [{ name: 'asc' }, { owner: 'asc' }] }])).not.toBe(base);
    expect(queryKey([{ owner: 'ana' }, { sort: [{ owner: 'asc' }, { name: 'asc' }] }])).not.toBe(base);
    expect(queryKey([{ owner: 'ana' }, undefined])).not.toBe(base);
  });

  it('keys undefined itself', () => {
    expect(queryKey(undefined)).toBe('undefined');
  });
});
