import { BadRequestError, isJsonObject, type JsonObject } from '@settee/core';
import { isBuiltinReducer } from '../views/builtin-reducers.js';
import { CompileError, DesignSandbox } from './sandbox.js';

function invalid(reason: string): BadRequestError {
  return new BadRequestError(reason, { error: 'invalid_design_doc' });
}

/**
 * CouchDB's write-time checks of a design document body (couch_mrview's `validate`): `views` is an object, each
 * view has a string `map`, a reduce is a string naming a built-in or a function; JavaScript functions must compile
 * (`compilation_error`). Other languages are accepted as written (CouchDB only fails them at query time).
 */
export function validateDesignDoc(id: string, body: JsonObject, partitionedDb = false): void {
  const options = body['options'];
  if (!partitionedDb && isJsonObject(options) && options['partitioned'] === true) {
    throw invalid('partitioned option cannot be true in a non-partitioned database.');
  }
  const views = body['views'];
  const language = body['language'] ?? 'javascript';
  // Mango's `language: "query"` design documents hold index definitions (`map.fields`), checked by `_index`.
  if (views === undefined || language === 'query') return;
  if (!isJsonObject(views)) throw invalid('`views` field must have object type');
  let sandbox: DesignSandbox | undefined;
  for (const [name, view] of Object.entries(views)) {
    if (name === 'lib') continue;
    if (!isJsonObject(view)) throw invalid(`View \`${name}\` must be an object`);
    const map = view['map'];
    if (map === undefined) throw invalid(`View \`${name}\` must contain map function`);
    if (typeof map !== 'string') throw invalid(`\`views.${name}.map\` field must have string type`);
    const reduce = view['reduce'];
    if (reduce !== undefined && typeof reduce !== 'string') throw invalid(`\`views.${name}.reduce\` field must have string type`);
    if (typeof reduce === 'string' && reduce.trim().startsWith('_') && !isBuiltinReducer(reduce.trim())) {
      throw invalid(`\`${reduce}\` is not a supported reduce function.`);
    }
    if (language !== 'javascript') continue;
    sandbox ??= new DesignSandbox(id);
    compileOrThrow(sandbox, map, `map function in the '${name}' view`);
    if (typeof reduce === 'string' && !reduce.trim().startsWith('_')) compileOrThrow(sandbox, reduce, `reduce function in the '${name}' view`);
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
