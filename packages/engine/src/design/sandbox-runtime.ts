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
  // The design document each function was compiled for: CouchDB calls shows, lists, updates, filters and
  // validate_doc_update with it as 'this'.
  var owners = [];
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
  // Once getRow() has sent the head, a later start() changes nothing (CouchDB has already answered with it).
  function start(head) { if (list && !list.started) list.head = head || {}; }
  function send(chunk) { if (list) list.chunks.push(String(chunk)); }
  function getRow() {
    if (!list) return null;
    // CouchDB sends the head (with the provided Content-Type known so far) at the first getRow.
    if (!list.started) { list.started = true; list.startType = list.type; }
    if (list.pos >= list.rows.length) return null;
    return list.rows[list.pos++];
  }
  // keysByMime of CouchDB's render.js: the key a MIME type was last registered under.
  var KEYS_BY_MIME = {};
  for (var known in MIMES) for (var km = 0; km < MIMES[known].length; km++) KEYS_BY_MIME[MIMES[known][km]] = known;
  function registerType(name) {
    MIMES[name] = Array.prototype.slice.call(arguments, 1);
    for (var i = 0; i < MIMES[name].length; i++) KEYS_BY_MIME[MIMES[name][i]] = name;
  }
  function provides(type, fn) { if (providers) providers.push([type, fn]); }

  // share/server/mimeparse.js, whose bestMatch sorts its candidates as strings (Array#sort without a comparator):
  // the same order is kept here, quirks included.
  function parseMediaRange(range) {
    var params = {};
    var parts = range.split(';');
    for (var i = 0; i < parts.length; i++) {
      var p = parts[i].split('=');
      if (p.length === 2) params[p[0].trim()] = p[1].trim();
    }
    var full = parts[0].trim();
    if (full === '*') full = '*/*';
    var typeParts = full.split('/');
    var q = parseFloat(params.q);
    if (!params.q || isNaN(q) || q > 1 || q < 0) params.q = '1';
    return [typeParts[0], typeParts[1], params];
  }
  function fitnessAndQuality(mime, ranges) {
    var bestFitness = -1, bestQ = 0;
    var target = parseMediaRange(mime);
    for (var i = 0; i < ranges.length; i++) {
      var type = ranges[i][0], subtype = ranges[i][1], params = ranges[i][2];
      if ((type == target[0] || type == '*' || target[0] == '*') && (subtype == target[1] || subtype == '*' || target[1] == '*')) {
        var matches = 0;
        for (var param in target[2]) if (param != 'q' && params[param] && params[param] == target[2][param]) matches += 1;
        var fitness = (type == target[0] ? 100 : 0) + (subtype == target[1] ? 10 : 0) + matches;
        if (fitness > bestFitness) { bestFitness = fitness; bestQ = params.q; }
      }
    }
    return [bestFitness, parseFloat(bestQ)];
  }
  function bestMatch(supported, header) {
    var ranges = header.split(',').map(parseMediaRange);
    var weighted = [];
    for (var i = 0; i < supported.length; i++) weighted.push([fitnessAndQuality(supported[i], ranges), i, supported[i]]);
    weighted.sort();
    var best = weighted[weighted.length - 1];
    return best && best[0][1] ? best[2] : '';
  }

  // render.js runProvides: 'format' names a provider, else the Accept header picks among the registered types of
  // every provider (walked in reverse, as CouchDB reverses its list in place), else the first provider answers.
  function runProvides(req) {
    var bestKey = null, type = null, accept = req && req.headers && (req.headers.Accept || req.headers.accept);
    if (req && req.query && req.query.format) {
      bestKey = req.query.format;
      type = MIMES[bestKey][0];
    } else if (accept) {
      providers.reverse();
      var supported = [];
      for (var i = 0; i < providers.length; i++) if (MIMES[providers[i][0]]) supported = supported.concat(MIMES[providers[i][0]]);
      type = bestMatch(supported, accept);
      bestKey = KEYS_BY_MIME[type];
    } else {
      bestKey = providers[0][0];
      type = MIMES[bestKey][0];
    }
    for (var j = 0; bestKey && j < providers.length; j++) if (providers[j][0] == bestKey) return { fn: providers[j][1], type: type };
    var types = providers.map(function (p) { return (MIMES[p[0]] || []).join(', ') || p[0]; });
    throw { notAcceptable: 'Content-Type ' + (accept || bestKey) + ' not supported, try one of: ' + types.join(', ') };
  }

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

  // couchjs evaluates a source as a script in which a leading anonymous function is an expression, and takes the
  // script's value: "function (doc) {...};" (a trailing semicolon, as CouchDB's own tests write) is a function there.
  function evaluateSource(source, require) {
    try {
      return new Function('require', 'return (' + source + '\n);')(require);
    } catch (first) {
      if (!(first instanceof SyntaxError) || !/^\s*(async\s+)?function\b/.test(source)) throw first;
      try {
        return new Function('require', '__settee_source', 'return eval(__settee_source);')(require, '0,' + source);
      } catch (second) {
        throw first;
      }
    }
  }

  function compile(input) {
    var root = input.ddoc === undefined ? {} : input.ddoc;
    var fn = evaluateSource(input.source, makeRequire(root, []));
    if (typeof fn !== 'function') throw new TypeError('Expression does not eval to a function. (' + input.source + ')');
    fns.push(fn);
    owners.push(input.ddoc === undefined ? null : root);
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
        out.push(fns[input.fn].call(owners[input.fn], doc, req) ? true : false);
      } catch (e) {
        out.push(false);
        var info = describe(e);
        log('filter raised exception ' + (info.message !== undefined ? info.error + ': ' + info.message : info.text) + ' with doc._id ' + doc._id);
      }
    }
    return out;
  }

  function wrapResponse(resp) { return typeof resp === 'string' ? { body: resp } : resp; }

  // render.js runShow: list-style chunks come first, then the returned body; with provides the provider's chunks
  // and body follow, and its Content-Type applies unless the function set one.
  function runShow(fn, self, args) {
    var resp = wrapResponse(fn.apply(self, args) || {});
    if (list.chunks.length > 0) {
      resp.headers = resp.headers || {};
      for (var header in list.head) resp.headers[header] = list.head[header];
      resp.body = list.chunks.join('') + (resp.body || '');
      list.chunks = [];
    }
    if (providers.length > 0) {
      var chosen = runProvides(args[1]);
      var provided = wrapResponse(chosen.fn.call(self) || {});
      resp.body = (resp.body || '') + list.chunks.join('');
      resp.body += provided.body || '';
      resp.headers = resp.headers || {};
      if (chosen.type) resp.headers['Content-Type'] = resp.headers['Content-Type'] || chosen.type;
    }
    if (resp === null || typeof resp !== 'object' || Array.isArray(resp)) throw ['error', 'render_error', 'undefined response from show function'];
    return { ok: resp, undef: false, provided: null };
  }

  // render.js runList: with provides, the provider's return value is the tail instead of the function's.
  function runList(fn, self, args) {
    var tail = fn.apply(self, args);
    if (providers.length > 0) {
      var chosen = runProvides(args[1]);
      list.type = chosen.type;
      tail = chosen.fn.call(self);
    }
    if (!list.started) list.startType = list.type;
    return { ok: tail === undefined ? null : tail, undef: tail === undefined, provided: list.startType || null, chunks: list.chunks, head: list.head };
  }

  function call(input) {
    var args = JSON.parse(input.args);
    var self = owners[input.fn];
    providers = input.provides ? [] : null;
    if (input.rows !== undefined || input.mode === 'show') {
      list = { rows: input.rows || [], pos: 0, chunks: [], head: null, started: false, type: null, startType: null };
    }
    try {
      if (input.mode === 'show') return runShow(fns[input.fn], self, args);
      if (input.mode === 'list') return runList(fns[input.fn], self, args);
      var result = fns[input.fn].apply(self, args);
      var answer = { ok: result === undefined ? null : result, undef: result === undefined, provided: null };
      if (list) { answer.chunks = list.chunks; answer.head = list.head; }
      return answer;
    } catch (e) {
      if (e && typeof e.notAcceptable === 'string') return { notAcceptable: e.notAcceptable };
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
