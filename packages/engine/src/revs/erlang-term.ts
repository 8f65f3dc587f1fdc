/**
 * Erlang's external term format (the bytes of `term_to_binary(Term, [{minor_version, 1}])`), for the terms CouchDB
 * hashes into revision ids. Spec: https://www.erlang.org/doc/apps/erts/erl_ext_dist.html
 *
 * Two ways in: {@link TermWriter} streams a term into one growing buffer (the fast path used on every write), and
 * {@link termToBinary} encodes a small term model (atoms, tuples, lists, binaries, numbers) in one call.
 */

const VERSION_MAGIC = 131;
export const NEW_FLOAT_EXT = 70;
export const SMALL_INTEGER_EXT = 97;
const INTEGER_EXT = 98;
/** `minor_version` 1 keeps latin-1 atoms as ATOM_EXT (UTF-8 atom tags only arrive with minor_version 2). */
export const ATOM_EXT = 100;
export const SMALL_TUPLE_EXT = 104;
const LARGE_TUPLE_EXT = 105;
export const NIL_EXT = 106;
export const STRING_EXT = 107;
export const LIST_EXT = 108;
export const BINARY_EXT = 109;
const SMALL_BIG_EXT = 110;
const LARGE_BIG_EXT = 111;

/** term_to_binary writes a proper list of bytes (0..255) this short as STRING_EXT instead of LIST_EXT. */
export const MAX_STRING_EXT_LENGTH = 0xffff;
/** Strings up to this many UTF-16 units are UTF-8 encoded in JavaScript, longer ones by Buffer#write. */
const SHORT_STRING = 48;
const INT32_MIN = -0x8000_0000;
const INT32_MAX = 0x7fff_ffff;

/** An Erlang atom, e.g. `atom('true')`. */
export class ErlangAtom {
  constructor(readonly name: string) {}
}

/** An Erlang tuple, e.g. `tuple(binary, 1)`. */
export class ErlangTuple {
  constructor(readonly items: readonly ErlangTerm[]) {}
}

/**
 * A value that must be encoded as an Erlang float even when it is integral (`3.0`, `1e3`): JavaScript numbers
 * cannot say so themselves. Also understood inside JSON values given to {@link TermWriter.ejson}.
 */
export class ErlangFloat {
  constructor(readonly value: number) {}
}

/**
 * The small term model of {@link termToBinary}: an integer `number` or a `bigint` is an Erlang integer, a `string`
 * is the binary of its UTF-8 bytes (`<<"..."/utf8>>`, the way CouchDB holds strings), a `Uint8Array` is a binary,
 * an array is a proper list.
 */
export type ErlangTerm =
  | ErlangAtom
  | ErlangTuple
  | ErlangFloat
  | number
  | bigint
  | string
  | Uint8Array
  | readonly ErlangTerm[];

export const atom = (name: string): ErlangAtom => new ErlangAtom(name);
export const tuple = (...items: ErlangTerm[]): ErlangTuple => new ErlangTuple(items);
export const float = (value: number): ErlangFloat => new ErlangFloat(value);

/** Scratch for NEW_FLOAT_EXT: the double's bytes, read back big-endian. */
const floatScratch = new DataView(new ArrayBuffer(8));

/**
 * Streams terms into one growing buffer. Reusable: {@link reset} keeps the buffer, so a long-lived writer
 * allocates only when a term is bigger than any before it. Hot paths write bytes by hand rather than through
 * Buffer's checked write methods: this runs on every document write.
 */
export class TermWriter {
  protected buf: Buffer;
  protected pos = 0;

  constructor(initialCapacity = 1024) {
    this.buf = Buffer.allocUnsafe(Math.max(16, initialCapacity));
  }

  /** Starts a new term: forgets what was written and writes the version byte. */
  reset(): this {
    this.buf[0] = VERSION_MAGIC;
    this.pos = 1;
    return this;
  }

