import {
  ATOM_EXT,
  BINARY_EXT,
  LIST_EXT,
  MAX_STRING_EXT_LENGTH,
  NIL_EXT,
  SMALL_INTEGER_EXT,
  SMALL_TUPLE_EXT,
  STRING_EXT,
  TermWriter,
} from './erlang-term.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
/** Integers of at most this many digits are exact when accumulated digit by digit in a double. */
const EXACT_DIGITS = 15;

/** 1 for the bytes a JSON string holds as they are and that stand for one UTF-16 unit each. */
const PLAIN_ASCII = Uint8Array.from({ length: 256 }, (_, c) => (c >= 0x20 && c < 0x80 && c !== QUOTE && c !== BACKSLASH ? 1 : 0));

const ATOM_TRUE = atomBytes('true');
const ATOM_FALSE = atomBytes('false');
const ATOM_NULL = atomBytes('null');

/**
 * Writes the EJSON term of a JSON *text* without building the value: the same bytes as
 * `ejson(JSON.parse(text))`, about twice as fast, and with no objects left for the garbage collector.
 *
 * The text must be compact JSON, as `JSON.stringify` writes it (no whitespace between tokens). Hashing the stored
 * text rather than the caller's object also means the revision covers exactly what is stored: `toJSON`, dropped
 * `undefined` members and the like are already applied, as they are for a document sent to CouchDB over HTTP.
 */
export class JsonTextTermWriter extends TermWriter {
  /**
   * Text is re-encoded natively into this reused buffer: scanning UTF-8 bytes is much faster than `charCodeAt`, and
   * lone surrogates already come out as U+FFFD, as they must.
   */
  private own: Buffer = Buffer.allocUnsafe(4096);
  /** The bytes being encoded and where they end. */
  private src: Uint8Array = this.own;
  private srcEnd = 0;
  /**
   * UTF-8 bytes read minus the UTF-16 units they stand for, summed over every text read since it was last set:
   * what turns a byte offset into the text into a string index. (Only strings hold non-ASCII characters: a 2-, 3-
   * or 4-byte sequence is 1, 1 or 2 units.) The caller resets it.
   */
  utf16Shrink = 0;

  /** The EJSON term of compact JSON text; throws SyntaxError on anything else. */
  ejsonText(text: string): this {
    // A UTF-16 unit takes at most 3 UTF-8 bytes.
    if (this.own.length < text.length * 3) this.own = Buffer.allocUnsafe(text.length * 3);
    return this.ejsonUtf8(this.own, 0, this.own.write(text, 0, 'utf8'));
  }

  /** {@link ejsonText} for text already encoded as UTF-8: `bytes[start..end)`, which may be shared memory. */
  ejsonUtf8(bytes: Uint8Array, start: number, end: number): this {
    const stop = this.ejsonUtf8Value(bytes, start, end);
    if (stop !== end) throw unexpected(end, stop);
    return this;
  }

  /**
   * The EJSON term of the one JSON value that starts at `bytes[start]` and ends before `end`, with anything after it
   * left unread: returns the index just after the value. Adds to {@link utf16Shrink} as it reads.
   */
  ejsonUtf8Value(bytes: Uint8Array, start: number, end: number): number {
    // No JSON token grows by more than 3x when encoded as a term, so one reservation covers the whole text.
    this.ensure((end - start) * 3 + 16);
    this.src = bytes;
    this.srcEnd = end;
    return this.value(start);
  }

  /** Writes the value starting at byte `i`; returns the index after it. */
  private value(i: number): number {
    const c = this.src[i];
    if (c === QUOTE) return this.string(i + 1);
    if (c === OPEN_OBJECT) return this.object(i + 1);
    if (c === OPEN_ARRAY) return this.array(i + 1);
    if (c === 0x74 /* t */) return this.literal(i, ATOM_TRUE);
    if (c === 0x66 /* f */) return this.literal(i, ATOM_FALSE);
    if (c === 0x6e /* n */) return this.literal(i, ATOM_NULL);
    return this.number(i);
  }

  /** `true`, `false` or `null`: the atom's name is the literal itself, so the bytes are compared as they are copied. */
  private literal(i: number, atom: Uint8Array): number {
    const src = this.src;
    const buf = this.buf;
    const length = atom.length - 3;
    for (let k = 0; k < length; k++) if (src[i + k] !== atom[3 + k]) throw unexpected(this.srcEnd, i + k);
    for (let k = 0; k < atom.length; k++) buf[this.pos + k] = atom[k]!;
    this.pos += atom.length;
    return i + length;
  }

