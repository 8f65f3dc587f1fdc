/** A JSON primitive as CouchDB stores it. */
export type JsonPrimitive = string | number | boolean | null;
/** Any JSON value. Adapter inputs and outputs are plain JSON: no classes, no `undefined`, no functions. */
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** True when `value` is a plain JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
