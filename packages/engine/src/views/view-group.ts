import { createHash } from 'node:crypto';
import { isJsonObject, type JsonObject } from '@settee/core';

/** One view of a design document. */
export interface ViewDefinition {
  readonly name: string;
  readonly map: string;
  /** The reduce source (`_sum`, ... or a JS function), or undefined for a map-only view. */
  readonly reduce: string | undefined;
  /** Key order: CouchDB's ICU collation, or `raw` (Erlang term order) with `options.collation: "raw"`. */
  readonly collation: 'icu' | 'raw';
}

/**
 * The views of one design document, indexed together as CouchDB does: one index per design document whose
 * signature hashes everything that shapes the rows (language, map and reduce sources, `views.lib`), so editing
 * anything else in the design document keeps the index.
 */
export interface ViewGroup {
  readonly ddocId: string;
  readonly signature: string;
  readonly language: string;
  /** Views in name order; their position is their slot in stored rows. */
  readonly views: readonly ViewDefinition[];
}

/** The view group of a design document body (`views` member), or undefined when it has no views. */
export function viewGroupOf(ddocId: string, doc: JsonObject): ViewGroup | undefined {
  const views = doc['views'];
  if (!isJsonObject(views)) return undefined;
  const definitions: ViewDefinition[] = [];
  for (const name of Object.keys(views).sort()) {
    const view = views[name];
    if (name === 'lib' || !isJsonObject(view) || typeof view['map'] !== 'string') continue;
    const reduce = view['reduce'];
    const options = view['options'];
    const collation = isJsonObject(options) && options['collation'] === 'raw' ? 'raw' : 'icu';
    definitions.push({ name, map: view['map'], reduce: typeof reduce === 'string' ? reduce : undefined, collation });
  }
  if (definitions.length === 0) return undefined;
  const language = typeof doc['language'] === 'string' ? doc['language'] : 'javascript';
  const lib = views['lib'] ?? null;
  const signature = createHash('md5')
    .update(JSON.stringify([language, definitions.map((v) => [v.name, v.map, v.reduce ?? null, v.collation]), lib]))
    .digest('hex');
  return { ddocId, signature, language, views: definitions };
}
