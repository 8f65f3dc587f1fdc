import { BadRequestError, NotFoundError, isJsonObject, type ChangesOptions, type Document } from '@settee/core';
import { normalizeSelector } from '@settee/core';
import { compileSelector } from '../mango/index.js';
import { DESIGN_PREFIX } from './doc-ids.js';

/** A changes filter: decides per entry, loading the document only when it needs it. */
export interface ChangesFilter {
  /** `_doc_ids` and `_design` scan differently in CouchDB: their `pending` is what the scan did not return. */
  readonly countsRemainder: boolean;
  readonly needsDoc: boolean;
  accepts(id: string, doc: Document | undefined): boolean;
}

/** Builds the filter named by `options.filter`, or undefined for an unfiltered feed. Throws CouchDB's errors. */
export function buildChangesFilter(options: ChangesOptions, findDesignDoc: (id: string) => Document | undefined): ChangesFilter | undefined {
  const name = options.filter;
  if (name === undefined || name === '') return undefined;
  switch (name) {
    case '_doc_ids': {
      const ids = options.doc_ids;
      if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) {
        throw new BadRequestError('`doc_ids` filter parameter is not a list of doc ids.');
      }
      const wanted = new Set(ids);
      return { countsRemainder: true, needsDoc: false, accepts: (id) => wanted.has(id) };
    }
    case '_design':
      return { countsRemainder: true, needsDoc: false, accepts: (id) => id.startsWith(DESIGN_PREFIX) };
    case '_selector': {
      if (!isJsonObject(options.selector)) throw new BadRequestError('Selector error: expected a JSON object');
      const matches = compileSelector(normalizeSelector(options.selector));
      return { countsRemainder: false, needsDoc: true, accepts: (_id, doc) => doc !== undefined && matches(doc) };
    }
    case '_view':
      throw new BadRequestError('The `_view` changes filter needs views, which the engine does not serve yet.', { error: 'not_implemented' });
    default:
      return designFilter(name, findDesignDoc);
  }
}

/** `ddoc/name` filters: CouchDB checks the design document and the function exist before anything else. */
function designFilter(name: string, findDesignDoc: (id: string) => Document | undefined): never {
  const match = /^([^/]+)\/([^/]+)$/.exec(name);
  if (!match) throw new BadRequestError('`filter` must be of the form `designname/filtername`');
  const ddoc = findDesignDoc(`${DESIGN_PREFIX}${match[1]}`);
  if (!ddoc) throw new NotFoundError('missing');
  const filters = ddoc['filters'];
  if (!isJsonObject(filters) || typeof filters[match[2]!] !== 'string') throw new NotFoundError(`missing json key: ${match[2]}`);
  throw new BadRequestError(`Design document filter functions (${name}) are not served by the engine yet.`, { error: 'not_implemented' });
}
