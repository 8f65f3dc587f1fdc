/**
 * The JavaScript that runs INSIDE each design document's `node:vm` context: CouchDB's query-server helpers
 * (`emit`, `log`, `sum`, `isArray`, `toJSON`, `start`, `send`, `getRow`, `provides`, `registerType`, `require`) and
 * a dispatcher the host calls with JSON text. Only strings cross the boundary, in both directions: a host object
 * inside the context would hand user code the host's `Function` constructor (and with it `process`).
 */
export const SANDBOX_RUNTIME = String.raw`
(function (global) {
  'use strict';
  var fns = [];
  var emitted = null;
  var logs = [];
  var list = null;
  var providers = null;
  var MIMES = {
    all: ['*/*'], text: ['text/plain; charset=utf-8', 'txt'], html: ['text/html; charset=utf-8'],
    xhtml: ['application/xhtml+xml', 'xhtml'], xml: ['application/xml', 'text/xml', 'application/x-xml'],
    js: ['text/javascript', 'application/javascript', 'application/x-javascript'], css: ['text/css'],
    ics: ['text/calendar'], csv: ['text/csv'], rss: ['application/rss+xml'], atom: ['application/atom+xml'],
    yaml: ['application/x-yaml', 'text/yaml'], multipart_form: ['multipart/form-data'],
    url_encoded_form: ['application/x-www-form-urlencoded'], json: ['application/json', 'text/x-json']
  };

  function describe(value) {
    if (value instanceof Error) return { error: value.name || 'Error', message: String(value.message), stack: String(value.stack || '') };
    var text;
    try { text = JSON.stringify(value); } catch (e) { text = undefined; }
    return { thrown: text === undefined ? null : JSON.parse(text), text: String(value) };
  }
  function toJSON(value) { return JSON.stringify(value); }
  function isArray(value) { return Array.isArray(value); }
  function sum(values) { var total = 0; for (var i = 0; i < values.length; i++) total += values[i]; return total; }
  function log(message) { logs.push(typeof message === 'string' ? message : JSON.stringify(message)); }
  function emit(key, value) {
    if (emitted === null) throw new Error('emit() is only available in map functions');
    emitted.push([key === undefined ? null : key, value === undefined ? null : value]);
  }
  function start(head) { if (list) list.head = head || {}; }
  function send(chunk) { if (list) list.chunks.push(String(chunk)); }
  function getRow() {
    if (!list) return null;
    if (list.pos >= list.rows.length) return null;
    return list.rows[list.pos++];
  }
  function registerType(name) { MIMES[name] = Array.prototype.slice.call(arguments, 1); }
  function provides(type, fn) { if (providers) providers.push([type, fn]); }

  function makeRequire(root, base) {
    var cache = {};
    return function require(name) {
      var parts = name.charAt(0) === '.' ? base.concat(name.split('/')) : name.split('/');
      var path = [];
      for (var i = 0; i < parts.length; i++) {
        if (parts[i] === '..') { if (path.length === 0) throw { error: 'invalid_require_path', reason: 'Object has no parent ' + name }; path.pop(); }
        else if (parts[i] !== '.' && parts[i] !== '') path.push(parts[i]);
      }
      var key = path.join('/');
      if (Object.prototype.hasOwnProperty.call(cache, key)) return cache[key].exports;
      var source = root;
      for (var j = 0; j < path.length; j++) {
        if (source === null || typeof source !== 'object' || !(path[j] in source)) throw { error: 'invalid_require_path', reason: 'Object has no property "' + path[j] + '". ' + name };
        source = source[path[j]];
      }
      if (typeof source !== 'string') throw { error: 'invalid_require_path', reason: 'Non-string module source: ' + name };
      var module = { id: key, exports: {} };
      cache[key] = module;
      var body = new Function('module', 'exports', 'require', source);
      body(module, module.exports, makeRequire(root, path.slice(0, -1)));
      return module.exports;
    };
  }

  function compile(input) {
    var root = input.ddoc === undefined ? {} : input.ddoc;
    var fn = new Function('require', 'return (' + input.source + '\n);')(makeRequire(root, []));
    if (typeof fn !== 'function') throw new TypeError('Expression does not eval to a function. (' + input.source + ')');
    fns.push(fn);
    return fns.length - 1;
  }

  function mapDocs(input) {
    var out = [];
    for (var d = 0; d < input.docs.length; d++) {
      var doc = JSON.parse(input.docs[d]);
      var perFn = [];
      for (var f = 0; f < input.fns.length; f++) {
        emitted = [];
        try {
          fns[input.fns[f]](doc);
          perFn.push(emitted);
        } catch (e) {
          perFn.push(null);
          var info = describe(e);
          log('function raised exception ' + (info.message !== undefined ? info.error + ': ' + info.message : info.text) + ' with doc._id ' + doc._id);
        }
        emitted = null;
      }
      out.push(perFn);
    }
    return out;
  }

  // A filter function over many documents in one call (CouchDB's query server gets them in batches too): a
  // truthy answer passes; a throw is logged and rejects that document.
  function filterDocs(input) {
    var req = JSON.parse(input.req);
    var out = [];
    for (var d = 0; d < input.docs.length; d++) {
      var doc = JSON.parse(input.docs[d]);
      try {
        out.push(fns[input.fn](doc, req) ? true : false);
      } catch (e) {
        out.push(false);
        var info = describe(e);
        log('filter raised exception ' + (info.message !== undefined ? info.error + ': ' + info.message : info.text) + ' with doc._id ' + doc._id);
      }
    }
    return out;
  }

  function pickProvider(req) {
    if (!providers || providers.length === 0) return null;
    var format = req && req.query && req.query.format;
    if (format) {
      for (var i = 0; i < providers.length; i++) if (providers[i][0] === format) return providers[i];
      return null;
    }
    var accept = (req && req.headers && (req.headers.Accept || req.headers.accept)) || '*/*';
    for (var k = 0; k < providers.length; k++) {
      var mimes = MIMES[providers[k][0]] || [];
      for (var m = 0; m < mimes.length; m++) {
        var bare = mimes[m].split(';')[0];
        if (accept.indexOf(bare) !== -1) return providers[k];
      }
    }
    return accept.indexOf('*/*') !== -1 ? providers[0] : null;
  }

  function call(input) {
    var args = JSON.parse(input.args);
    providers = input.provides ? [] : null;
    if (input.rows !== undefined) list = { rows: input.rows, pos: 0, chunks: [], head: null };
    try {
      var result = fns[input.fn].apply(null, args);
      var provided = null;
      if (result === undefined && providers && providers.length > 0) {
        var chosen = pickProvider(args[1]);
        if (chosen === null) return { notAcceptable: true };
        provided = chosen[0];
        result = chosen[1]();
      }
      var answer = { ok: result === undefined ? null : result, undef: result === undefined, provided: provided };
      if (list) { answer.chunks = list.chunks; answer.head = list.head; }
      return answer;
    } catch (e) {
      return { fail: describe(e) };
    } finally {
      list = null;
      providers = null;
    }
  }

  global.toJSON = toJSON;
  global.isArray = isArray;
  global.sum = sum;
  global.log = log;
  global.emit = emit;
  global.start = start;
  global.send = send;
  global.getRow = getRow;
  global.provides = provides;
  global.registerType = registerType;
  var ops = { compile: compile, mapDocs: mapDocs, filterDocs: filterDocs, call: call };
  Object.defineProperty(global, '__settee', {
    value: function (text) {
      var request = JSON.parse(text);
      var result;
      try {
        result = { value: ops[request.op](request) };
      } catch (e) {
        result = { fail: describe(e) };
      }
      result.logs = logs;
      logs = [];
      return JSON.stringify(result);
    }
  });
})(globalThis);
`;
