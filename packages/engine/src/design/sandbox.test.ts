import { describe, expect, it } from 'vitest';
import { setDesignLogger } from './design-log.js';
import { CompileError, DesignSandbox, SandboxTimeoutError } from './sandbox.js';

describe('DesignSandbox', () => {
  it('runs map functions with emit, one result list per document and function', () => {
    const box = new DesignSandbox('_design/t');
    const byType = box.compile('function (doc) { if (doc.type) emit(doc.type, doc.n); }');
    const twice = box.compile('function (doc) { emit([doc._id, 1]); emit([doc._id, 2], null); }');
    const out = box.mapDocs([byType, twice], [JSON.stringify({ _id: 'a', type: 'x', n: 3 }), JSON.stringify({ _id: 'b' })]);
    expect(out).toEqual([
      [[['x', 3]], [[['a', 1], null], [['a', 2], null]]],
      [[], [[['b', 1], null], [['b', 2], null]]],
    ]);
  });

  it('has no Node globals, and user code cannot reach the host through helpers', () => {
    const box = new DesignSandbox('_design/t');
    const probe = box.compile(`function () {
      var escaped = null;
      try { escaped = emit.constructor('return typeof process')(); } catch (e) { escaped = 'threw'; }
      return [typeof require, typeof process, typeof setTimeout, typeof globalThis.Buffer, escaped];
    }`);
    expect(box.call(probe, [])).toMatchObject({ ok: ['function', 'undefined', 'undefined', 'undefined', 'undefined'] });
  });

  it('skips a document whose map throws and logs it', () => {
    const lines: string[] = [];
    const previous = setDesignLogger((line) => lines.push(line));
    try {
      const box = new DesignSandbox('_design/t');
      const fn = box.compile('function (doc) { if (doc.bad) throw new Error("boom"); emit(doc._id, 1); }');
      const out = box.mapDocs([fn], [JSON.stringify({ _id: 'a' }), JSON.stringify({ _id: 'b', bad: true })]);
      expect(out).toEqual([[[['a', 1]]], [null]]);
      expect(lines.join('\n')).toContain('Error: boom with doc._id b');
    } finally {
      setDesignLogger(previous);
    }
  });

  it('reports compile errors and non-functions', () => {
    const box = new DesignSandbox('_design/t');
    expect(() => box.compile('function (doc) { emit(doc._id, ')).toThrow(CompileError);
    expect(() => box.compile('42')).toThrow(/does not eval to a function/);
  });

  it('stops a call that runs past its time limit', () => {
    const box = new DesignSandbox('_design/t', 50);
    const spin = box.compile('function () { for (;;) {} }');
    expect(() => box.call(spin, [])).toThrow(SandboxTimeoutError);
  });

  it('describes thrown objects and errors', () => {
    const box = new DesignSandbox('_design/t');
    const forbid = box.compile('function () { throw { forbidden: "no" }; }');
    expect(box.call(forbid, [])).toEqual({ fail: { thrown: { forbidden: 'no' }, text: '[object Object]' } });
    const err = box.call(box.compile('function () { throw new TypeError("bad"); }'), []);
    expect(err).toMatchObject({ fail: { error: 'TypeError', message: 'bad' } });
  });

  it('offers sum, isArray, toJSON, log and CommonJS modules stored in the design document', () => {
    const ddoc = { views: { lib: { math: 'exports.double = function (x) { return 2 * x; };' } } };
    const box = new DesignSandbox('_design/t');
    const fn = box.compile('function (xs) { var m = require("views/lib/math"); return [sum(xs), isArray(xs), toJSON({a: 1}), m.double(4)]; }', ddoc);
    expect(box.call(fn, [[1, 2, 3]])).toMatchObject({ ok: [6, true, '{"a":1}', 8] });
  });

  it('feeds lists with getRow and collects send and start', () => {
    const box = new DesignSandbox('_design/t');
    const fn = box.compile('function (head, req) { start({ code: 201 }); var r; while ((r = getRow())) send(r.key); return "!"; }');
    expect(box.call(fn, [{}, {}], { rows: [{ key: 'a' }, { key: 'b' }] })).toMatchObject({ ok: '!', chunks: ['a', 'b'], head: { code: 201 } });
  });
});
