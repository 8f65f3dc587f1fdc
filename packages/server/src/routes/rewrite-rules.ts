import { SetteeError, type JsonValue } from '@settee/core';
import { isObject, parseJson } from '../http/body.js';
import { queryParams } from '../http/query.js';
import { encodeQuery, quotePlus } from './rewrite-url.js';

// The array form of a design document's `rewrites`, as chttpd_rewrite matches and rewrites it: each rule's `from`
// is matched against the path after `_rewrite/` (segments; `:name` binds one segment, a final `*` the rest) and its
// `method` (default any); the first rule that matches gives the new path (`to`, with `:name` and `*` substituted)
// and query (the request's own parameters, the rule's `query` with variables substituted, and every path variable,
// each once).

/** A segment of `from` or `to`: a literal, or a variable (`*` is the variable that takes the rest of the path). */
export type Token = { readonly literal: string } | { readonly bind: string };

/** A name bound to a value: path variables are strings, view keys in the query string are decoded JSON. */
export type Binding = readonly [name: string, value: JsonValue];

export interface Rule {
  readonly from: readonly Token[];
  /** null matches every method. */
  readonly method: string | null;
  readonly to: readonly Token[];
  readonly query: readonly Binding[];
  readonly formats: Readonly<Record<string, JsonValue>>;
}

const REST = '*';

/** Query parameters CouchDB treats as JSON both when it reads the request and when it writes the new query. */
const JSON_PARAMS: ReadonlySet<string> = new Set(['key', 'startkey', 'start_key', 'endkey', 'end_key', 'keys']);

/** A rule path reaching above the database: CouchDB's `secure_rewrites` (on by default) refuses it. */
const INSECURE = (): SetteeError => new SetteeError(500, 'insecure_rewrite_rule', 'too many ../.. segments');

/** chttpd_rewrite:parse_path: empty segments dropped, `:x` and `*` variables, at most two `..`. */
function parsePath(path: JsonValue): Token[] {
  // CouchDB's re:split fails on anything but text (a 500 `badarg`).
  if (typeof path !== 'string') throw new SetteeError(500, 'unknown_error', 'badarg');
  const tokens: Token[] = [];
  let climbs = 0;
  for (const segment of path.split('/')) {
    if (segment === '') continue;
    if (segment === '..') {
      climbs += 1;
      if (climbs > 2) throw INSECURE();
    }
    if (segment === REST) tokens.push({ bind: REST });
    else if (segment.startsWith(':')) tokens.push({ bind: segment.slice(1) });
    else tokens.push({ literal: segment });
  }
  return tokens;
}

/** chttpd_rewrite:make_rule. A rule without `to` is a 500 (`{error, invalid_rewrite_target}`). */
function compileRule(rule: Record<string, unknown>): Rule {
  const method = rule['method'];
  const from = rule['from'] === undefined ? [{ bind: REST }] : parsePath(rule['from'] as JsonValue);
  if (rule['to'] === undefined) throw new SetteeError(500, 'error', 'invalid_rewrite_target');
  const to = parsePath(rule['to'] as JsonValue);
  const query = isObject(rule['query']) ? (Object.entries(rule['query']) as Binding[]) : [];
  const formats = isObject(rule['formats']) ? (rule['formats'] as Record<string, JsonValue>) : {};
  return {
    from,
    method: method === undefined || method === REST ? null : typeof method === 'string' ? method : String(method),
    to,
    query,
    formats,
  };
}

/**
 * Compiles every rule before matching any, as CouchDB does: one broken rule breaks the whole `_rewrite`. Entries
 * that are not objects are skipped (CouchDB's list comprehension drops them).
 */
export function compileRules(rules: readonly unknown[]): Rule[] {
  return rules.filter(isObject).map(compileRule);
}

/** chttpd_rewrite:bind_path: the path variables (latest first, as CouchDB accumulates them) and what `*` took. */
function bindPath(pattern: readonly Token[], segments: readonly string[]): { bindings: Binding[]; rest: string[] } | undefined {
  const bindings: Binding[] = [];
  let i = 0;
  for (let p = 0; p < pattern.length; p += 1) {
    const token = pattern[p] as Token;
    // Only a final `*` takes the rest; one earlier binds a single segment named `*`.
    if ('bind' in token && token.bind === REST && p === pattern.length - 1) return { bindings, rest: segments.slice(i) };
    const segment = segments[i];
    if (segment === undefined) return undefined;
    if ('bind' in token) bindings.unshift([token.bind, segment]);
    else if (token.literal !== segment) return undefined;
    i += 1;
  }
  return i === segments.length ? { bindings, rest: [] } : undefined;
}

