import { BadRequestError, isJsonObject, type JsonObject, type JsonValue } from '@settee/core';
import { builtinReducerOf } from '../views/builtin-reducers.js';
import { CompileError, DesignSandbox } from './sandbox.js';

function invalid(reason: string): BadRequestError {
  return new BadRequestError(reason, { error: 'invalid_design_doc' });
}

type FieldType = 'string' | 'object' | 'array' | 'boolean';

function hasType(value: JsonValue, type: FieldType): boolean {
  if (type === 'object') return isJsonObject(value);
  if (type === 'array') return Array.isArray(value);
  return typeof value === type;
}

/** Throws CouchDB's "`a.b` field must have string or array type" unless `value` (when present) has one of `types`. */
function checkField(path: readonly string[], value: JsonValue | undefined, types: readonly FieldType[]): void {
  if (value === undefined || types.some((type) => hasType(value, type))) return;
  throw invalid(`\`${path.join('.')}\` field must have ${types.join(' or ')} type`);
}

/** Each member of an object-valued section (`shows`, `lists`...) must be a function source or an object. */
function checkSection(body: JsonObject, name: string): void {
  const section = body[name];
  checkField([name], section, ['object']);
  if (!isJsonObject(section)) return;
  for (const [key, value] of Object.entries(section)) checkField([name, key], value, ['object', 'string']);
}

/**
 * couch_mrview:validate_ddoc_fields, in its order: the type of every design-document field CouchDB knows. A view's
 * `map` is an object in Mango (`language: "query"`) design documents and a string elsewhere.
 */
function checkFields(body: JsonObject): void {
  checkSection(body, 'filters');
  checkField(['language'], body['language'], ['string']);
  checkSection(body, 'lists');
  const options = body['options'];
  checkField(['options'], options, ['object']);
  if (isJsonObject(options)) {
    for (const flag of ['include_design', 'local_seq', 'partitioned']) checkField(['options', flag], options[flag], ['boolean']);
  }
  checkField(['rewrites'], body['rewrites'], ['string', 'array']);
  checkSection(body, 'shows');
  checkSection(body, 'updates');
  checkField(['validate_doc_update'], body['validate_doc_update'], ['string']);
  const views = body['views'];
  checkField(['views'], views, ['object']);
  if (!isJsonObject(views)) return;
  checkField(['views', 'lib'], views['lib'], ['object']);
  const mapType: FieldType = body['language'] === 'query' ? 'object' : 'string';
  for (const [name, view] of Object.entries(views)) {
    checkField(['views', name], view, ['object']);
    if (!isJsonObject(view)) continue;
    checkField(['views', name, 'map'], view['map'], [mapType]);
    checkField(['views', name, 'reduce'], view['reduce'], ['string']);
  }
  for (const [name, view] of Object.entries(views)) {
    if (name !== 'lib' && isJsonObject(view) && view['map'] === undefined) throw invalid(`View \`${name}\` must contain map function`);
  }
}

/**
 * CouchDB's write-time checks of a design document body (couch_mrview's `validate`): the field types, then the
 * partitioned option, then each JavaScript view's map and reduce must compile (`compilation_error`) and a reduce
 * starting with `_` must name a built-in. Other languages are accepted as written (CouchDB only fails them at query
 * time); shows, lists, filters... are compiled when first called.
 */
export function validateDesignDoc(id: string, body: JsonObject, partitionedDb = false): void {
  checkFields(body);
  const options = body['options'];
  if (!partitionedDb && isJsonObject(options) && options['partitioned'] === true) {
    throw invalid('partitioned option cannot be true in a non-partitioned database.');
  }
  const views = body['views'];
  const language = body['language'] ?? 'javascript';
  // Mango's `language: "query"` design documents hold index definitions (`map.fields`), checked by `_index`.
  if (!isJsonObject(views) || language === 'query') return;
  let sandbox: DesignSandbox | undefined;
  for (const [name, view] of Object.entries(views)) {
    if (name === 'lib' || !isJsonObject(view)) continue;
    const map = view['map'] as string;
    const reduce = view['reduce'] as string | undefined;
    if (language !== 'javascript') continue;
    sandbox ??= new DesignSandbox(id);
    compileOrThrow(sandbox, map, `map function in the '${name}' view`);
    if (reduce === undefined || builtinReducerOf(reduce) !== undefined) continue;
    if (reduce.startsWith('_')) throw invalid(`\`${reduce}\` is not a supported reduce function.`);
    compileOrThrow(sandbox, reduce, `reduce function in the '${name}' view`);
  }
}

function compileOrThrow(sandbox: DesignSandbox, source: string, what: string): void {
  try {
    sandbox.compile(source);
  } catch (error) {
    if (!(error instanceof CompileError)) throw error;
    throw new BadRequestError(`Compilation of the ${what} failed: ${error.message}`, { error: 'compilation_error' });
  }
}

/** Error names of design-document validation, which `errorFromCouch` does not know: both are 400s. */
const DESIGN_ERRORS: ReadonlySet<string> = new Set(['invalid_design_doc', 'compilation_error']);

/** The HTTP status of a per-document write error name that is not one of CouchDB's usual ones, if known here. */
export function designWriteErrorStatus(error: string): number | undefined {
  return DESIGN_ERRORS.has(error) ? 400 : undefined;
}
