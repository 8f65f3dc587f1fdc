import { describe, expect, it } from 'vitest';
import { cachedFieldPathCount, documentFromKey } from './document-from-key.js';

describe('documentFromKey', () => {
  it('builds the document of a covering index row', () => {
    expect(documentFromKey('a', ['address.city', 'tags', 'x\\.y'], ['Paris', ['t'], 1])).toEqual({
      _id: 'a',
      address: { city: 'Paris' },
      tags: ['t'],
      'x.y': 1,
    });
  });

  it('keeps a bounded cache of parsed field names, however many distinct fields clients index', () => {
    for (let i = 0; i < 5000; i += 1) documentFromKey('a', [`field${i}.sub`], [i]);
    expect(cachedFieldPathCount()).toBeGreaterThan(0);
    expect(cachedFieldPathCount()).toBeLessThanOrEqual(1024);
    expect(documentFromKey('a', ['field4999.sub'], [1])).toEqual({ _id: 'a', field4999: { sub: 1 } });
  });
});
