import type { JsonObject, JsonValue } from '@settee/core';

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const COMMA = 44;
const COLON = 58;

/**
 * Reads only the named top-level members of a JSON object text, without building the rest: the other members are
 * skipped over (strings jumped with `indexOf`), and each wanted value is parsed on its own. A full-table scan uses
 * it to test a selector on the few fields it names and parses a whole document only when it matches.
 *
 * Expects compact JSON as `JSON.stringify` writes it (the engine stores bodies that way); answers undefined for
 * anything else, and the caller then parses the whole text.
 */
export function readTopLevelFields(text: string, names: ReadonlySet<string>): JsonObject | undefined {
  try {
    return readMembers(text, names);
  } catch {
    return undefined;
  }
}

function readMembers(text: string, names: ReadonlySet<string>): JsonObject | undefined {
  if (text.charCodeAt(0) !== OPEN_BRACE) return undefined;
  const found: JsonObject = {};
  let pos = 1;
  if (text.charCodeAt(pos) === CLOSE_BRACE) return found;
  for (;;) {
    if (text.charCodeAt(pos) !== QUOTE) return undefined;
    const keyEnd = stringEnd(text, pos);
    if (keyEnd < 0 || text.charCodeAt(keyEnd) !== COLON) return undefined;
    const raw = text.slice(pos + 1, keyEnd - 1);
    const key = raw.includes('\\') ? (JSON.parse(text.slice(pos, keyEnd)) as string) : raw;
    const valueStart = keyEnd + 1;
    const valueEnd = valueEndAt(text, valueStart);
    if (valueEnd < 0) return undefined;
    if (names.has(key)) found[key] = JSON.parse(text.slice(valueStart, valueEnd)) as JsonValue;
    const next = text.charCodeAt(valueEnd);
    if (next === CLOSE_BRACE) return valueEnd === text.length - 1 ? found : undefined;
    if (next !== COMMA) return undefined;
    pos = valueEnd + 1;
  }
}

/** The position just after the string starting at `start` (a quote), or -1. */
function stringEnd(text: string, start: number): number {
  let pos = start + 1;
  for (;;) {
    const quote = text.indexOf('"', pos);
    if (quote < 0) return -1;
    // The quote is escaped when an odd number of backslashes precede it.
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    pos = quote + 1;
  }
}

/** How a number or literal starts. */
const VALUE_START = /^[-0-9tfn]$/;

/** The position just after the JSON value starting at `start`, or -1. */
function valueEndAt(text: string, start: number): number {
  const first = text.charCodeAt(start);
  if (first === QUOTE) return stringEnd(text, start);
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) {
    // A number or a literal (no whitespace in compact JSON) runs to the next delimiter.
    if (!VALUE_START.test(text[start] ?? '')) return -1;
    let pos = start;
    for (;;) {
      const code = text.charCodeAt(pos);
      if (code === COMMA || code === CLOSE_BRACE || code === CLOSE_BRACKET || Number.isNaN(code)) return pos === start ? -1 : pos;
      pos++;
    }
  }
  let depth = 0;
  let pos = start;
  const length = text.length;
  while (pos < length) {
    const code = text.charCodeAt(pos);
    if (code === QUOTE) {
      pos = stringEnd(text, pos);
      if (pos < 0) return -1;
      continue;
    }
    if (code === OPEN_BRACE || code === OPEN_BRACKET) depth++;
    else if ((code === CLOSE_BRACE || code === CLOSE_BRACKET) && --depth === 0) return pos + 1;
    pos++;
  }
  return -1;
}