function lookup(bindings: readonly Binding[], name: string): JsonValue | undefined {
  return bindings.find(([bound]) => bound === name)?.[1];
}

/** chttpd_rewrite:format: `int` and `bool` formats turn a bound text into a number or a boolean when it is one. */
function formatted(format: JsonValue | undefined, value: JsonValue): JsonValue {
  if (typeof value !== 'string') return value;
  if (format === 'int') return /^[+-]?\d+$/.test(value) ? Number.parseInt(value, 10) : value;
  if (format === 'bool') {
    const lower = value.toLowerCase();
    return lower === 'true' ? true : lower === 'false' ? false : value;
  }
  return value;
}

/** The value of variable `name` (or `fallback`, the text that named it, when unbound), formatted by the rule. */
function variable(name: string, fallback: string, bindings: readonly Binding[], formats: Readonly<Record<string, JsonValue>>): JsonValue {
  return formatted(formats[name], lookup(bindings, name) ?? fallback);
}

/** chttpd_rewrite:replace_var over one value of a rule's `query`. */
function substitute(value: JsonValue, bindings: readonly Binding[], formats: Readonly<Record<string, JsonValue>>): JsonValue {
  if (typeof value === 'string') {
    if (value === REST) return variable(REST, value, bindings, formats);
    if (value.startsWith(':')) return variable(value.slice(1), value, bindings, formats);
    return value;
  }
  if (Array.isArray(value)) {
    return value.map((item) => (typeof item === 'string' && item.startsWith(':') ? variable(item.slice(1), item, bindings, formats) : item));
  }
  return value;
}

/**
 * A value as query or path text. View keys are JSON; other text is itself, a list of texts their concatenation
 * (CouchDB's iolist). CouchDB fails (500) on other non-text values; they are sent as JSON here instead.
 */
function asText(name: string, value: JsonValue): string {
  if (JSON_PARAMS.has(name)) return JSON.stringify(value);
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.join('');
  return JSON.stringify(value);
}

/** The request's query (chttpd:qs), view keys decoded from JSON (a bad one is CouchDB's 400 `invalid UTF-8 JSON`). */
export function requestBindings(rawQuery: string): Binding[] {
  return [...queryParams(rawQuery)].map(([name, value]): Binding => [name, JSON_PARAMS.has(name) ? (parseJson(value) as JsonValue) : value]);
}

/** Where the first matching rule sends the request: the escaped path relative to the design document and the query. */
export interface RuleTarget {
  readonly path: string;
  readonly query: string;
}

/**
 * chttpd_rewrite:try_bind_path: the target of the first rule matching `method` and `segments` (the path after
 * `_rewrite`), or undefined when none does. `fromQuery` are the request's parameters (`requestBindings`).
 */
export function matchRules(rules: readonly Rule[], method: string, segments: readonly string[], fromQuery: readonly Binding[]): RuleTarget | undefined {
  for (const rule of rules) {
    if (rule.method !== null && rule.method !== method) continue;
    const bound = bindPath(rule.from, segments);
    if (bound === undefined) continue;
    const known = [...bound.bindings, ...fromQuery];
    // The rule's query, latest first as CouchDB builds it, then what it does not override.
    const ruleQuery = rule.query.map(([name, value]): Binding => [name, substitute(value, known, rule.formats)]).reverse();
    const overridden = new Set(ruleQuery.map(([name]) => name));
    const all = [...known.filter(([name]) => !overridden.has(name)), ...ruleQuery];
    const path: string[] = [];
    for (const token of rule.to) {
      if ('literal' in token) {
        path.push(token.literal);
        continue;
      }
      if (token.bind === REST) {
        path.push(...bound.rest);
        break;
      }
      const value = lookup(all, token.bind);
      path.push(value === undefined ? 'undefined' : asText('', value));
    }
    // The query lists the bindings in reverse (CouchDB folds them onto a list), without `*`.
    const pairs = all
      .filter(([name]) => name !== REST)
      .reverse()
      .map(([name, value]): [string, string] => [name, asText(name, value)]);
    return { path: path.map(quotePlus).join('/'), query: encodeQuery(pairs) };
  }
  return undefined;
}
