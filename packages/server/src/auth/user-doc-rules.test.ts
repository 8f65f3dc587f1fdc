import { describe, expect, it } from 'vitest';
import { userNameOfId, validateUserDoc, type UsersDbWriter } from './user-doc-rules.js';

const ADMIN: UsersDbWriter = { user: { name: 'admin', roles: ['_admin'] }, isAdmin: true };
const TOM: UsersDbWriter = { user: { name: 'tom', roles: [] }, isAdmin: false };
const ANONYMOUS: UsersDbWriter = { user: { name: null, roles: [] }, isAdmin: false };

const tom = { _id: 'org.couchdb.user:tom', name: 'tom', roles: [], type: 'user' };

function reason(action: () => void): string | undefined {
  try {
    action();
    return undefined;
  } catch (error) {
    return (error as { reason?: string }).reason;
  }
}

describe('validateUserDoc (the _auth design document of _users)', () => {
  it('checks the shape in CouchDB\'s order: type, name, roles, then the id', () => {
    expect(reason(() => validateUserDoc({ _id: 'x' }, undefined, ADMIN))).toBe('doc.type must be user');
    expect(reason(() => validateUserDoc({ _id: 'x', type: 'user' }, undefined, ADMIN))).toBe('doc.name is required');
    expect(reason(() => validateUserDoc({ _id: 'x', type: 'user', name: 'a' }, undefined, ADMIN))).toBe('doc.roles must exist');
    expect(reason(() => validateUserDoc({ _id: 'x', type: 'user', name: 'a', roles: 'r' }, undefined, ADMIN))).toBe('doc.roles must be an array');
    expect(reason(() => validateUserDoc({ _id: 'x', type: 'user', name: 'a', roles: [1] }, undefined, ADMIN))).toBe('doc.roles can only contain strings');
    expect(reason(() => validateUserDoc({ _id: 'x', type: 'user', name: 'a', roles: [] }, undefined, ADMIN))).toBe(
      'Doc ID must be of the form org.couchdb.user:name',
    );
  });

  it('password fields must be complete and of a known scheme', () => {
    expect(reason(() => validateUserDoc({ ...tom, password_scheme: 'md5' }, undefined, ADMIN))).toBe('Password scheme `md5` not supported.');
    expect(reason(() => validateUserDoc({ ...tom, password_scheme: 'pbkdf2', derived_key: 'k' }, undefined, ADMIN))).toBe(
      'iterations must be a number.',
    );
    expect(reason(() => validateUserDoc({ ...tom, password_sha: 'x' }, undefined, ADMIN))).toBe(
      'Users with password_sha must have a salt.See /_utils/script/couch.js for example code.',
    );
  });

  it('non-admins: no roles at signup, only their own document, no role changes; names never change', () => {
    expect(reason(() => validateUserDoc(tom, undefined, ANONYMOUS))).toBeUndefined();
    expect(reason(() => validateUserDoc({ ...tom, roles: ['r'] }, undefined, ANONYMOUS))).toBe('Only _admin may set roles');
    const stored = { ...tom, roles: ['b', 'a'] };
    expect(reason(() => validateUserDoc({ ...tom, roles: ['a', 'b'], email: 'x' }, stored, TOM))).toBeUndefined();
    expect(reason(() => validateUserDoc({ ...tom, roles: ['a'] }, stored, TOM))).toBe('Only _admin may edit roles');
    expect(reason(() => validateUserDoc({ ...tom, roles: ['a', 'b'] }, stored, ANONYMOUS))).toBe('You may only update your own user document.');
    expect(reason(() => validateUserDoc({ ...tom, roles: ['a'] }, stored, ADMIN))).toBeUndefined();
    expect(reason(() => validateUserDoc(tom, { ...tom, name: 'other' }, ADMIN))).toBe('Usernames can not be changed.');
  });

  it('deletions: admins and the user only', () => {
    const deletion = { _id: tom._id, _deleted: true };
    expect(reason(() => validateUserDoc(deletion, tom, TOM))).toBeUndefined();
    expect(reason(() => validateUserDoc(deletion, tom, ADMIN))).toBeUndefined();
    expect(reason(() => validateUserDoc(deletion, tom, ANONYMOUS))).toBe('Only admins may delete other user docs.');
  });

  it('no system roles (but _metrics) and no _ or : in names, even for admins', () => {
    expect(reason(() => validateUserDoc({ ...tom, roles: ['_admin'] }, undefined, ADMIN))).toBe(
      'No system roles (starting with underscore) in users db.',
    );
    expect(reason(() => validateUserDoc({ ...tom, roles: ['_metrics'] }, undefined, ADMIN))).toBeUndefined();
    const underscore = { _id: 'org.couchdb.user:_x', name: '_x', roles: [], type: 'user' };
    expect(reason(() => validateUserDoc(underscore, undefined, ADMIN))).toBe('Username may not start with underscore.');
    const colon = { _id: 'org.couchdb.user:a:b', name: 'a:b', roles: [], type: 'user' };
    expect(reason(() => validateUserDoc(colon, undefined, ADMIN))).toBe('Character `:` is not allowed in usernames.');
  });

  it('user names come from ids with the org.couchdb.user: prefix only', () => {
    expect(userNameOfId('org.couchdb.user:tom')).toBe('tom');
    expect(userNameOfId('tom')).toBeUndefined();
  });
});
