import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { validateUserDoc, type UsersDbWriter } from './user-doc-rules.js';
import { AUTH_VALIDATE_DOC_UPDATE } from './users-auth-validate.js';

type Doc = Record<string, unknown>;
type Validate = (newDoc: Doc, oldDoc: Doc | null, userCtx: unknown, secObj: unknown) => void;

const stored = vm.runInNewContext(`(${AUTH_VALIDATE_DOC_UPDATE})`) as Validate;

/** Who writes: the user as the validator sees them, the `_security` of `_users`, and the server's view of them. */
interface Writer {
  readonly label: string;
  readonly writer: UsersDbWriter;
  readonly secObj: unknown;
}

const SECURITY = { admins: { names: ['keeper'], roles: ['wardens'] }, members: { names: [], roles: [] } };
const WRITERS: Writer[] = [
  { label: 'server admin', writer: { user: { name: 'admin', roles: ['_admin'] }, isAdmin: true }, secObj: SECURITY },
  { label: 'db admin by name', writer: { user: { name: 'keeper', roles: [] }, isAdmin: true }, secObj: SECURITY },
  { label: 'db admin by role', writer: { user: { name: 'guard', roles: ['wardens'] }, isAdmin: true }, secObj: SECURITY },
  { label: 'tom', writer: { user: { name: 'tom', roles: [] }, isAdmin: false }, secObj: SECURITY },
  { label: 'anonymous', writer: { user: { name: null, roles: [] }, isAdmin: false }, secObj: {} },
];

const tom = { _id: 'org.couchdb.user:tom', name: 'tom', roles: [], type: 'user' };
const hashed = { password_scheme: 'pbkdf2', iterations: 10, derived_key: 'ab', salt: 's' };
const NEW_DOCS: Doc[] = [
  { _id: 'x' },
  { _id: 'x', type: 'user' },
  { _id: 'x', type: 'user', name: 5, roles: [] },
  { _id: 'x', type: 'user', name: 'a' },
  { _id: 'x', type: 'user', name: 'a', roles: 'r' },
  { _id: 'x', type: 'user', name: 'a', roles: [1] },
  { _id: 'x', type: 'user', name: 'a', roles: [] },
  tom,
  { ...tom, ...hashed },
  { ...tom, roles: ['reader'] },
  { ...tom, roles: ['reader', 'writer'] },
  { ...tom, roles: ['writer', 'reader'] },
  { ...tom, roles: ['_admin'] },
  { ...tom, roles: ['_metrics'] },
  { ...tom, password_scheme: 'md5' },
  { ...tom, password_scheme: 7 },
  { ...tom, password_scheme: 'pbkdf2', derived_key: 'k' },
  { ...tom, password_scheme: 'pbkdf2', iterations: 10 },
  { ...tom, password_sha: 'x' },
  { ...tom, password_sha: 'x', salt: 's', password_scheme: 'simple' },
  { _id: 'org.couchdb.user:_x', name: '_x', roles: [], type: 'user' },
  { _id: 'org.couchdb.user:a:b', name: 'a:b', roles: [], type: 'user' },
  { _id: 'org.couchdb.user:spike', name: 'spike', roles: [], type: 'user' },
  { _id: 'org.couchdb.user:tom', _deleted: true },
  { _id: 'org.couchdb.user:spike', _deleted: true },
];
const OLD_DOCS: Array<Doc | undefined> = [
  undefined,
  { ...tom, _rev: '1-a' },
  { ...tom, _rev: '1-a', roles: ['writer', 'reader'] },
  { _id: 'org.couchdb.user:spike', _rev: '1-b', name: 'spike', roles: [], type: 'user' },
  { _id: 'org.couchdb.user:nameless', _rev: '1-c' },
];

/** The `forbidden` reason a validation throws, or undefined when it lets the write through. */
function outcome(run: () => void): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    const thrown = error as { forbidden?: unknown; reason?: unknown };
    return String(thrown.forbidden ?? thrown.reason);
  }
}

describe('the validate_doc_update of _design/_auth', () => {
  it('refuses exactly what the native rules refuse, with the same reason', () => {
    let compared = 0;
    for (const { label, writer, secObj } of WRITERS) {
      for (const newDoc of NEW_DOCS) {
        for (const oldDoc of OLD_DOCS) {
          const userCtx = { db: '_users', name: writer.user.name, roles: [...writer.user.roles] };
          const native = outcome(() => validateUserDoc(newDoc, oldDoc, writer));
          const js = outcome(() => stored(structuredClone(newDoc), oldDoc === undefined ? null : structuredClone(oldDoc), userCtx, secObj));
          expect(js, `${label} writing ${JSON.stringify(newDoc)} over ${JSON.stringify(oldDoc)}`).toBe(native);
          compared++;
        }
      }
    }
    expect(compared).toBe(WRITERS.length * NEW_DOCS.length * OLD_DOCS.length);
  });

  it('lets only server admins delete other users\' documents, as CouchDB\'s function does', () => {
    const spike = OLD_DOCS[3];
    const deletion = { _id: 'org.couchdb.user:spike', _deleted: true };
    const reason = 'Only admins may delete other user docs.';
    const dbAdmin = WRITERS[1]!;
    expect(outcome(() => validateUserDoc(deletion, spike, dbAdmin.writer))).toBe(reason);
    expect(outcome(() => validateUserDoc(deletion, spike, WRITERS[0]!.writer))).toBeUndefined();
    expect(outcome(() => validateUserDoc(deletion, spike, { user: { name: 'spike', roles: [] }, isAdmin: false }))).toBeUndefined();
  });
});
