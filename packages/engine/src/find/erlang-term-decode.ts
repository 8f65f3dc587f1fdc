import { inflateSync } from 'node:zlib';
import { ErlangAtom, ErlangTuple, type ErlangTerm } from '../revs/erlang-term.js';

const VERSION_MAGIC = 131;
const COMPRESSED = 80;

/** Thrown for bytes that are not a term this decoder reads. */
export class TermDecodeError extends Error {}

/**
 * `binary_to_term(Bytes, [safe])` for the plain data terms CouchDB puts in bookmarks: atoms, integers, floats,
 * binaries, tuples, lists (and compressed terms). Anything else (pids, funs, maps, improper lists, trailing bytes)
 * is refused with {@link TermDecodeError}. Binaries come back as `Uint8Array`, integers as numbers (or bigints
 * beyond 2^53), floats as numbers.
 */
export function binaryToTerm(bytes: Uint8Array): ErlangTerm {
  if (bytes[0] !== VERSION_MAGIC) throw new TermDecodeError('not an Erlang term');
  let body = bytes.subarray(1);
  if (body[0] === COMPRESSED) {
    if (body.length < 5) throw new TermDecodeError('truncated');
    const size = new DataView(body.buffer, body.byteOffset + 1, 4).getUint32(0);
    try {
      body = inflateSync(body.subarray(5));
    } catch {
      throw new TermDecodeError('bad compressed term');
    }
    if (body.length !== size) throw new TermDecodeError('bad compressed size');
  }
  const reader = new Reader(body);
  const term = reader.term();
  if (reader.pos !== body.length) throw new TermDecodeError('trailing bytes');
  return term;
}

const decoder = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

class Reader {
  pos = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  term(): ErlangTerm {
    const tag = this.u8();
    switch (tag) {
      case 97: // SMALL_INTEGER_EXT
        return this.u8();
      case 98: // INTEGER_EXT
        return this.take(4, () => this.view.getInt32(this.pos));
      case 99: // FLOAT_EXT: 31 bytes of printf text
        return this.floatText(latin1.decode(this.slice(31)).replace(/\0+$/, ''));
      case 70: // NEW_FLOAT_EXT
        return this.take(8, () => this.view.getFloat64(this.pos));
      case 100: // ATOM_EXT
        return new ErlangAtom(latin1.decode(this.slice(this.u16())));
      case 115: // SMALL_ATOM_EXT
        return new ErlangAtom(latin1.decode(this.slice(this.u8())));
      case 118: // ATOM_UTF8_EXT
        return new ErlangAtom(this.utf8(this.slice(this.u16())));
      case 119: // SMALL_ATOM_UTF8_EXT
        return new ErlangAtom(this.utf8(this.slice(this.u8())));
      case 104: // SMALL_TUPLE_EXT
        return this.tuple(this.u8());
      case 105: // LARGE_TUPLE_EXT
        return this.tuple(this.u32());
      case 106: // NIL_EXT
        return [];
      case 107: // STRING_EXT: a list of bytes
        return [...this.slice(this.u16())];
      case 108: // LIST_EXT
        return this.list(this.u32());
      case 109: // BINARY_EXT
        return this.slice(this.u32()).slice();
      case 110: // SMALL_BIG_EXT
        return this.big(this.u8());
      case 111: // LARGE_BIG_EXT
        return this.big(this.u32());
      default:
        throw new TermDecodeError(`unsupported term tag ${tag}`);
    }
  }

  private tuple(arity: number): ErlangTuple {
    const items: ErlangTerm[] = [];
    for (let i = 0; i < arity; i++) items.push(this.term());
    return new ErlangTuple(items);
  }

  private list(length: number): ErlangTerm[] {
    const items: ErlangTerm[] = [];
    for (let i = 0; i < length; i++) items.push(this.term());
    if (this.u8() !== 106) throw new TermDecodeError('improper list');
    return items;
  }

  private big(length: number): number | bigint {
    const sign = this.u8();
    const digits = this.slice(length);
    let value = 0n;
    for (let i = digits.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(digits[i]!);
    if (sign === 1) value = -value;
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  }

  private floatText(text: string): number {
    const value = Number(text);
    if (!Number.isFinite(value)) throw new TermDecodeError('bad float');
    return value;
  }

  private utf8(bytes: Uint8Array): string {
    try {
      return decoder.decode(bytes);
    } catch {
      throw new TermDecodeError('bad utf-8 atom');
    }
  }

  private u8(): number {
    return this.take(1, () => this.view.getUint8(this.pos));
  }

  private u16(): number {
    return this.take(2, () => this.view.getUint16(this.pos));
  }

  private u32(): number {
    return this.take(4, () => this.view.getUint32(this.pos));
  }

  private slice(length: number): Uint8Array {
    return this.take(length, () => this.bytes.subarray(this.pos, this.pos + length));
  }

  /** Reads `size` bytes with `read` (at the current position), then moves past them. */
  private take<T>(size: number, read: () => T): T {
    if (this.pos + size > this.bytes.length) throw new TermDecodeError('truncated');
    const value = read();
    this.pos += size;
    return value;
  }
}
