import { BadRequestError } from '@settee/core';
import { isWellFormed } from '../storage/compare-utf8.js';

export const LOCAL_PREFIX = '_local/';
export const DESIGN_PREFIX = '_design/';

/** True for `_local/...` ids: documents without history that never replicate. */
export function isLocalId(id: string): boolean {
  return id.startsWith(LOCAL_PREFIX);
}

/** Throws CouchDB's `illegal_docid` error when `id` cannot name a document. */
export function assertDocId(id: unknown): asserts id is string {
  if (typeof id !== 'string') {
    throw new BadRequestError('Document id must be a string', { error: 'illegal_docid' });
  }
  if (id === '') {
    throw new BadRequestError('Document id must not be empty', { error: 'illegal_docid' });
  }
  if (id.startsWith('_') && !id.startsWith(DESIGN_PREFIX) && !id.startsWith(LOCAL_PREFIX)) {
    throw new BadRequestError('Only reserved document ids may start with underscore.', { error: 'illegal_docid' });
  }
  if (id === DESIGN_PREFIX || id === LOCAL_PREFIX) {
    throw new BadRequestError(`Illegal document id \`${id}\``, { error: 'illegal_docid' });
  }
  if (!isWellFormed(id)) {
    throw new BadRequestError('Document id must be valid UTF-8 (it has a lone surrogate)', { error: 'illegal_docid' });
  }
}
