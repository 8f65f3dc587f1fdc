import { BadRequestError, isJsonObject, type JsonObject, type JsonValue } from '@settee/core';
import { formatErlangTerm } from '@settee/core';
import { BAD_PATH, compilePath, getField, NOT_FOUND } from './get-field.js';
import { parseField } from './parse-field.js';

/**
 * Reads the `fields` member of a `_find` request like CouchDB's mango_fields:new/1: absent or `[]` means whole
 * documents (undefined here), otherwise an array of field names. Throws 400 invalid_fields / invalid_field.
 */
export function parseFields(fields: JsonValue | undefined): string[] | undefined {
  if (fields === undefined) return undefined;
  if (!Array.isArray(fields)) {
    throw new BadRequestError(`Fields must be an array of strings, not: ${formatErlangTerm(fields)}`, { error: 'invalid_fields' });
  }
  for (const field of fields) {
    if (typeof field !== 'string') {
      throw new BadRequestError(`Invalid JSON for field spec: ${formatErlangTerm(field)}`, { error: 'invalid_field' });
    }
  }
  return fields.length === 0 ? undefined : (fields as string[]);
}

/**
 * The projection of `doc` on `fields` (mango_fields:extract/2): each field that exists is copied at its path,
 * missing ones are left out. A nested field becomes nested objects; through an array CouchDB also builds objects,
 * so `"songs.0.title"` gives `{"songs": {"0": {"title": ...}}}`. Fields are added in the order given.
 */
export function projectFields(doc: JsonObject, fields: readonly string[] | undefined): JsonObject {
  if (fields === undefined || fields.length === 0) return doc;
  const projected: JsonObject = {};
  for (const field of fields) {
    const path = parseField(field);
    const value = getField(doc, compilePath(path));
    if (value === NOT_FOUND || value === BAD_PATH) continue;
    setField(projected, path, value);
  }
  return projected;
}

/** mango_doc:set_field/3: creates missing objects on the way, replaces an existing member in place. */
function setField(target: JsonValue, path: readonly string[], value: JsonValue): JsonValue {
  const [name, ...rest] = path;
  if (name === undefined) return value;
  if (Array.isArray(target)) {
    const index = /^[+-]?\d+$/.test(name) ? Number(name) : -1;
    if (index >= 0 && index < target.length) target[index] = setField(target[index]!, rest, value);
    return target;
  }
  if (!isJsonObject(target)) return target;
  target[name] = rest.length === 0 ? value : Object.hasOwn(target, name) ? setField(target[name]!, rest, value) : nested(rest, value);
  return target;
}

function nested(path: readonly string[], value: JsonValue): JsonValue {
  let result = value;
  for (let i = path.length - 1; i >= 0; i--) result = { [path[i]!]: result };
  return result;
}
