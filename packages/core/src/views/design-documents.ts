import type { DatabaseAdapter } from '../adapter/database-adapter.js';
import { NotFoundError } from '../errors/not-found-error.js';
import type { JsonObject, JsonValue } from '../json.js';
import { functionSource } from './function-source.js';
import type { ViewSpec } from './define-view.js';

/** A design document's functions as code: views from `defineView`, and the other kinds as functions or source. */
export interface DesignFunctions {
  readonly views?: ReadonlyArray<ViewSpec<unknown, JsonValue, JsonValue, unknown>>;
  readonly validate_doc_update?: ((newDoc: never, oldDoc: never, userCtx: never, secObj: never) => void) | string;
  readonly shows?: Readonly<Record<string, ((doc: never, req: never) => unknown) | string>>;
  readonly lists?: Readonly<Record<string, ((head: never, req: never) => unknown) | string>>;
  readonly updates?: Readonly<Record<string, ((doc: never, req: never) => unknown) | string>>;
  readonly filters?: Readonly<Record<string, ((doc: never, req: never) => unknown) | string>>;
}

type AnyFunction = (...args: never[]) => unknown;

const sourceOf = (fn: AnyFunction | string): string => (typeof fn === 'string' ? fn : functionSource(fn));

function sources(functions: Readonly<Record<string, AnyFunction | string>> | undefined): Record<string, string> | undefined {
  if (functions === undefined) return undefined;
  return Object.fromEntries(Object.entries(functions).map(([name, fn]) => [name, sourceOf(fn)]));
}

/** The body of design document `ddoc` (`language: "javascript"`) built from code; views of other ddocs are left out. */
export function designDocument(ddoc: string, functions: DesignFunctions): JsonObject & { _id: string } {
  const name = ddoc.startsWith('_design/') ? ddoc.slice('_design/'.length) : ddoc;
  const doc: JsonObject & { _id: string } = { _id: `_design/${name}`, language: 'javascript' };
  const views = (functions.views ?? []).filter((view) => view.ddoc === name);
  if (views.length > 0) {
    const entries = views.map((view): [string, JsonObject] => [view.name, view.reduce === undefined ? { map: view.map } : { map: view.map, reduce: view.reduce }]);
    doc['views'] = Object.fromEntries(entries);
  }
  if (functions.validate_doc_update !== undefined) doc['validate_doc_update'] = sourceOf(functions.validate_doc_update);
  for (const kind of ['shows', 'lists', 'updates', 'filters'] as const) {
    const built = sources(functions[kind]);
    if (built !== undefined) doc[kind] = built;
  }
  return doc;
}

/** The design documents the given views live in, one per `ddoc` name (views only). */
export function designDocumentsOfViews(views: ReadonlyArray<ViewSpec<unknown, JsonValue, JsonValue, unknown>>): Array<JsonObject & { _id: string }> {
  const names = [...new Set(views.map((view) => view.ddoc))];
  return names.map((name) => designDocument(name, { views }));
}

/** What deployment did to one design document. */
export interface DeployResult {
  readonly id: string;
  readonly status: 'created' | 'updated' | 'unchanged';
  readonly rev: string;
}

/**
 * Deploys design documents idempotently: each is compared with the stored one (ignoring `_rev`) and written only
 * when it differs, so deploying the same code again changes nothing and never rebuilds an index.
 */
export async function deployDesignDocuments(db: DatabaseAdapter, docs: ReadonlyArray<JsonObject & { _id: string }>): Promise<DeployResult[]> {
  const results: DeployResult[] = [];
  for (const doc of docs) {
    let current: (JsonObject & { _rev: string }) | undefined;
    try {
      current = (await db.get(doc._id)) as unknown as JsonObject & { _rev: string };
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
    if (current && sameJson(withoutRev(current), withoutRev(doc))) {
      results.push({ id: doc._id, status: 'unchanged', rev: current._rev });
      continue;
    }
    const written = await db.put(current ? { ...doc, _rev: current._rev } : doc);
    results.push({ id: doc._id, status: current ? 'updated' : 'created', rev: written.rev });
  }
  return results;
}

function withoutRev(doc: JsonObject): JsonObject {
  const { _rev: _ignored, ...rest } = doc;
  return rest;
}

/** Deep equality of JSON values, member order ignored. */
function sameJson(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => sameJson(item, b[i]));
  }
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => key in b && sameJson(a[key], b[key]));
}
