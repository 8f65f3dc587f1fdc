/**
 * Passes a value the adapter's types forbid (a number as `_id`, an array as a document, ...), the way untyped
 * callers or JSON from the network can. Only for tests of how backends reject bad input.
 */
export function unsafe<T = never>(value: unknown): T {
  return value as T;
}
