// Shows, lists and update handlers as CouchDB's Elixir suites use them (show_documents_test.exs,
// list_views_test.exs, update_documents_test.exs), beyond the recorded design_functions.json exchanges. Expected
// answers follow CouchDB 3.4's share/server/render.js and mimeparse.js and chttpd_show / chttpd_external, named at
// each test; they are not recorded.
import { describe, expect, it } from 'vitest';
import { BadRequestError, NotFoundError, SetteeError, type DatabaseAdapter, type DesignResponse } from '@settee/core';
import { backends } from './backends.js';
import { expectCouchError } from './expect-couch-error.js';
import { useBackend } from './harness.js';

const text = (response: DesignResponse): string => new TextDecoder().decode(response.body);

function header(response: DesignResponse, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return Object.entries(response.headers).find(([key]) => key.toLowerCase() === wanted)?.[1];
}

const SHOWS = {
  fail: 'function (doc, req) { return doc._id; }',
  empty: 'function (doc, req) { return ""; }',
  'list-api': 'function (doc, req) { start({ "X-Couch-Test-Header": "Yeah" }); send("Hey"); }',
  'list-api-provides-and-return':
    'function (doc, req) { provides("text", function () { send("4, "); send("5, "); send("6, "); return "7!"; }); send("1, "); send("2, "); return "3, "; }',
  'list-api-mix-with-header':
    'function (doc, req) { start({ "X-Couch-Test-Header": "Yeah" }); send("Hey "); return { headers: { "X-Couch-Test-Header-Awesome": "Oh Yeah!" }, body: "Dude" }; }',
  provides:
    'function (doc, req) { registerType("foo", "application/foo", "application/x-foo"); provides("html", function () { return "Ha ha, you said \\"" + doc.word + "\\"."; }); provides("foo", function () { return "foofoo"; }); }',
  self: 'function (doc, req) { return this._id + " has " + Object.keys(this.shows).length + " shows"; }',
};

const LISTS = {
  acceptSwitch:
    'function (head, req) { provides("html", function () { send("HTML <ul>"); var row; while (row = getRow()) { send("<li>" + row.key + "</li>"); } return "</ul>"; }); }',
  setHeaderAfterGotRow: 'function (head, req) { getRow(); start({ code: 400, headers: { "X-My-Header": "MyHeader" } }); send("bad request"); }',
};

const UPDATES = {
  'code-n-bump': 'function (doc, req) { doc.counter = (doc.counter || 0) + 1; return [doc, { code: 302, body: "<h1>bumped it!</h1>" }]; }',
  'resp-code-and-json': 'function (doc, req) { return [{ _id: req.uuid }, { code: 302, json: { ok: true } }]; }',
  empty: "function (doc, req) { return [{}, 'oops']; }",
  'no-response': 'function (doc, req) { return [null, null]; }',
  'not-found': 'function (doc, req) { throw ["error", "not_found", "no such thing"]; }',
};

async function templateDb(db: DatabaseAdapter): Promise<void> {
  await db.bulkDocs([{ _id: 'test-doc-id', word: 'plankton', name: 'Rusty' }, ...[1, 2, 3].map((n) => ({ _id: `n${n}`, n }))]);
  await db.put({
    _id: '_design/template',
    shows: SHOWS,
    lists: LISTS,
    updates: UPDATES,
    views: { byN: { map: 'function (doc) { if (doc.n) emit(doc.n, null); }' } },
  });
}

