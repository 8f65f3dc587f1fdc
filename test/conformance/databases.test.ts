// Server and database level behaviour, after shared/couchdb-reference/databases.json and server.json.
import { describe, expect, it } from 'vitest';
import { BadRequestError, NotFoundError, PreconditionFailedError, type SecurityObject } from '@settee/core';
import { backends } from './backends.js';
import { expectCouchError } from './expect-couch-error.js';
import { useBackend } from './harness.js';

/** CouchDB's exact reason for an illegal database name. */
function illegalNameReason(name: string): string {
  return (
    `Name: '${name}'. Only lowercase characters (a-z), digits (0-9), and any of the characters _, $, (, ), +, -, ` +
    'and / are allowed. Must begin with a letter.'
  );
}

const DB_MISSING = 'Database does not exist.';

describe.each(backends)('databases [$name]', (backend) => {
  const h = useBackend(backend);

  describe('server', () => {
    it('answers the welcome object', async () => {
      const info = await h.server.info();
      expect(info.couchdb).toBe('Welcome');
      expect(typeof info.version).toBe('string');
      expect(typeof info.vendor.name).toBe('string');
    });

    it('generates uuids: 32 lowercase hex characters, distinct', async () => {
      const three = await h.server.uuids(3);
      expect(three).toHaveLength(3);
      for (const uuid of three) expect(uuid).toMatch(/^[0-9a-f]{32}$/);
      expect(new Set(three).size).toBe(3);
      expect(await h.server.uuids()).toHaveLength(1);
      expect(await h.server.uuids(0)).toStrictEqual([]);
    });

    it('rejects uuid counts below 0 and above 1000', async () => {
      await expectCouchError(h.server.uuids(-1), BadRequestError, 400, 'bad_request', 'count must be a positive integer');
      await expectCouchError(h.server.uuids(1001), BadRequestError, 400, 'bad_request', 'count parameter too large');
    });
  });

  describe('create and delete', () => {
    it('creates a database that starts empty', async () => {
      const name = h.dbName('create');
      expect(await h.server.createDb(name)).toStrictEqual({ ok: true });
      const info = await h.server.db(name).info();
      expect(info).toMatchObject({
        db_name: name,
        doc_count: 0,
        doc_del_count: 0,
        compact_running: false,
        props: {},
      });
      expect(info.sizes.external).toBe(0);
      expect(info.update_seq).toBeDefined();
      expect(info.purge_seq).toBeDefined();
      expect(typeof info.instance_start_time).toBe('string');
    });

    it('records q and n given at creation', async () => {
      const name = h.dbName('qdb');
      await h.server.createDb(name, { q: 1, n: 1 });
      expect((await h.server.db(name).info()).cluster).toStrictEqual({ q: 1, n: 1, w: 1, r: 1 });
    });

    it('rejects creating an existing database with 412 file_exists', async () => {
      const name = h.dbName('twice');
      await h.server.createDb(name);
      await expectCouchError(
        h.server.createDb(name),
        PreconditionFailedError,
        412,
        'file_exists',
        'The database could not be created, the file already exists.',
      );
    });

    it('deletes a database and everything in it; re-creating starts empty', async () => {
      const name = h.dbName('del');
      await h.server.createDb(name);
      const db = h.server.db(name);
      await db.put({ _id: 'd1', v: 1 });
      expect(await h.server.deleteDb(name)).toStrictEqual({ ok: true });
      await expectCouchError(db.info(), NotFoundError, 404, 'not_found', DB_MISSING);
      expect(await h.server.allDbs({ startkey: name, endkey: name })).toStrictEqual([]);

      await h.server.createDb(name);
      expect(await db.info()).toMatchObject({ doc_count: 0, doc_del_count: 0 });
      await expectCouchError(db.get('d1'), NotFoundError, 404, 'not_found', 'missing');
    });

    it('answers 404 "Database does not exist." for a missing database', async () => {
      const name = h.dbName('never');
      const db = h.server.db(name);
      await expectCouchError(db.info(), NotFoundError, 404, 'not_found', DB_MISSING);
      await expectCouchError(h.server.deleteDb(name), NotFoundError, 404, 'not_found', DB_MISSING);
      await expectCouchError(db.get('doc'), NotFoundError, 404, 'not_found', DB_MISSING);
      await expectCouchError(db.put({ _id: 'doc', a: 1 }), NotFoundError, 404, 'not_found', DB_MISSING);
      await expectCouchError(db.changes(), NotFoundError, 404, 'not_found', DB_MISSING);
      await expectCouchError(db.allDocs(), NotFoundError, 404, 'not_found', DB_MISSING);
      // The failed write did not create the database.
      await expectCouchError(db.info(), NotFoundError, 404, 'not_found', DB_MISSING);
    });

    it('reads and deletes of an illegal name answer 404, not 400', async () => {
      await expectCouchError(h.server.db('Bad').info(), NotFoundError, 404, 'not_found', DB_MISSING);
      await expectCouchError(h.server.deleteDb('Bad'), NotFoundError, 404, 'not_found', DB_MISSING);
    });

    it('db(name) does no I/O: a handle taken before creation works once the database exists', async () => {
      const name = h.dbName('later');
      const db = h.server.db(name);
      expect(db.name).toBe(name);
      await h.server.createDb(name);
      expect(await db.put({ _id: 'x', v: 1 })).toStrictEqual({
        ok: true,
        id: 'x',
        rev: '1-7a7e4b29f3af401e69b6f86e4c26b727',
      });
    });
  });

  describe('name rules', () => {
    it.each(['Bad', '_x', '1abc', 'a b', 'a.b', 'a@b', 'A', '__user1', '_nonexistent', 'p q'])(
      'rejects %j with illegal_database_name and creates nothing',
      async (name) => {
        await expectCouchError(h.server.createDb(name), BadRequestError, 400, 'illegal_database_name', illegalNameReason(name));
        await expectCouchError(h.server.db(name).info(), NotFoundError, 404, 'not_found', DB_MISSING);
      },
    );

    it('rejects a 239-character name with database_name_too_long', async () => {
      const name = 'a'.repeat(239);
      await expectCouchError(
        h.server.createDb(name),
        BadRequestError,
        400,
        'database_name_too_long',
        `At least one path segment of \`${name}\` is too long.`,
      );
    });

    it('accepts a 238-character name', async () => {
      const prefix = h.dbName('long');
      const name = h.track(prefix + 'x'.repeat(238 - prefix.length));
      expect(name).toHaveLength(238);
      expect(await h.server.createDb(name)).toStrictEqual({ ok: true });
      expect((await h.server.db(name).info()).db_name).toBe(name);
    });

    it('accepts $ ( ) + / - and stores documents under such a name', async () => {
      for (const suffix of ['a$b', 'a(b)+c/d-e']) {
        const name = h.track(`${h.dbName('special')}${suffix}`);
        expect(await h.server.createDb(name)).toStrictEqual({ ok: true });
        const db = h.server.db(name);
        expect((await db.info()).db_name).toBe(name);
        const written = await db.put({ _id: 'doc1', x: 1 });
        expect(written).toStrictEqual({ ok: true, id: 'doc1', rev: '1-0785e9eb543380151003dc452c3a001a' });
        expect(await db.allDocs()).toStrictEqual({
          total_rows: 1,
          offset: 0,
          rows: [{ id: 'doc1', key: 'doc1', value: { rev: '1-0785e9eb543380151003dc452c3a001a' } }],
        });
      }
    });
  });

  describe('info', () => {
    it('counts live and deleted documents and the JSON size of leaf bodies', async () => {
      const db = await h.createDb('counts');
      expect(await db.put({ _id: 'd1', v: 1 })).toStrictEqual({ ok: true, id: 'd1', rev: '1-7a7e4b29f3af401e69b6f86e4c26b727' });
      expect(await db.put({ _id: 'd2', v: 2 })).toStrictEqual({ ok: true, id: 'd2', rev: '1-b8f97323e7f26909d5e0c8d2764a765f' });
      expect(await db.remove('d1', '1-7a7e4b29f3af401e69b6f86e4c26b727')).toStrictEqual({
        ok: true,
        id: 'd1',
        rev: '2-d9b15b235a7d0afdfe6058d5fb8afbd1',
      });
      const info = await db.info();
      expect(info).toMatchObject({ doc_count: 1, doc_del_count: 1 });
      // {"v":2} (7 bytes) plus the tombstone's {} (2 bytes), as recorded.
      expect(info.sizes.external).toBe(9);
    });

    it('moves update_seq on every write, and the feed after it holds exactly the later writes', async () => {
      const db = await h.createDb('seq');
      const seq0 = (await db.info()).update_seq;
      await db.put({ _id: 'a', v: 1 });
      const seq1 = (await db.info()).update_seq;
      expect(seq1).not.toStrictEqual(seq0);
      expect((await db.changes({ since: seq1 })).results).toStrictEqual([]);

      const b = await db.put({ _id: 'b', v: 2 });
      const seq2 = (await db.info()).update_seq;
      expect(seq2).not.toStrictEqual(seq1);
      const after = await db.changes({ since: seq1 });
      expect(after.results.map((row) => [row.id, row.changes])).toStrictEqual([['b', [{ rev: b.rev }]]]);
    });

    it('does not move doc counts for a rejected write', async () => {
      const db = await h.createDb('rejected');
      await db.put({ _id: 'a', v: 1 });
      await db.put({ _id: 'a', v: 2 }).catch(() => undefined);
      expect(await db.info()).toMatchObject({ doc_count: 1, doc_del_count: 0 });
    });
  });

  describe('allDbs', () => {
    it('lists databases in byte order with ranges, limit, skip, descending and inclusive_end', async () => {
      const prefix = h.dbName('list');
      const [alpha, beta, gamma] = ['alpha', 'beta', 'gamma'].map((n) => h.track(`${prefix}_${n}`)) as [
        string,
        string,
        string,
      ];
      for (const name of [beta, gamma, alpha]) await h.server.createDb(name, { q: 1 });
      const range = { startkey: `${prefix}_`, endkey: `${prefix}_\ufff0` };

      expect(await h.server.allDbs(range)).toStrictEqual([alpha, beta, gamma]);
      expect(await h.server.allDbs({ ...range, limit: 2 })).toStrictEqual([alpha, beta]);
      expect(await h.server.allDbs({ ...range, skip: 1 })).toStrictEqual([beta, gamma]);
      expect(
        await h.server.allDbs({ descending: true, startkey: range.endkey, endkey: range.startkey }),
      ).toStrictEqual([gamma, beta, alpha]);
      // Descending with the ascending range: nothing, no error.
      expect(await h.server.allDbs({ ...range, descending: true })).toStrictEqual([]);
      expect(await h.server.allDbs({ startkey: range.startkey, endkey: beta })).toStrictEqual([alpha, beta]);
      expect(await h.server.allDbs({ startkey: range.startkey, endkey: beta, inclusive_end: false })).toStrictEqual([
        alpha,
      ]);
      const all = await h.server.allDbs();
      expect(all).toEqual(expect.arrayContaining([alpha, beta, gamma]));
      expect([...all].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)))).toStrictEqual(all);
    });
  });

  describe('revs_limit, security and compaction', () => {
    it('defaults _revs_limit to 1000 and stores a new one', async () => {
      const db = await h.createDb('revslimit');
      expect(await db.getRevsLimit()).toBe(1000);
      expect(await db.putRevsLimit(5)).toStrictEqual({ ok: true });
      expect(await db.getRevsLimit()).toBe(5);
    });

    it('defaults _purged_infos_limit to 1000, stores a new one and refuses one that is not a positive integer', async () => {
      const db = await h.createDb('purgedlimit');
      expect(await db.getPurgedInfosLimit()).toBe(1000);
      expect(await db.putPurgedInfosLimit(20)).toStrictEqual({ ok: true });
      expect(await db.getPurgedInfosLimit()).toBe(20);
      for (const bad of [0, -1, 1.5, '5' as unknown as number]) {
        await expectCouchError(db.putPurgedInfosLimit(bad), BadRequestError, 400, 'bad_request', '`purge_infos_limit` must be positive integer');
      }
      expect(await db.getPurgedInfosLimit()).toBe(20);
    });

    it('stores and returns the _security object', async () => {
      const db = await h.createDb('security');
      const security = { admins: { names: ['ana'], roles: [] }, members: { names: [], roles: ['team'] } };
      expect(await db.putSecurity(security)).toStrictEqual({ ok: true });
      expect(await db.getSecurity()).toStrictEqual(security);
      expect(await db.putSecurity({})).toStrictEqual({ ok: true });
      expect(await db.getSecurity()).toStrictEqual({});
    });

    it('refuses a _security object whose names or roles are not lists of strings, and writes nothing', async () => {
      const db = await h.createDb('badsecurity');
      const good = { admins: { names: [], roles: ['boss'] }, members: { names: ['carol'], roles: [] }, extra: { any: 'thing' } };
      expect(await db.putSecurity(good)).toStrictEqual({ ok: true });
      for (const bad of [{ members: { names: 'x' } }, { admins: { roles: [1] } }, { readers: { names: [true] } }]) {
        // CouchDB 3.4 answers a bare 500 no_majority (recorded in auth.json); a single node says which list is wrong.
        await expect(db.putSecurity(bad as unknown as SecurityObject)).rejects.toMatchObject({ status: expect.any(Number) as number });
      }
      expect(await db.getSecurity()).toStrictEqual(good);
    });

    it('accepts compaction and keeps every leaf readable', async () => {
      const db = await h.createDb('compact');
      const first = await db.put({ _id: 'd', v: 1 });
      const second = await db.put({ _id: 'd', _rev: first.rev, v: 2 });
      expect(await db.compact()).toStrictEqual({ ok: true });
      expect(await db.get('d')).toStrictEqual({ _id: 'd', _rev: second.rev, v: 2 });
    });
  });
});