  /** The bytes written so far; a view into the writer's buffer, valid until the next write or reset. */
  view(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /** A copy of the bytes written so far. */
  toBytes(): Uint8Array {
    return Uint8Array.prototype.slice.call(this.buf, 0, this.pos);
  }

  atom(name: string): this {
    const length = name.length;
    if (length > 255 || !isLatin1(name)) {
      throw new RangeError(`Not a latin-1 atom of at most 255 characters: ${name}`);
    }
    this.ensure(3 + length);
    const buf = this.buf;
    let pos = this.pos;
    buf[pos++] = ATOM_EXT;
    buf[pos++] = 0;
    buf[pos++] = length;
    for (let i = 0; i < length; i++) buf[pos++] = name.charCodeAt(i);
    this.pos = pos;
    return this;
  }

  boolean(value: boolean): this {
    return this.atom(value ? 'true' : 'false');
  }

  /** A tuple header: the caller then writes `arity` terms. */
  tupleHeader(arity: number): this {
    this.ensure(5);
    if (arity <= 255) {
      this.buf[this.pos] = SMALL_TUPLE_EXT;
      this.buf[this.pos + 1] = arity;
      this.pos += 2;
    } else {
      this.buf[this.pos] = LARGE_TUPLE_EXT;
      this.uint32At(this.pos + 1, arity);
      this.pos += 5;
    }
    return this;
  }

  /**
   * A proper-list header: the caller then writes `length` terms and {@link nil} (the tail). An empty list is just
   * {@link nil}, never a header with length 0.
   */
  listHeader(length: number): this {
    this.ensure(5);
    this.buf[this.pos] = LIST_EXT;
    this.uint32At(this.pos + 1, length);
    this.pos += 5;
    return this;
  }

  /** The empty list `[]`, also the tail that ends every proper list. */
  nil(): this {
    this.ensure(1);
    this.buf[this.pos++] = NIL_EXT;
    return this;
  }

  binary(bytes: Uint8Array): this {
    this.ensure(5 + bytes.length);
    this.buf[this.pos] = BINARY_EXT;
    this.uint32At(this.pos + 1, bytes.length);
    this.buf.set(bytes, this.pos + 5);
    this.pos += 5 + bytes.length;
    return this;
  }

  /** The binary of a string's UTF-8 bytes, encoded straight into the buffer (no intermediate copy). */
  utf8Binary(text: string): this {
    // A UTF-16 code unit never takes more than 3 UTF-8 bytes (a surrogate pair: 2 units, 4 bytes).
    this.ensure(5 + text.length * 3);
    const start = this.pos + 5;
    // Short strings (keys, most values) are cheaper to encode here than through a native call.
    const end =
      text.length > SHORT_STRING ? start + this.buf.write(text, start, 'utf8') : writeUtf8(this.buf, text, start);
    this.buf[this.pos] = BINARY_EXT;
    this.uint32At(this.pos + 1, end - start);
    this.pos = end;
    return this;
  }

  /** The binary of the bytes a base64 string decodes to, decoded straight into the buffer. */
  base64Binary(base64: string): this {
    this.ensure(5 + Math.ceil((base64.length * 3) / 4));
    const start = this.pos + 5;
    const written = this.buf.write(base64, start, 'base64');
    this.buf[this.pos] = BINARY_EXT;
    this.uint32At(this.pos + 1, written);
    this.pos = start + written;
    return this;
  }

  /** An integer, as term_to_binary picks: SMALL_INTEGER, INTEGER, then SMALL_BIG/LARGE_BIG. */
  integer(value: number | bigint): this {
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value)) {
        throw new RangeError(`Not a safe integer: ${value}; pass a bigint for larger integers`);
      }
      return this.smallOrBig(value);
    }
    if (value >= -0x20_0000_0000_0000n && value <= 0x20_0000_0000_0000n) return this.smallOrBig(Number(value));
    return this.bigintBig(value);
  }

  /** A float as NEW_FLOAT_EXT: the IEEE 754 double, big-endian. */
  float(value: number): this {
    if (!Number.isFinite(value)) throw new RangeError(`Erlang has no float ${value}`);
    this.ensure(9);
    const buf = this.buf;
    let pos = this.pos;
    buf[pos++] = NEW_FLOAT_EXT;
    floatScratch.setFloat64(0, value);
    for (let i = 0; i < 8; i++) buf[pos++] = floatScratch.getUint8(i);
    this.pos = pos;
    return this;
  }

  /**
   * A proper list of bytes as STRING_EXT (what term_to_binary does for a list of integers 0..255, e.g. the JSON
   * array `[1,2,3]`); the caller checks the elements.
   */
  byteString(bytes: ArrayLike<number>): this {
    this.ensure(3 + bytes.length);
    const buf = this.buf;
    let pos = this.pos;
    buf[pos++] = STRING_EXT;
    buf[pos++] = bytes.length >>> 8;
    buf[pos++] = bytes.length & 0xff;
    for (let i = 0; i < bytes.length; i++) buf[pos++] = bytes[i] ?? 0;
    this.pos = pos;
    return this;
  }

  /**
   * A JSON value as jiffy's EJSON term, the form CouchDB keeps document bodies in: an object is `{[{Key, Value}]}`
   * (a 1-tuple around a list of 2-tuples, keys as binaries, in the object's key order), a string a binary, an array
   * a list, `true`/`false`/`null` atoms.
   *
   * Numbers: CouchDB (jiffy) keeps `3` an integer and `3.0` a float, but a JavaScript number cannot tell them
   * apart. A number that is a safe integer is encoded as an integer, any other as a float; so a document written
   * with `3.0` gets a different revision than on CouchDB unless the caller passes {@link ErlangFloat} for it.
   * A `bigint` is an integer of any size.
   */
  ejson(value: unknown): this {
    switch (typeof value) {
      case 'string':
        return this.utf8Binary(value);
      case 'number':
        return Number.isSafeInteger(value) ? this.smallOrBig(value) : this.float(value);
      case 'boolean':
        return this.atom(value ? 'true' : 'false');
      case 'bigint':
        return this.integer(value);
      case 'object':
        if (value === null) return this.atom('null');
        if (Array.isArray(value)) return this.ejsonArray(value);
        if (value instanceof ErlangFloat) return this.float(value.value);
        return this.ejsonObject(value as Readonly<Record<string, unknown>>);
      default:
        throw new TypeError(`Not a JSON value: ${typeof value}`);
    }
  }

  /**
   * An object as EJSON, leaving out the members `skip` rejects (used for a document's `_`-members).
   * The list length is patched in afterwards so the keys are walked only once.
   */
  ejsonObject(object: Readonly<Record<string, unknown>>, skip?: (key: string) => boolean): this {
    this.ensure(7);
    const headerAt = this.pos;
    // {  [ (length patched below)
    this.buf[headerAt] = SMALL_TUPLE_EXT;
    this.buf[headerAt + 1] = 1;
    this.buf[headerAt + 2] = LIST_EXT;
    this.pos += 7;
    let count = 0;
    // for-in (own keys only: JSON objects inherit no enumerable members) lets V8 read values through its enum
    // cache, markedly faster than Object.keys plus keyed lookups.
    for (const key in object) {
      if (skip !== undefined && skip(key)) continue;
      this.ensure(2);
      this.buf[this.pos] = SMALL_TUPLE_EXT;
      this.buf[this.pos + 1] = 2;
      this.pos += 2;
      this.utf8Binary(key).ejson(object[key]);
      count++;
    }
    if (count === 0) {
      // No members: `{[]}`, so the list is NIL_EXT rather than an empty LIST_EXT.
      this.pos = headerAt + 2;
    } else {
      this.uint32At(headerAt + 3, count);
    }
    return this.nil();
  }

  private ejsonArray(array: readonly unknown[]): this {
    if (array.length === 0) return this.nil();
    if (array.length <= MAX_STRING_EXT_LENGTH && array.every(isByteInteger)) {
      return this.byteString(array.map(Number));
    }
    this.listHeader(array.length);
    for (const item of array) this.ejson(item);
    return this.nil();
  }

  /** A safe integer (so exact as a double) as SMALL_INTEGER, INTEGER or SMALL_BIG. */
  protected smallOrBig(value: number): this {
    this.ensure(11);
    const buf = this.buf;
    if (value >= 0 && value <= 255) {
      buf[this.pos] = SMALL_INTEGER_EXT;
      buf[this.pos + 1] = value;
      this.pos += 2;
    } else if (value >= INT32_MIN && value <= INT32_MAX) {
      buf[this.pos] = INTEGER_EXT;
      this.uint32At(this.pos + 1, value >>> 0);
      this.pos += 5;
    } else {
      // SMALL_BIG_EXT: digit count, sign, then the magnitude's bytes least significant first.
      let pos = this.pos;
      buf[pos++] = SMALL_BIG_EXT;
      const countAt = pos++;
      buf[pos++] = value < 0 ? 1 : 0;
      let magnitude = Math.abs(value);
      while (magnitude > 0) {
        buf[pos++] = magnitude % 256;
        magnitude = Math.floor(magnitude / 256);
      }
      buf[countAt] = pos - countAt - 2;
      this.pos = pos;
    }
    return this;
  }

  /** An integer beyond the safe range: sign byte, then the magnitude's bytes least significant first. */
  private bigintBig(value: bigint): this {
    const digits: number[] = [];
    for (let magnitude = value < 0n ? -value : value; magnitude > 0n; magnitude >>= 8n) {
      digits.push(Number(magnitude & 0xffn));
    }
    this.ensure(6 + digits.length);
    if (digits.length <= 255) {
      this.buf[this.pos++] = SMALL_BIG_EXT;
      this.buf[this.pos++] = digits.length;
    } else {
      this.buf[this.pos] = LARGE_BIG_EXT;
      this.uint32At(this.pos + 1, digits.length);
      this.pos += 5;
    }
    this.buf[this.pos++] = value < 0n ? 1 : 0;
    this.buf.set(digits, this.pos);
    this.pos += digits.length;
    return this;
  }

  /** Writes an unsigned 32-bit big-endian integer at `at` (room already ensured). */
  protected uint32At(at: number, value: number): void {
    const buf = this.buf;
    buf[at] = value >>> 24;
    buf[at + 1] = (value >>> 16) & 0xff;
    buf[at + 2] = (value >>> 8) & 0xff;
    buf[at + 3] = value & 0xff;
  }

  protected ensure(extra: number): void {
    const needed = this.pos + extra;
    if (needed <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(needed, this.buf.length * 2));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }
}