  /** `{[{Key, Value}, ...]}`, or `{[]}` for `{}`; `i` is just after the brace. */
  private object(i: number): number {
    const src = this.src;
    const headerAt = this.pos;
    this.buf[headerAt] = SMALL_TUPLE_EXT;
    this.buf[headerAt + 1] = 1;
    if (src[i] === CLOSE_OBJECT) {
      this.buf[headerAt + 2] = NIL_EXT;
      this.pos = headerAt + 3;
      return i + 1;
    }
    this.buf[headerAt + 2] = LIST_EXT;
    this.pos = headerAt + 7;
    let count = 0;
    for (;;) {
      if (src[i] !== QUOTE) throw unexpected(this.srcEnd, i);
      this.buf[this.pos] = SMALL_TUPLE_EXT;
      this.buf[this.pos + 1] = 2;
      this.pos += 2;
      i = this.string(i + 1);
      if (src[i] !== COLON) throw unexpected(this.srcEnd, i);
      i = this.value(i + 1);
      count++;
      const next = src[i++];
      if (next === COMMA) continue;
      if (next === CLOSE_OBJECT) break;
      throw unexpected(this.srcEnd, i - 1);
    }
    this.uint32At(headerAt + 3, count);
    this.buf[this.pos++] = NIL_EXT;
    return i;
  }

  /**
   * A list, or `[]` as NIL_EXT. A non-empty list of integers 0..255 becomes STRING_EXT as term_to_binary writes it:
   * the items are written as SMALL_INTEGER_EXT first and compacted in place once the list is known to qualify.
   */
  private array(i: number): number {
    const src = this.src;
    if (src[i] === CLOSE_ARRAY) {
      this.buf[this.pos++] = NIL_EXT;
      return i + 1;
    }
    const headerAt = this.pos;
    this.pos += 5;
    let count = 0;
    let bytesOnly = true;
    for (;;) {
      const itemAt = this.pos;
      i = this.value(i);
      count++;
      // Only a small integer encodes to exactly two bytes starting with its tag.
      if (bytesOnly && (this.pos !== itemAt + 2 || this.buf[itemAt] !== SMALL_INTEGER_EXT)) bytesOnly = false;
      const next = src[i++];
      if (next === COMMA) continue;
      if (next === CLOSE_ARRAY) break;
      throw unexpected(this.srcEnd, i - 1);
    }
    const buf = this.buf;
    if (bytesOnly && count <= MAX_STRING_EXT_LENGTH) {
      buf[headerAt] = STRING_EXT;
      buf[headerAt + 1] = count >>> 8;
      buf[headerAt + 2] = count & 0xff;
      // Reading runs ahead of writing (2 bytes per item in, 1 out), so the copy never overwrites unread bytes.
      for (let k = 0; k < count; k++) buf[headerAt + 3 + k] = buf[headerAt + 6 + 2 * k]!;
      this.pos = headerAt + 3 + count;
    } else {
      buf[headerAt] = LIST_EXT;
      this.uint32At(headerAt + 1, count);
      buf[this.pos++] = NIL_EXT;
    }
    return i;
  }

  /**
   * The binary of a string's UTF-8 bytes; `i` is just after the opening quote. Bytes are copied as they are (the
   * text is already UTF-8); escapes are decoded, and an escaped lone surrogate becomes U+FFFD like a raw one.
   */
  private string(i: number): number {
    const src = this.src;
    const buf = this.buf;
    const end = this.srcEnd;
    const headerAt = this.pos;
    let pos = headerAt + 5;
    for (;;) {
      // Printable ASCII other than `"` and `\`, most of most strings, is copied by this one tight loop.
      let c = 0;
      while (i < end && PLAIN_ASCII[(c = src[i]!)] === 1) {
        buf[pos++] = c;
        i++;
      }
      if (i >= end) throw unexpected(end, i);
      i++;
      if (c === QUOTE) break;
      if (c !== BACKSLASH) {
        if (c < 0x20) throw unexpected(end, i - 1);
        // A continuation byte adds no UTF-16 unit; a 4-byte lead adds two.
        if (c >= 0x80) this.utf16Shrink += (c & 0xc0) === 0x80 ? 1 : c >= 0xf0 ? -1 : 0;
        buf[pos++] = c;
        continue;
      }
      const escape = src[i++];
      if (escape !== 0x75 /* u */) {
        buf[pos++] = simpleEscape(escape, end, i - 1);
        continue;
      }
      let code = hex4(src, i, end);
      i += 4;
      if (code >= 0xd800 && code <= 0xdfff) {
        // A pair written as two escapes joins; any other surrogate is lone.
        const joins = code <= 0xdbff && src[i] === BACKSLASH && src[i + 1] === 0x75;
        const low = joins ? hex4(src, i + 2, end) : 0;
        if (low >= 0xdc00 && low <= 0xdfff) {
          code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
          i += 6;
        } else {
          code = 0xfffd;
        }
      }
      pos = writeCodePoint(buf, pos, code);
    }
    buf[headerAt] = BINARY_EXT;
    this.uint32At(headerAt + 1, pos - headerAt - 5);
    this.pos = pos;
    return i;
  }

