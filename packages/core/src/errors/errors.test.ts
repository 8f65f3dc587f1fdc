import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, SetteeError, errorFromCouch, PreconditionFailedError } from './index.js';

describe('errors', () => {
  it('maps CouchDB error bodies to typed errors by status', () => {
    const err = errorFromCouch({ error: 'conflict', reason: 'Document update conflict.' }, 409);
    expect(err).toBeInstanceOf(ConflictError);
    expect(err).toBeInstanceOf(SetteeError);
    expect(err.status).toBe(409);
    expect(err.error).toBe('conflict');
    expect(err.reason).toBe('Document update conflict.');
    expect(err.toJSON()).toEqual({ error: 'conflict', reason: 'Document update conflict.' });
  });

  it('maps bulk entries by error name when no status is known', () => {
    expect(errorFromCouch({ error: 'not_found', reason: 'missing' })).toBeInstanceOf(NotFoundError);
    expect(errorFromCouch({ error: 'file_exists', reason: 'x' })).toBeInstanceOf(PreconditionFailedError);
  });

  it('keeps credentials out of messages', () => {
    const err = errorFromCouch({ error: 'db_not_found', reason: 'could not open http://admin:s3cret@host:5984/x/' }, 500);
    expect(err.message).not.toContain('s3cret');
    expect(err.reason).toContain('http://***@host:5984/x/');
  });
});
