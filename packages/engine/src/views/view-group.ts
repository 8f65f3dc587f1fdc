import { createHash } from 'node:crypto';
import { isJsonObject, type JsonObject, type JsonValue } from '@settee/core';

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
 * signature hashes everything that shapes the rows (language, map and reduce sources, view and design-document
 * `options`, `views.lib`), so editing anything else in the design document keeps the index.
 */
export interface ViewGroup {
  readonly ddocId: string;
  readonly signature: string;
  readonly language: string;
  /** Views in name order; their position is their slot in stored rows. */
  readonly views: readonly ViewDefinition[];
  /** `options.include_design: true`: map functions also see design documents (CouchDB skips them by default). */
  readonly includeDesign: boolean;
  /** `options.local_seq: true`: map functions see each document's `_local_seq`. */
  readonly localSeq: boolean;
}

/** The view group of a design document body (`views` member), or undefined when it has no views. */
export function viewGroupOf(ddocId: string, doc: JsonObject): ViewGroup | undefined {
  const views = doc['views'];
  if (!isJsonObject(views)) return undefined;
  const definitions: ViewDefinition[] = [];
  const viewOptions: Record<string, JsonObject> = {};
  for (const name of Object.keys(views).sort()) {
    const view = views[name];
    if (name === 'lib' || !isJsonObject(view) || typeof view['map'] !== 'string') continue;
    const reduce = view['reduce'];
    const options = view['options'];
    const collation = isJsonObject(options) && options['collation'] === 'raw' ? 'raw' : 'icu';
    definitions.push({ name, map: view['map'], reduce: typeof reduce === 'string' ? reduce : undefined, collation });
    if (isJsonObject(options) && Object.keys(options).some((key) => key !== 'collation')) viewOptions[name] = options;
  }
  if (definitions.length === 0) return undefined;
  const language = typeof doc['language'] === 'string' ? doc['language'] : 'javascript';
  const designOptions = designOptionsOf(doc);
  const signature = viewGroupSignature(
    language,
    definitions.map((v) => [v.name, v.map, v.reduce ?? null, v.collation]),
    views['lib'] ?? null,
    designOptions,
    viewOptions,
  );
  return {
    ddocId,
    signature,
    language,
    views: definitions,
    // Only a JSON `true` turns them on: CouchDB's updater tests the value as an Erlang boolean.
    includeDesign: designOptions?.['include_design'] === true,
    localSeq: designOptions?.['local_seq'] === true,
  };
}

/** The design document's `options` object (CouchDB's design options), or undefined when absent or not an object. */
export function designOptionsOf(doc: JsonObject): JsonObject | undefined {
  const options = doc['options'];
  return isJsonObject(options) ? options : undefined;
}

/**
 * The hex signature of a view group. As CouchDB hashes the whole design `options` and each view's `options`, any
 * change there rebuilds the index; they join the hash only when present, so the signatures of design documents
 * without options stay what they were.
 */
export function viewGroupSignature(
  language: string,
  views: ReadonlyArray<readonly JsonValue[]>,
  lib: JsonValue,
  designOptions: JsonObject | undefined,
  viewOptions: Readonly<Record<string, JsonObject>> = {},
): string {
  const parts: JsonValue[] = [language, views as JsonValue[], lib];
  const hasViewOptions = Object.keys(viewOptions).length > 0;
  if (designOptions !== undefined || hasViewOptions) parts.push(designOptions ?? null);
  if (hasViewOptions) parts.push(viewOptions as JsonObject);
  return createHash('md5').update(JSON.stringify(parts)).digest('hex');
}
