import type { JsonValue } from '@settee/core';

const encoder = new TextEncoder();

/**
 * Formats a JSON term like Erlang's `io_lib:format("~p", [Term])`, which CouchDB uses in its sort errors
 * ("Invalid sort field: {[{<<\"_id\">>,<<\"up\">>}]}"). Unlike `~w`, printable binaries show as strings: a binary
 * whose UTF-8 bytes are all printable Latin-1 prints as `<<"...">>` (so "é" prints as its two bytes' Latin-1
 * characters, "Ã©", as Erlang does by default). Erlang breaks terms longer than 80 columns over several lines;
 * this prints one line.
 */
export function formatErlangPretty(value: JsonValue): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return String(value);
    case 'string':
      return prettyBinary(value);
    default:
      if (Array.isArray(value)) return `[${value.map(formatErlangPretty).join(',')}]`;
      return `{[${Object.entries(value)
        .map(([key, member]) => `{${prettyBinary(key)},${formatErlangPretty(member)}}`)
        .join(',')}]}`;
  }
}

const ESCAPES: Record<number, string> = { 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r', 27: '\\e', 34: '\\"', 92: '\\\\' };

function prettyBinary(s: string): string {
  const bytes = encoder.encode(s);
  if (bytes.length === 0) return '<<>>';
  const printable = bytes.every((b) => (b >= 32 && b <= 126) || b >= 160 || ESCAPES[b] !== undefined);
  if (!printable) return `<<${bytes.join(',')}>>`;
  let text = '';
  for (const b of bytes) text += ESCAPES[b] ?? String.fromCharCode(b);
  return `<<"${text}">>`;
}
