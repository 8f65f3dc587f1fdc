import { invalidFieldName } from './mango-errors.js';

/**
 * Splits a Mango field name into its path segments: "address.city" -> ["address", "city"]. A dot preceded by a
 * backslash belongs to the name ("dotted\\.key" -> ["dotted.key"]); like CouchDB, every backslash is then dropped
 * from each segment. An empty segment ("a..b", ".a", "a.") is an error.
 */
export function parseField(field: string): string[] {
  const segments = field.includes('\\') ? field.split(UNESCAPED_DOT) : field.split('.');
  return segments.map((segment) => {
    if (segment === '') throw invalidFieldName(field);
    return segment.includes('\\') ? segment.replaceAll('\\', '') : segment;
  });
}

const UNESCAPED_DOT = /(?<!\\)\./;
