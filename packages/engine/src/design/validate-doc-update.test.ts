import { describe, expect, it } from 'vitest';
import { createEngine } from '../engine.js';

const VDU = `function (newDoc, oldDoc, userCtx) {
  if (newDoc.locked && userCtx.roles.indexOf('_admin') === -1) throw({ forbidden: 'locked for ' + (userCtx.name || 'anonymous') });
}`;

describe('validate_doc_update on the engine write paths', () => {
  it('runs on put, bulkDocs, replication writes, deletes and attachment writes with the given user', async () => {
    const engine = createEngine({ storage: 'memory' });
    try {
      await engine.createDb('db');
      const db = engine.db('db');
      await db.put({ _id: '_design/v', validate_doc_update: VDU, other: 'function (doc) {}' });
      const bob = { userCtx: { name: 'bob', roles: [] } };
      await expect(db.put({ _id: 'a', locked: true }, bob)).rejects.toMatchObject({ status: 403, error: 'forbidden', reason: 'locked for bob' });
      await expect(db.put({ _id: 'a', locked: true })).rejects.toMatchObject({ reason: 'locked for anonymous' });
      const admin = await db.put({ _id: 'a', locked: true }, { userCtx: { name: 'root', roles: ['_admin'] } });
      await expect(db.bulkDocs([{ _id: 'a', _rev: admin.rev, locked: true }], bob)).resolves.toEqual([{ id: 'a', error: 'forbidden', reason: 'locked for bob' }]);
      await expect(db.bulkDocs([{ _id: 'r', _rev: '1-0123456789abcdef0123456789abcdef', locked: true }], { new_edits: false })).resolves.toEqual([
        { id: 'r', rev: '1-0123456789abcdef0123456789abcdef', error: 'forbidden', reason: 'locked for anonymous' },
      ]);
      await expect(db.remove('a', admin.rev, bob)).resolves.toMatchObject({ ok: true });
      // A stale revision is a conflict, not a validation failure: the revision check comes first.
      await expect(db.put({ _id: 'a', _rev: admin.rev, locked: true }, bob)).rejects.toMatchObject({ status: 409 });
      const plain = await db.put({ _id: 'p', locked: false });
      await expect(db.putAttachment('p', 'x.txt', new TextEncoder().encode('x'), 'text/plain', plain.rev)).resolves.toMatchObject({ ok: true });
    } finally {
      await engine.close();
    }
  });

  it('a validator written in the same batch as documents applies from the next write on', async () => {
    const engine = createEngine({ storage: 'memory' });
    try {
      await engine.createDb('db');
      const db = engine.db('db');
      const results = await db.bulkDocs([{ _id: '_design/v', validate_doc_update: VDU }, { _id: 'same-batch', locked: true }]);
      expect(results.map((r) => 'ok' in r)).toEqual([true, true]);
      await expect(db.put({ _id: 'next', locked: true })).rejects.toMatchObject({ status: 403 });
    } finally {
      await engine.close();
    }
  });

  it('only admins may write design documents when a user is given; bad views are refused', async () => {
    const engine = createEngine({ storage: 'memory' });
    try {
      await engine.createDb('db');
      const db = engine.db('db');
      await expect(db.put({ _id: '_design/x', views: {} }, { userCtx: { name: 'bob', roles: [] } })).rejects.toMatchObject({
        status: 403,
        error: 'forbidden',
        reason: 'You are not a db or server admin.',
      });
      await expect(db.put({ _id: '_design/x', views: {} }, { userCtx: { name: null, roles: [] } })).rejects.toMatchObject({
        status: 401,
        error: 'unauthorized',
        reason: 'You are not a db or server admin.',
      });
      await db.putSecurity({ admins: { names: ['bob'], roles: [] } });
      await expect(db.put({ _id: '_design/x', views: {} }, { userCtx: { name: 'bob', roles: [] } })).resolves.toMatchObject({ ok: true });
      await expect(db.put({ _id: '_design/y', views: { v: { map: 'function (doc) {' } } })).rejects.toMatchObject({ status: 400, error: 'compilation_error' });
    } finally {
      await engine.close();
    }
  });
});