describe.each(backends)('design render cases [$name]', (backend) => {
  const h = useBackend(backend);

  it('a show that fails for a document id naming no document is that document 404', async () => {
    // render.js runShow: `args[0] === null && isDocRequestPath(req)` turns any error into not_found.
    const db = await h.createDb('render');
    await templateDb(db);
    await expectCouchError(db.show('template', 'fail', 'nonExistingDoc'), NotFoundError, 404, 'not_found', 'document not found');
    await expectCouchError(db.show('template', 'fail'), SetteeError, 500, 'render_error');
  });

  it('a show may use the list API: start() headers, send() chunks before the returned body', async () => {
    const db = await h.createDb('render');
    await templateDb(db);
    const listApi = await db.show('template', 'list-api', 'foo');
    expect([listApi.status, header(listApi, 'X-Couch-Test-Header'), text(listApi)]).toEqual([200, 'Yeah', 'Hey']);
    const mixed = await db.show('template', 'list-api-mix-with-header', 'foo');
    expect([header(mixed, 'X-Couch-Test-Header'), header(mixed, 'X-Couch-Test-Header-Awesome'), text(mixed)]).toEqual(['Yeah', 'Oh Yeah!', 'Hey Dude']);
    const ordered = await db.show('template', 'list-api-provides-and-return', 'foo', { query: { format: 'text' } });
    expect(text(ordered)).toBe('1, 2, 3, 4, 5, 6, 7!');
  });

  it('an empty show answers an empty JSON-typed body (chttpd_external defaults)', async () => {
    const db = await h.createDb('render');
    await templateDb(db);
    const empty = await db.show('template', 'empty');
    expect([empty.status, header(empty, 'Content-Type'), text(empty)]).toEqual([200, 'application/json', '']);
  });

  it('provides() picks by Accept with mimeparse, registered types answer with the matched type', async () => {
    const db = await h.createDb('render');
    await templateDb(db);
    const html = await db.show('template', 'provides', 'test-doc-id', { headers: { Accept: 'text/html,application/atom+xml; q=0.9' } });
    expect([header(html, 'Content-Type'), text(html)]).toEqual(['text/html; charset=utf-8', 'Ha ha, you said "plankton".']);
    const foo = await db.show('template', 'provides', 'test-doc-id', { headers: { Accept: 'application/x-foo' } });
    expect([header(foo, 'Content-Type'), text(foo)]).toEqual(['application/x-foo', 'foofoo']);
    // q values rank the candidates: html is acceptable but foo is preferred.
    const ranked = await db.show('template', 'provides', 'test-doc-id', { headers: { Accept: 'text/html;q=0.2, application/foo' } });
    expect(text(ranked)).toBe('foofoo');
    await expectCouchError(
      db.show('template', 'provides', 'test-doc-id', { headers: { Accept: 'text/monkeys' } }),
      SetteeError,
      406,
      'not_acceptable',
      'Content-Type text/monkeys not supported, try one of: application/foo, application/x-foo, text/html; charset=utf-8',
    );
  });

  it('design functions run with the design document as `this`', async () => {
    const db = await h.createDb('render');
    await templateDb(db);
    expect(text(await db.show('template', 'self'))).toBe(`_design/template has ${Object.keys(SHOWS).length} shows`);
  });

  it('a list gets the provided Content-Type, and start() after getRow() changes nothing', async () => {
    const db = await h.createDb('render');
    await templateDb(db);
    const html = await db.list('template', 'acceptSwitch', 'byN', {}, { headers: { Accept: 'text/html' } });
    expect([header(html, 'Content-Type'), text(html)]).toEqual(['text/html; charset=utf-8', 'HTML <ul><li>1</li><li>2</li><li>3</li></ul>']);
    const late = await db.list('template', 'setHeaderAfterGotRow', 'byN');
    expect([late.status, header(late, 'X-My-Header'), text(late)]).toEqual([200, undefined, 'bad request']);
  });

  it("an update handler's own code wins over 201, also when it saves a document", async () => {
    // chttpd_show puts {code, 201} before the function's members; parse_external_response keeps the last one.
    const db = await h.createDb('render');
    await templateDb(db);
    const bumped = await db.update('template', 'code-n-bump', 'test-doc-id', { method: 'PUT' });
    expect([bumped.status, text(bumped)]).toEqual([302, '<h1>bumped it!</h1>']);
    expect(await db.get('test-doc-id')).toMatchObject({ counter: 1, _rev: header(bumped, 'X-Couch-Update-NewRev') });
    const made = await db.update('template', 'resp-code-and-json');
    expect([made.status, JSON.parse(text(made))]).toEqual([302, { ok: true }]);
    expect(header(made, 'X-Couch-Id')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('an update handler saves the document as returned: no _id is an empty id, not the URL one', async () => {
    const db = await h.createDb('render');
    await templateDb(db);
    await expectCouchError(db.update('template', 'empty', 'foo', { method: 'PUT' }), BadRequestError, 400, 'illegal_docid', 'Document id must not be empty');
    await expectCouchError(db.update('template', 'no-response'), SetteeError, 500, 'render_error', 'undefined response from update function');
    await expectCouchError(db.update('template', 'not-found'), NotFoundError, 404, 'not_found', 'no such thing');
  });
});
