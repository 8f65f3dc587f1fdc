import { describe, expect, it } from 'vitest';
import type { Document } from '@settee/core';
import { loadMeta, type DbContext } from '../database/db-context.js';
import { prepareDoc } from '../database/prepare-doc.js';
import { readDoc } from '../database/read-doc.js';
import { writeDocs } from '../database/write-docs.js';
import { MemoryStorage } from '../storage/memory-storage.js';
import { couchErrorOf } from '../test-support/couch-error-of.js';
import { designChangesFilter, viewChangesFilter } from './changes-filters.js';

function context(): DbContext {
  const storage = new MemoryStorage();
  let n = 0;
  return { name: 'db', storage, meta: loadMeta(storage), notifyCommit: () => undefined, newId: () => `id${n++}` };
}

function write(ctx: DbContext, ...docs: object[]): void {
  writeDocs(ctx, docs.map((doc) => prepareDoc(doc)), true);
}

const doc = (ctx: DbContext, id: string): Document => readDoc(ctx.storage, id, {});

describe('changes filters backed by design documents', () => {
  it('_view passes documents the map function emits for', () => {
    const ctx = context();
    write(ctx, { _id: '_design/f', views: { big: { map: 'function (doc) { if (doc.n > 1) emit(doc.n); }' } }, filters: { odd: 'function (doc, req) { return doc.n % 2 === 1 && req.query.filter === "f/odd"; }' } });
    write(ctx, { _id: 'a', n: 1 }, { _id: 'b', n: 2 }, { _id: 'c', n: 3 });
    const filter = viewChangesFilter(ctx, 'f/big');
    expect(['a', 'b', 'c'].filter((id) => filter.accepts(id, doc(ctx, id)))).toEqual(['b', 'c']);
    const odd = designChangesFilter(ctx, 'f/odd', {});
    expect(['a', 'b', 'c'].filter((id) => odd.accepts(id, doc(ctx, id)))).toEqual(['a', 'c']);
  });

  it('judges many documents in one call: a truthy answer passes, a throw rejects only its document', () => {
    const ctx = context();
    write(ctx, {
      _id: '_design/f',
      views: { big: { map: 'function (doc) { if (doc.n > 1) emit(doc.n); }' } },
      filters: { truthy: 'function (doc) { if (doc.n === 3) throw new Error("no"); return doc.n; }' },
    });
    write(ctx, { _id: 'a', n: 0 }, { _id: 'b', n: 2 }, { _id: 'c', n: 3 }, { _id: 'd', n: 4 });
    const docs = ['a', 'b', 'c', 'd'].map((id) => doc(ctx, id));
    expect(designChangesFilter(ctx, 'f/truthy', {}).acceptsMany?.(docs)).toEqual([false, true, false, true]);
    expect(viewChangesFilter(ctx, 'f/big').acceptsMany?.(docs)).toEqual([false, true, true, true]);
  });

  it('answer CouchDB errors for missing views, design documents and functions', () => {
    const ctx = context();
    write(ctx, { _id: '_design/f', views: { v: { map: 'function (doc) { emit(doc._id); }' } } });
    expect(couchErrorOf(() => viewChangesFilter(ctx, 'f/nope'))).toEqual([404, 'not_found', 'missing_named_view']);
    expect(couchErrorOf(() => viewChangesFilter(ctx, 'nope/v'))).toEqual([404, 'not_found', 'missing']);
    expect(couchErrorOf(() => viewChangesFilter(ctx, undefined))).toEqual([400, 'bad_request', '`view` filter parameter is not provided.']);
    expect(couchErrorOf(() => designChangesFilter(ctx, 'f/nope', {}))).toEqual([404, 'not_found', 'missing json key: nope']);
  });
});
