import type { JsonObject } from '@settee/core';
import { describe, expect, it } from 'vitest';
import { runRewriteFunction } from './rewrite-function.js';

const req = (db: string): JsonObject => ({ method: 'GET', path: [db, '_design', 'app', '_rewrite', 'x'], query: {}, headers: {} });

describe('runRewriteFunction', () => {
  it('answers a string as the path with the request method, and nothing for a falsy answer', () => {
    const ddoc = { _id: '_design/plain', _rev: '1-a', rewrites: 'function (req) { return req.query.go ? "target" : null; }' };
    expect(runRewriteFunction(ddoc, { ...req('db'), query: { go: '1' } })).toEqual({ path: 'target', method: 'GET' });
    expect(runRewriteFunction(ddoc, req('db'))).toBeUndefined();
  });

  // Another database may hold a design document with the same id, revision and rewrites source (new_edits=false
  // writes any revision) but other modules: it must not run with, nor lend, the first one's `lib` and `this`.
  it('runs each design document with its own modules and this, even when id, rev and source are the same', () => {
    const rewrites = 'function (req) { return require("lib/target").path + "|" + this.owner; }';
    const mine = { _id: '_design/app', _rev: '1-same', owner: 'a', lib: { target: 'exports.path = "mine";' }, rewrites };
    const theirs = { _id: '_design/app', _rev: '1-same', owner: 'b', lib: { target: 'exports.path = "theirs";' }, rewrites };
    expect(runRewriteFunction(theirs, req('b'))).toEqual({ path: 'theirs|b', method: 'GET' });
    expect(runRewriteFunction(mine, req('a'))).toEqual({ path: 'mine|a', method: 'GET' });
  });
});
