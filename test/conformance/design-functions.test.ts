// validate_doc_update, shows, lists and update handlers after shared/couchdb-reference/design_functions.json,
// through the adapter contract (`put`/`post`/`bulkDocs`, `show`, `list`, `update`) on each backend.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BadRequestError,
  ForbiddenError,
  MethodNotAllowedError,
  NotFoundError,
  SetteeError,
  UnauthorizedError,
  type DatabaseAdapter,
  type DesignResponse,
  type JsonObject,
  type ServerAdapter,
} from '@settee/core';
import { backends } from './backends.js';
import { expectCouchError } from './expect-couch-error.js';
import { useBackend } from './harness.js';
import { hasQuirk } from './quirks.js';

interface RecordedStep {
  note?: string;
  request?: { method: string; path: string; body?: unknown };
  response?: { status: number; headers?: Record<string, string>; body?: unknown };
}

const recording = JSON.parse(
  readFileSync(new URL('../../../shared/couchdb-reference/design_functions.json', import.meta.url), 'utf8'),
) as { steps: RecordedStep[] };

/** The recorded step whose note starts with `prefix`. */
function step(prefix: string): RecordedStep {
  const found = recording.steps.find((s) => s.note?.startsWith(prefix));
  if (!found) throw new Error(`no recorded step "${prefix}"`);
  return found;
}


const DDOC = step('setup: PUT /db/_design/app').request!.body as JsonObject;
const DOCS = (step('setup: docs with titles').request!.body as { docs: JsonObject[] }).docs;
/** Who writes on the engines (the HTTP backends write as the server admin of their session). */
const ADMIN = { userCtx: { name: 'admin', roles: ['_admin'] } };

function header(response: DesignResponse, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return Object.entries(response.headers).find(([key]) => key.toLowerCase() === wanted)?.[1];
}

const text = (response: DesignResponse): string => new TextDecoder().decode(response.body);
const json = (response: DesignResponse): JsonObject => JSON.parse(text(response)) as JsonObject;

