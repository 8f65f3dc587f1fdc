import { ConflictError } from '../errors/index.js';

/**
 * A write was refused because the entity's revision is no longer the document's current one (someone else saved
 * first), or because a document with the new entity's id already exists. Nothing was written. Carries both
 * revisions, so the caller can tell what it had from what is stored.
 */
export class RevisionConflictError extends ConflictError {
  /** The revision the write was based on; undefined for a create. */
  readonly attemptedRev: string | undefined;
  /** The document's current revision; undefined when it is missing or deleted. */
  readonly currentRev: string | undefined;

  constructor(id: string, attemptedRev: string | undefined, currentRev: string | undefined, cause: unknown) {
    const had = attemptedRev === undefined ? 'a new document' : `revision ${attemptedRev}`;
    const now = currentRev === undefined ? 'it is missing or deleted' : `it is at ${currentRev}`;
    super(`Document update conflict: "${id}" was written from ${had}, but ${now}.`, { id, cause });
    this.attemptedRev = attemptedRev;
    this.currentRev = currentRev;
  }
}
