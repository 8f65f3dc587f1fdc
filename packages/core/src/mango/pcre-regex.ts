/**
 * Runs Mango `$regex` patterns with JavaScript's RegExp while keeping the meaning they have in CouchDB, which
 * compiles them with Erlang's `re` (PCRE) *without* the `unicode` option: pattern and subject are matched as
 * UTF-8 bytes. So here both are turned into "byte strings" (one char per UTF-8 byte, via latin1) before matching:
 * "." eats one byte, "^.{3}$" does not match "Zoë" (4 bytes), and `[é]` means the two bytes of "é".
 *
 * PCRE syntax that JavaScript lacks or reads differently is translated:
 * - leading option settings `(?i)`, `(?m)`, `(?s)`, `(?x)` (any combination) become flags, `(?#...)` comments go;
 * - `$` (end, or before a final newline), `\A`, `\z`, `\Z`, and `^`/`$` under `(?m)` get PCRE's LF-only meaning;
 * - `.` excludes only "\n" (JavaScript also excludes "\r"); `\s` is ASCII whitespace (JS adds 0xA0, a UTF-8
 *   continuation byte); `\h`, `\e`, `\a`, `\x{hh}`, `\Q...\E`, POSIX classes like `[[:alpha:]]`,
 *   `(?P<name>...)` and `(?P=name)` are rewritten.
 *
 * Known differences that remain (a pattern CouchDB accepts may be rejected here with bad_arg, or rarely match
 * differently): option settings after the start (`a(?i)b`), atomic groups `(?>...)`, possessive quantifiers,
 * recursion, conditionals, `\G`, `\K`; under `(?i)` JavaScript also folds Latin-1 letters, where PCRE's default
 * tables fold only ASCII (it could make a UTF-8 lead byte 0xC3 match 0xE3).
 */
export interface MangoRegex {
  /** True when the pattern matches anywhere in `value` (an unanchored search, like `re:run`). */
  test(value: string): boolean;
}

/** Compiles a Mango `$regex` pattern, or returns undefined when it cannot be compiled (CouchDB: bad_arg). */
export function compileMangoRegex(pattern: string): MangoRegex | undefined {
  const translated = translatePcre(toByteString(pattern));
  if (translated === undefined) return undefined;
  let regex: RegExp;
  try {
    regex = new RegExp(translated.source, translated.caseless ? 'i' : '');
  } catch {
    return undefined;
  }
  return { test: (value) => regex.test(toByteString(value)) };
}

const NON_ASCII = /[^\x00-\x7f]/;
const encoder = new TextEncoder();

/** The UTF-8 bytes of `s`, one char per byte; ASCII strings are already that. */
function toByteString(s: string): string {
  if (!NON_ASCII.test(s)) return s;
  let bytes = '';
  for (const byte of encoder.encode(s)) bytes += String.fromCharCode(byte);
  return bytes;
}

interface Translation {
  source: string;
  caseless: boolean;
}

interface Options {
  caseless: boolean;
  multiline: boolean;
  dotAll: boolean;
  extended: boolean;
}

const LEADING_OPTIONS = /^\(\?([imsx]+)\)/;
const END_OF_SUBJECT = '(?![\\s\\S])';
const START_OF_SUBJECT = '(?<![\\s\\S])';
const PCRE_SPACE = '\\t\\n\\v\\f\\r ';
const POSIX_CLASSES: Record<string, string> = {
  alpha: 'A-Za-z',
  digit: '0-9',
  alnum: 'A-Za-z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  space: PCRE_SPACE,
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  xdigit: '0-9A-Fa-f',
  word: '\\w',
  cntrl: '\\x00-\\x1f\\x7f',
  print: ' -~',
  graph: '!-~',
};

