import type { ValidationIssue } from '../errors/index.js';
import type { JsonObject, JsonValue } from '../json.js';

/**
 * Turns validated fields into the JSON a document stores: `undefined` members are dropped (as JSON.stringify
 * would), and anything JSON cannot hold (a Date, a Map, NaN, a bigint, a function, a class instance) is reported
 * as an issue instead of being silently mangled on the way to the database.
 */
export function toJsonFields(fields: Readonly<Record<string, unknown>>, issues: ValidationIssue[]): JsonObject {
  return toJsonObject(fields, [], issues);
}

function toJsonObject(value: Readonly<Record<string, unknown>>, path: PropertyKey[], issues: ValidationIssue[]): JsonObject {
  const out: JsonObject = {};
  for (const [key, member] of Object.entries(value)) {
    if (member === undefined) continue;
    const json = toJson(member, [...path, key], issues);
    if (json !== undefined) out[key] = json;
  }
  return out;
}

function toJson(value: unknown, path: PropertyKey[], issues: ValidationIssue[]): JsonValue | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (Number.isFinite(value)) return value;
      issues.push(notJson(path, String(value)));
      return undefined;
    case 'object': {
      if (value === null) return null;
      // Sparse slots and undefined elements become null in JSON, as JSON.stringify writes them.
      if (Array.isArray(value)) return Array.from(value, (element: unknown, i) => (element === undefined ? null : (toJson(element, [...path, i], issues) ?? null)));
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        issues.push(notJson(path, `an instance of ${value.constructor.name}`));
        return undefined;
      }
      return toJsonObject(value as Record<string, unknown>, path, issues);
    }
    default:
      issues.push(notJson(path, typeof value));
      return undefined;
  }
}

function notJson(path: PropertyKey[], what: string): ValidationIssue {
  return { path, code: 'not_json', message: `A document can only hold JSON values, not ${what}` };
}