describe.each(backends)('design functions [$name]', (backend) => {
  const h = useBackend(backend);
  let server: ServerAdapter;
  let db: DatabaseAdapter | undefined;
  const name = `sc_ddocfn_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  const revHashes = hasQuirk(backend, 'rev-hashes');

  beforeAll(async () => {
    if (backend.pending !== undefined) return;
    server = h.server;
    await server.createDb(name, { q: 1 });
    db = server.db(name);
    await db.put({ ...DDOC, _id: '_design/app' }, ADMIN);
    await db.bulkDocs(DOCS, ADMIN);
  });
  afterAll(async () => {
    if (db !== undefined) await server.deleteDb(name);
  });

  describe('validate_doc_update', () => {
    it('accepts a document it does not reject', async () => {
      const result = await db!.put({ _id: 'ok', fine: true }, ADMIN);
      if (!revHashes) expect(result.rev).toBe(step('PUT a doc accepted').response!.body && (step('PUT a doc accepted').response!.body as JsonObject)['rev']);
    });

    it('{forbidden} is a 403 and {unauthorized} a 401 with the thrown message', async () => {
      await expectCouchError(db!.put({ _id: 'f', forbid: true }, ADMIN), ForbiddenError, 403, 'forbidden', 'field "forbid" is not allowed');
      await expectCouchError(db!.put({ _id: 'u', unauth: true }, ADMIN), UnauthorizedError, 401, 'unauthorized', 'only admins may set "unauth"');
      await expectCouchError(db!.post({ forbid: true }, ADMIN), ForbiddenError, 403, 'forbidden', 'field "forbid" is not allowed');
      await expect(db!.get('f')).rejects.toBeInstanceOf(NotFoundError);
    });

    it('gets newDoc, oldDoc (null for a new document) and the user context', async () => {
      const error = await expectCouchError(db!.put({ _id: 'e', echo: true }, ADMIN), ForbiddenError, 403, 'forbidden');
      const seen = JSON.parse(error.reason) as JsonObject;
      expect(seen['newDoc']).toEqual({ _id: 'e', echo: true });
      expect(seen['oldDoc']).toBeNull();
      expect(seen['userCtx']).toMatchObject({ db: name, name: 'admin', roles: ['_admin'] });
    });

    it('on an update, newDoc carries the given _rev and oldDoc is the current document with _revisions', async () => {
      const current = await db!.get('ok');
      const error = await expectCouchError(db!.put({ _id: 'ok', _rev: current._rev, echo: true }, ADMIN), ForbiddenError, 403, 'forbidden');
      const seen = JSON.parse(error.reason) as { newDoc: JsonObject; oldDoc: JsonObject };
      const hash = current._rev.slice(2);
      expect(seen.newDoc).toEqual({ _id: 'ok', _rev: current._rev, echo: true, _revisions: { start: 1, ids: [hash] } });
      expect(seen.oldDoc).toEqual({ _id: 'ok', _rev: current._rev, fine: true, _revisions: { start: 1, ids: [hash] } });
    });

    it('other thrown values are 500s: a string, an Error, an object with another key', async () => {
      await expectCouchError(db!.put({ _id: 'p', plain: true }, ADMIN), SetteeError, 500, 'unknown_error', 'a plain string');
      await expectCouchError(db!.put({ _id: 'x', error: true }, ADMIN), SetteeError, 500, 'Error', '{[]}');
      await expectCouchError(db!.put({ _id: 'o', other: true }, ADMIN), SetteeError, 500, 'unknown_error', 'an unknown error key');
    });

    it('rejections in bulkDocs are per-document entries', async () => {
      const results = await db!.bulkDocs([{ _id: 'b1', forbid: true }, { _id: 'b2', unauth: true }, { _id: 'b3' }], ADMIN);
      expect(results.map((r) => ('ok' in r ? { ok: true, id: r.id } : r))).toEqual([
        { id: 'b1', error: 'forbidden', reason: 'field "forbid" is not allowed' },
        { id: 'b2', error: 'unauthorized', reason: 'only admins may set "unauth"' },
        { ok: true, id: 'b3' },
      ]);
    });

    it('runs on replicated writes (new_edits: false) too', async () => {
      const results = await db!.bulkDocs([{ _id: 'r1', _rev: '1-0123456789abcdef0123456789abcdef', forbid: true }], { new_edits: false, ...ADMIN });
      expect(results).toEqual([expect.objectContaining({ id: 'r1', error: 'forbidden' })]);
    });

    it('does not apply to _local documents', async () => {
      await expect(db!.put({ _id: '_local/l', forbid: true }, ADMIN)).resolves.toMatchObject({ ok: true, id: '_local/l' });
    });
  });

  describe('shows', () => {
    it('without a document: doc and id are null; req has CouchDB members', async () => {
      const response = await db!.show('app', 'echo', undefined, { query: { foo: 'bar', n: '1' } });
      const expected = step('GET _show/echo without a doc id').response!.body as JsonObject;
      const body = json(response);
      expect(response.status).toBe(200);
      expect(header(response, 'Content-Type')).toBe('application/json');
      expect(body).toMatchObject({
        doc: null,
        id: null,
        method: 'GET',
        path: [name, '_design', 'app', '_show', 'echo'],
        query: { foo: 'bar', n: '1' },
        form: {},
        body: 'undefined',
        info_db_name: name,
        uuid_type: 'string',
        peer_type: 'string',
      });
      expect(body['req_keys']).toEqual(expected['req_keys']);
      expect(body['info_keys']).toEqual(expected['info_keys']);
    });

    it('with a document: the document with _revisions, and a form body parsed into req.form', async () => {
      const response = await db!.show('app', 'echo', 't1', { method: 'POST', body: 'a=1&b=two', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
      const body = json(response);
      expect(body['doc']).toMatchObject({ _id: 't1', title: 'Alpha', n: 1, _revisions: { start: 1 } });
      expect(body).toMatchObject({ id: 't1', method: 'POST', form: { a: '1', b: 'two' }, body: 'a=1&b=two', content_type: 'application/x-www-form-urlencoded' });
      const missing = json(await db!.show('app', 'echo', 'missing'));
      expect(missing).toMatchObject({ doc: null, id: 'missing' });
    });

    it('answers bodies, headers and codes as the function returns them', async () => {
      const html = await db!.show('app', 'html', 't2');
      expect([html.status, header(html, 'Content-Type'), header(html, 'X-Custom'), text(html)]).toEqual([200, 'text/html; charset=utf-8', 'yes', '<h1>Beta</h1>']);
      const plain = await db!.show('app', 'plain', 't2');
      expect([header(plain, 'Content-Type'), text(plain)]).toEqual(['text/html; charset=utf-8', 'plain string for t2']);
      const coded = await db!.show('app', 'coded');
      expect([coded.status, header(coded, 'Content-Type'), json(coded)]).toEqual([418, 'application/json', { teapot: true }]);
    });

    it('a throwing show is a 500 render_error; unknown functions and design docs are 404s', async () => {
      const error = await expectCouchError(db!.show('app', 'broken', 't1'), SetteeError, 500, 'render_error');
      expect(error.reason).toMatch(/^function raised error: Error: show boom/);
      await expectCouchError(db!.show('app', 'nope', 't1'), NotFoundError, 404, 'not_found', 'missing json key: nope');
      await expectCouchError(db!.show('nope', 'echo', 't1'), NotFoundError, 404, 'not_found', 'missing');
    });
  });

  describe('lists', () => {
    it('streams rows through getRow/send with the headers given to start()', async () => {
      const response = await db!.list('app', 'html', 'titles');
      expect([response.status, header(response, 'Content-Type'), text(response)]).toEqual([
        200,
        'text/html; charset=utf-8',
        step('GET _list/html/titles').response!.body,
      ]);
    });

    it('gets the view head and honours the view query', async () => {
      const response = await db!.list('app', 'json', 'titles', { descending: true, limit: 2 });
      const expected = step('GET _list/json/titles').response!.body as JsonObject;
      const body = json(response);
      expect(header(response, 'Content-Type')).toBe('application/json');
      expect(body['head']).toEqual(expected['head']);
      expect(body['rows']).toEqual(expected['rows']);
    });

    it('appends a returned string; unknown views and lists are 404s', async () => {
      expect(text(await db!.list('app', 'returns', 'titles'))).toBe('counted 3 rows');
      await expectCouchError(db!.list('app', 'html', 'nope'), NotFoundError, 404, 'not_found', 'missing_named_view');
      await expectCouchError(db!.list('app', 'nope', 'titles'), NotFoundError, 404, 'not_found', 'missing json key: nope');
    });
  });

  describe("seed 004's examples", () => {
    it('the index-posts list over view foo sends each row value as text/html', async () => {
      const seed = {
        _id: '_design/example',
        views: { foo: { map: 'function(doc){ emit(doc._id, doc._rev)}' } },
        lists: { 'index-posts': 'function(head, req) {var row; start({"headers": {"Content-Type": "text/html"}});while(row = getRow()) {send(row.value);}}' },
        shows: { people: 'function(doc, req) { return { body: "Hello World" }; }' },
      };
      await db!.put(seed, ADMIN);
      const rows = (await db!.query('example', 'foo')).rows;
      const listed = await db!.list('example', 'index-posts', 'foo');
      expect([listed.status, header(listed, 'Content-Type'), text(listed)]).toEqual([200, 'text/html', rows.map((row) => row.value).join('')]);
      const shown = await db!.show('example', 'people', 't1', { query: { format: 'xml', details: 'true' } });
      expect([shown.status, text(shown)]).toEqual([200, 'Hello World']);
    });
  });

  describe('update handlers', () => {
    it('a handler that saves nothing answers 200 with its response', async () => {
      const response = await db!.update('app', 'stamp', undefined, { body: '{"x":1}', headers: { 'Content-Type': 'application/json' } });
      expect([response.status, header(response, 'Content-Type'), text(response)]).toEqual([200, 'text/html; charset=utf-8', 'no doc and no id: nothing saved\n']);
    });

    it('creates, then updates a document, answering 201 with X-Couch-Id and X-Couch-Update-NewRev', async () => {
      const created = await db!.update('app', 'stamp', 'newdoc', { method: 'PUT', body: 'raw body', headers: { 'Content-Type': 'text/plain' } });
      const recorded = step('PUT _update/stamp/newdoc').response!;
      expect([created.status, header(created, 'X-Couch-Id'), text(created)]).toEqual([201, 'newdoc', 'created newdoc\n']);
      if (!revHashes) expect(header(created, 'X-Couch-Update-NewRev')).toBe(recorded.headers!['X-Couch-Update-NewRev']);
      const updated = await db!.update('app', 'stamp', 'newdoc');
      expect([updated.status, json(updated)]).toEqual([201, { ok: true, count: 1 }]);
      const doc = await db!.get('newdoc');
      expect(doc).toMatchObject({ _id: 'newdoc', created_by: 'update handler', body: 'raw body', count: 1 });
      expect(header(updated, 'X-Couch-Update-NewRev')).toBe(doc._rev);
      if (!revHashes) expect(doc._rev).toBe(step('POST _update/stamp/newdoc').response!.headers!['X-Couch-Update-NewRev']);
    });

    it('req.uuid, req.form and req.query reach the handler', async () => {
      const made = await db!.update('app', 'with_uuid');
      expect(made.status).toBe(201);
      expect(json(made)['id']).toBe(header(made, 'X-Couch-Id'));
      const form = await db!.update('app', 'form', undefined, { body: 'name=x&age=3', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, query: { q: '1' } });
      expect(json(form)).toEqual(step('POST _update/form').response!.body);
    });

    it('the saved document goes through validate_doc_update and the id rules; GET is refused', async () => {
      await expectCouchError(db!.update('app', 'vdu_reject'), ForbiddenError, 403, 'forbidden', 'field "forbid" is not allowed');
      await expectCouchError(db!.update('app', 'bad_doc'), BadRequestError, 400, 'illegal_docid', 'Only reserved document ids may start with underscore.');
      await expectCouchError(db!.update('app', 'stamp', 'newdoc', { method: 'GET' }), MethodNotAllowedError, 405, 'method_not_allowed', 'Update functions do not allow GET');
      await expectCouchError(db!.update('app', 'nope'), NotFoundError, 404, 'not_found', 'missing json key: nope');
    });
  });
});