function translatePcre(pattern: string): Translation | undefined {
  const options: Options = { caseless: false, multiline: false, dotAll: false, extended: false };
  let rest = pattern;
  for (let m = LEADING_OPTIONS.exec(rest); m; m = LEADING_OPTIONS.exec(rest)) {
    for (const flag of m[1]!) {
      if (flag === 'i') options.caseless = true;
      else if (flag === 'm') options.multiline = true;
      else if (flag === 's') options.dotAll = true;
      else options.extended = true;
    }
    rest = rest.slice(m[0].length);
  }
  let out = '';
  let i = 0;
  while (i < rest.length) {
    const ch = rest[i]!;
    if (ch === '\\') {
      const escape = translateEscape(rest, i, false);
      if (escape === undefined) return undefined;
      out += escape.text;
      i = escape.end;
    } else if (ch === '[') {
      const charClass = translateClass(rest, i);
      if (charClass === undefined) return undefined;
      out += charClass.text;
      i = charClass.end;
    } else if (ch === '(' && rest.startsWith('(?#', i)) {
      const close = rest.indexOf(')', i);
      if (close < 0) return undefined;
      i = close + 1;
    } else if (ch === '(' && rest.startsWith('(?P<', i)) {
      out += '(?<';
      i += 4;
    } else if (ch === '(' && rest.startsWith('(?P=', i)) {
      const close = rest.indexOf(')', i);
      if (close < 0) return undefined;
      out += `\\k<${rest.slice(i + 4, close)}>`;
      i = close + 1;
    } else if (ch === '.') {
      out += options.dotAll ? '[\\s\\S]' : '[^\\n]';
      i++;
    } else if (ch === '$') {
      out += options.multiline ? `(?=\\n|${END_OF_SUBJECT})` : `(?=\\n?${END_OF_SUBJECT})`;
      i++;
    } else if (ch === '^' && options.multiline) {
      out += `(?:${START_OF_SUBJECT}|(?<=\\n))`;
      i++;
    } else if (options.extended && (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\f' || ch === '\v')) {
      i++;
    } else if (options.extended && ch === '#') {
      const newline = rest.indexOf('\n', i);
      i = newline < 0 ? rest.length : newline + 1;
    } else {
      out += ch;
      i++;
    }
  }
  return { source: out, caseless: options.caseless };
}

interface Piece {
  text: string;
  end: number;
}

/** Translates the escape starting at `pattern[start]` (a backslash). */
function translateEscape(pattern: string, start: number, inClass: boolean): Piece | undefined {
  const next = pattern[start + 1];
  if (next === undefined) return undefined;
  const end = start + 2;
  switch (next) {
    case 'A':
      return inClass ? undefined : { text: START_OF_SUBJECT, end };
    case 'z':
      return inClass ? undefined : { text: END_OF_SUBJECT, end };
    case 'Z':
      return inClass ? undefined : { text: `(?=\\n?${END_OF_SUBJECT})`, end };
    case 's':
      return { text: inClass ? PCRE_SPACE : `[${PCRE_SPACE}]`, end };
    case 'S':
      return { text: inClass ? '\\S' : `[^${PCRE_SPACE}]`, end };
    case 'h':
      return { text: inClass ? ' \\t\\xa0' : '[ \\t\\xa0]', end };
    case 'e':
      return { text: '\\x1b', end };
    case 'a':
      return { text: '\\x07', end };
    case 'x': {
      if (pattern[end] !== '{') return { text: '\\x', end };
      const close = pattern.indexOf('}', end);
      const code = close < 0 ? NaN : parseInt(pattern.slice(end + 1, close), 16);
      // Without the unicode option PCRE only allows byte values here.
      if (!(code >= 0 && code <= 0xff)) return undefined;
      return { text: `\\x${code.toString(16).padStart(2, '0')}`, end: close + 1 };
    }
    case 'Q': {
      const close = pattern.indexOf('\\E', end);
      const literal = pattern.slice(end, close < 0 ? pattern.length : close);
      return { text: literal.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&'), end: close < 0 ? pattern.length : close + 2 };
    }
    case 'E':
      return { text: '', end };
    default:
      return { text: `\\${next}`, end };
  }
}

/** Translates the character class starting at `pattern[start]` ("["), up to its closing "]". */
function translateClass(pattern: string, start: number): Piece | undefined {
  let i = start + 1;
  let out = '[';
  if (pattern[i] === '^') {
    out += '^';
    i++;
  }
  // A "]" right after "[" or "[^" is a literal in PCRE.
  if (pattern[i] === ']') {
    out += '\\]';
    i++;
  }
  while (i < pattern.length) {
    const ch = pattern[i]!;
    if (ch === ']') return { text: `${out}]`, end: i + 1 };
    if (ch === '\\') {
      const escape = translateEscape(pattern, i, true);
      if (escape === undefined) return undefined;
      out += escape.text;
      i = escape.end;
    } else if (ch === '[' && pattern[i + 1] === ':') {
      const close = pattern.indexOf(':]', i + 2);
      const name = close < 0 ? undefined : pattern.slice(i + 2, close);
      const members = name === undefined ? undefined : POSIX_CLASSES[name];
      if (members === undefined) return undefined;
      out += members;
      i = close + 2;
    } else {
      out += ch === '[' ? '\\[' : ch;
      i++;
    }
  }
  return undefined;
}