/**
 * UTF-8 encodes `text` into `buf` at `pos`, returning the end position; a lone surrogate becomes U+FFFD, as
 * Buffer#write does.
 */
function writeUtf8(buf: Buffer, text: string, pos: number): number {
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code < 0x80) {
      buf[pos++] = code;
    } else if (code < 0x800) {
      buf[pos++] = 0xc0 | (code >> 6);
      buf[pos++] = 0x80 | (code & 0x3f);
    } else {
      if (code >= 0xd800 && code <= 0xdfff) {
        const next = text.charCodeAt(i + 1);
        if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
          i++;
          buf[pos++] = 0xf0 | (code >> 18);
          buf[pos++] = 0x80 | ((code >> 12) & 0x3f);
          buf[pos++] = 0x80 | ((code >> 6) & 0x3f);
          buf[pos++] = 0x80 | (code & 0x3f);
          continue;
        }
        code = 0xfffd;
      }
      buf[pos++] = 0xe0 | (code >> 12);
      buf[pos++] = 0x80 | ((code >> 6) & 0x3f);
      buf[pos++] = 0x80 | (code & 0x3f);
    }
  }
  return pos;
}

function isLatin1(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) return false;
  return true;
}

function isByteInteger(item: unknown): boolean {
  if (typeof item === 'number') return Number.isInteger(item) && item >= 0 && item <= 255;
  return typeof item === 'bigint' && item >= 0n && item <= 255n;
}

/** `term_to_binary(Term, [{minor_version, 1}])` of a term of the small model. */
export function termToBinary(term: ErlangTerm): Uint8Array {
  const writer = new TermWriter(64).reset();
  writeTerm(writer, term);
  return writer.toBytes();
}

function writeTerm(writer: TermWriter, term: ErlangTerm): void {
  if (typeof term === 'number' || typeof term === 'bigint') {
    writer.integer(term);
  } else if (typeof term === 'string') {
    writer.utf8Binary(term);
  } else if (term instanceof Uint8Array) {
    writer.binary(term);
  } else if (term instanceof ErlangAtom) {
    writer.atom(term.name);
  } else if (term instanceof ErlangFloat) {
    writer.float(term.value);
  } else if (term instanceof ErlangTuple) {
    writer.tupleHeader(term.items.length);
    for (const item of term.items) writeTerm(writer, item);
  } else if (term.length === 0) {
    writer.nil();
  } else if (term.length <= MAX_STRING_EXT_LENGTH && term.every(isByteInteger)) {
    writer.byteString(term.map(Number));
  } else {
    writer.listHeader(term.length);
    for (const item of term) writeTerm(writer, item);
    writer.nil();
  }
}
