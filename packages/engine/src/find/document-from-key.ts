import { isJsonObject, type JsonObject, type JsonValue } from '@settee/core';
import { parseField } from '../mango/parse-field.js';

/**
 * Parsed field names, shared by every database. The names come from clients' index definitions and outlive them,
 * so the cache starts over past a bound rather than growing with every field ever indexed.
 */
const paths = new Map<string, string[]>();
const MAX_PATHS = 1024;

function pathOf(field: string): string[] {
  let path = paths.get(field);
  if (path === undefined) {
    path = parseField(field);
    if (paths.size >= MAX_PATHS) paths.clear();
    paths.set(field, path);
  }
  return path;
}

/** How many parsed field names are cached (for tests). */
export function cachedFieldPathCount(): number {
  return paths.size;
}

/**
 * The document a covering index row stands for (mango_cursor_view's derive_doc_from_index): `_id` and each column
 * set at its path, so `address.city` becomes `{"address": {"city": ...}}`. Enough to match the selector and
 * project `fields`, which a covering index holds by definition.
 */
export function documentFromKey(id: string, columns: readonly string[], key: readonly JsonValue[]): JsonObject {
  const doc: JsonObject = { _id: id };
  for (let i = 0; i < columns.length; i++) {
    const path = pathOf(columns[i]!);
    let target = doc;
    for (let j = 0; j < path.length - 1; j++) {
      const next = target[path[j]!];
      if (isJsonObject(next)) {
        target = next;
      } else {
        const created: JsonObject = {};
        target[path[j]!] = created;
        target = created;
      }
    }
    // Rows stay in memory: the caller gets its own copy of an array or object value.
    const value = key[i]!;
    target[path[path.length - 1]!] = typeof value === 'object' && value !== null ? structuredClone(value) : value;
  }
  return doc;
}