  /** A number token: an integer when its value is a safe integer, else a float, as {@link TermWriter.ejson} does. */
  private number(i: number): number {
    const src = this.src;
    const start = i;
    let c = src[i];
    const negative = c === 0x2d;
    if (negative) c = src[++i];
    let integer = 0;
    let digits = 0;
    while (c !== undefined && c >= 0x30 && c <= 0x39 && i < this.srcEnd) {
      integer = integer * 10 + (c - 0x30);
      digits++;
      c = src[++i];
    }
    if (digits === 0) throw unexpected(this.srcEnd, start);
    let plain = digits <= EXACT_DIGITS;
    while (i < this.srcEnd && (c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d || (c! >= 0x30 && c! <= 0x39))) {
      plain = false;
      c = src[++i];
    }
    const value = plain ? (negative ? -integer : integer) : Number(latin1(src, start, i));
    if (Number.isNaN(value)) throw unexpected(this.srcEnd, start);
    if (Number.isSafeInteger(value)) this.smallOrBig(value);
    else this.float(value);
    return i;
  }
}

/** A number token's characters (ASCII) as a string. */
function latin1(bytes: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...bytes.subarray(start, end));
}

function atomBytes(name: string): Uint8Array {
  return Uint8Array.from([ATOM_EXT, 0, name.length, ...Array.from(name, (ch) => ch.charCodeAt(0))]);
}

/** UTF-8 of one code point (never a surrogate) at `pos`; returns the end. */
function writeCodePoint(buf: Buffer, pos: number, code: number): number {
  if (code < 0x80) {
    buf[pos++] = code;
  } else if (code < 0x800) {
    buf[pos++] = 0xc0 | (code >> 6);
    buf[pos++] = 0x80 | (code & 0x3f);
  } else if (code < 0x10000) {
    buf[pos++] = 0xe0 | (code >> 12);
    buf[pos++] = 0x80 | ((code >> 6) & 0x3f);
    buf[pos++] = 0x80 | (code & 0x3f);
  } else {
    buf[pos++] = 0xf0 | (code >> 18);
    buf[pos++] = 0x80 | ((code >> 12) & 0x3f);
    buf[pos++] = 0x80 | ((code >> 6) & 0x3f);
    buf[pos++] = 0x80 | (code & 0x3f);
  }
  return pos;
}

function simpleEscape(c: number | undefined, end: number, at: number): number {
  switch (c) {
    case QUOTE:
    case BACKSLASH:
    case 0x2f /* / */:
      return c;
    case 0x62 /* b */:
      return 0x08;
    case 0x66 /* f */:
      return 0x0c;
    case 0x6e /* n */:
      return 0x0a;
    case 0x72 /* r */:
      return 0x0d;
    case 0x74 /* t */:
      return 0x09;
    default:
      throw unexpected(end, at);
  }
}

function hex4(src: Uint8Array, i: number, end: number): number {
  let value = 0;
  for (let k = 0; k < 4; k++) {
    const c = i + k < end ? src[i + k]! : -1;
    const digit = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
    if (digit < 0) throw unexpected(end, i + k);
    value = value * 16 + digit;
  }
  return value;
}

/** Positions are byte offsets into the text's UTF-8. */
function unexpected(end: number, at: number): SyntaxError {
  return new SyntaxError(at >= end ? 'Unexpected end of JSON text' : `Unexpected byte in JSON text at offset ${at}`);
}
