import { createHash } from 'node:crypto';
import {
  BadRequestError,
  formatErlangTerm,
  InternalServerError,
  isJsonObject,
  normalizeSelector,
  ServiceUnavailableError,
  type JsonObject,
  type JsonValue,
} from '@settee/core';
import { parseSort } from '../mango/find-sort.js';
import { TermWriter } from '../revs/erlang-term.js';
import { missingKey } from './find-request.js';

/** A validated `POST _index`: the design document and the view to put in it. */
export interface NewIndex {
  /** `_design/...`. */
  readonly ddoc: string;
  readonly name: string;
  /** `views.<name>.map`: `{fields: {f: "asc"}, partial_filter_selector: {...normalised or empty}}`. */
  readonly map: JsonObject;
  /** The `index` member as given, kept in `views.<name>.options.def`. */
  readonly rawDef: JsonValue;
  /** `partitioned` when given. */
  readonly partitioned: boolean | undefined;
}

/** The members of a `POST _index` body, in the order CouchDB checks them (mango_opts:validate_idx_create). */
const KNOWN = ['index', 'type', 'name', 'ddoc', 'w', 'partitioned'] as const;

/**
 * Checks a `POST _index` body like CouchDB (mango_opts, mango_idx:new, mango_idx_view:validate_new), with its
 * errors: `missing_required_key`, `invalid_key`, `invalid_string`, `invalid_empty_string` (an empty `name` or
 * `ddoc`), `invalid_index` (type, definition not an object), 503 for `type: "text"` (no text search service), the
 * sort errors of `fields`, selector errors of `partial_filter_selector`. A missing `name` or `ddoc` is CouchDB's:
 * the SHA-1 of the Erlang term of the definition and options, so the same request gets the same generated names
 * as on CouchDB.
 */
export function parseIndexRequest(request: unknown): NewIndex {
  if (!isJsonObject(request)) throw new BadRequestError('Request body must be a JSON object');
  if (request['index'] === undefined) throw missingKey('index');
  const def = request['index'];
  const type = optionalString(request['type']) ?? 'json';
  const name = optionalName(request['name']);
  const ddoc = optionalName(request['ddoc']);
  const w = request['w'];
  if (w !== undefined && !(typeof w === 'number' && Number.isSafeInteger(w) && w > 0)) {
    throw new BadRequestError(`${formatErlangTerm(w)} is not an integer greater than zero`, { error: 'invalid_pos_integer' });
  }
  const partitioned = request['partitioned'];
  if (partitioned !== undefined && typeof partitioned !== 'boolean') {
    throw new InternalServerError(`Unknown Error: mango_opts :: {invalid_partitioned_value,${formatErlangTerm(partitioned)}}`);
  }
  const unknown = Object.keys(request).find((key) => !(KNOWN as readonly string[]).includes(key) && request[key] !== undefined);
  if (unknown !== undefined) throw new BadRequestError(`Invalid key ${unknown} for this request.`, { error: 'invalid_key' });
  if (type === 'text') throw new ServiceUnavailableError('text', { error: 'required index service unavailable' });
  if (type !== 'json') throw new BadRequestError(`Invalid type for index: ${type}`, { error: 'invalid_index' });

  const generated = name === undefined || ddoc === undefined ? generatedName(request, def, type) : '';
  return {
    ddoc: `_design/${(ddoc ?? generated).replace(/^_design\//, '')}`,
    name: name ?? generated,
    map: validateDefinition(def),
    rawDef: def,
    partitioned: partitioned as boolean | undefined,
  };
}

/** mango_opts:validate_idx_name: a `name` or `ddoc`, when given, is a non-empty string. */
function optionalName(value: JsonValue | undefined): string | undefined {
  const name = optionalString(value);
  if (name === '') throw new BadRequestError('Index name/ddoc cannot be empty', { error: 'invalid_empty_string' });
  return name;
}

function optionalString(value: JsonValue | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  throw new BadRequestError(`Invalid string: ${formatErlangTerm(value)}`, { error: 'invalid_string' });
}

/** mango_idx_view:validate_new: `fields` (a sort spec, one direction) and an optional `partial_filter_selector`. */
function validateDefinition(def: JsonValue): JsonObject {
  if (!isJsonObject(def)) {
    throw new BadRequestError(`JSON indexes must be an object, not: ${formatErlangTerm(def)}`, { error: 'invalid_index' });
  }
  if (def['fields'] === undefined) throw missingKey('fields');
  const fields = parseSort(def['fields']);
  const partial = def['partial_filter_selector'];
  let selector: JsonObject = {};
  if (partial !== undefined) {
    if (!isJsonObject(partial)) {
      throw new BadRequestError(`Selector must be a JSON object, not: ${formatErlangTerm(partial)}`, { error: 'invalid_selector_json' });
    }
    selector = normalizeSelector(partial);
  }
  const unknown = Object.keys(def).find((key) => key !== 'fields' && key !== 'partial_filter_selector' && def[key] !== undefined);
  if (unknown !== undefined) throw new BadRequestError(`Invalid key ${unknown} for this request.`, { error: 'invalid_key' });
  return {
    fields: Object.fromEntries(fields.map(({ field, direction }) => [field, direction])),
    partial_filter_selector: selector,
  };
}

/**
 * mango_idx:gen_name: hex SHA-1 of `term_to_binary({Def, lists:usort(Opts)})`, where Opts are the validated
 * options with CouchDB's defaults (`auto_name`, `w: 2`, `db_default`), sorted by option name.
 */
function generatedName(request: JsonObject, def: JsonValue, type: string): string {
  const writer = new TermWriter(256).reset();
  writer.tupleHeader(2).ejson(def);
  writer.listHeader(6);
  const name = (key: 'ddoc' | 'name'): void => {
    const value = request[key];
    writer.tupleHeader(2).atom(key);
    if (typeof value === 'string') writer.utf8Binary(value);
    else writer.atom('auto_name');
  };
  name('ddoc');
  writer.tupleHeader(2).atom('def').ejson(def);
  name('name');
  const partitioned = request['partitioned'];
  writer.tupleHeader(2).atom('partitioned').atom(typeof partitioned === 'boolean' ? String(partitioned) : 'db_default');
  writer.tupleHeader(2).atom('type').utf8Binary(type);
  writer.tupleHeader(2).atom('w').integer(typeof request['w'] === 'number' ? request['w'] : 2);
  writer.nil();
  return createHash('sha1').update(writer.view()).digest('hex');
}
