import { BadRequestError } from '@settee/core';
import { describe, expect, it } from 'vitest';
import { assertDocId } from './doc-ids.js';

describe('assertDocId', () => {
  it('refuses an id with a lone surrogate, which cannot be stored as UTF-8', () => {
    for (const id of ['a\ud800', '\udc00b', 'x\ud83d']) {
      expect(() => assertDocId(id)).toThrow(BadRequestError);
      expect(() => assertDocId(id)).toThrow('Document id must be valid UTF-8 (it has a lone surrogate)');
    }
  });

  it('accepts ids with surrogate pairs and other non-ASCII text', () => {
    for (const id of ['\u{1F600}', 'playlist:播放列表', 'é']) expect(() => assertDocId(id)).not.toThrow();
  });
});
