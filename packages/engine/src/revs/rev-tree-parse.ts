import { BadRequestError } from '@settee/core';

/**
 * Revision ids the way CouchDB reads them (couch_doc:parse_rev / parse_revid). CouchDB keeps a 32-byte hex id as
 * a 16-byte binary and prints any 16-byte id as 32 hex digits, so the canonical string of an id is:
 * lowercase hex for 32 hex digits (uppercase accepted), the hex of its UTF-8 bytes for a 16-byte id, otherwise
 * the id as given. Two canonical ids are equal exactly when CouchDB's binaries are, so the tree can compare strings.
 */

const CANONICAL_HEX32 = /^[0-9a-f]{32}$/;
const SIGNED_HEX = /^[+-]?[0-9a-fA-F]+$/;
const POSITION = /^\+?[0-9]+$/;
const TWO_POW_128 = 1n << 128n;

/** Parses "N-hash"; throws BadRequestError('Invalid rev format') (from @settee/core) on anything else. */
export function parseRev(rev: string): { pos: number; hash: string } {
  if (typeof rev !== 'string') throw invalidRev();
  const dash = rev.indexOf('-');
  if (dash < 0) throw invalidRev();
  const posText = rev.slice(0, dash);
  // Erlang's list_to_integer: optional "+", decimal digits; we also need it to fit a JS integer.
  if (!POSITION.test(posText)) throw invalidRev();
  const pos = Number(posText);
  if (!Number.isSafeInteger(pos)) throw invalidRev();
  const hash = canonicalRevId(rev.slice(dash + 1));
  if (hash === undefined) throw invalidRev();
  return { pos, hash };
}

/**
 * Checks a list of revisions as couch_doc:parse_revs does: anything but a list is 'Invalid list of revisions',
 * and each member must parse (parseRev's 'Invalid rev format').
 */
export function checkRevList(value: unknown): void {
  if (!Array.isArray(value)) throw new BadRequestError('Invalid list of revisions');
  for (const rev of value as unknown[]) parseRev(rev as string);
}

/**
 * Canonical form of one `_revisions.ids` entry. Throws BadRequestError `doc_validation`
 * "RevId isn't a valid hexadecimal" for a 32-byte id that is not hex, as CouchDB does.
 */
export function parseRevId(id: string): string {
  const hash = typeof id === 'string' ? canonicalRevId(id) : undefined;
  if (hash === undefined) throw new BadRequestError("RevId isn't a valid hexadecimal", { error: 'doc_validation' });
  return hash;
}

/** The canonical string of a revision id, or undefined when CouchDB would reject it. */
export function canonicalRevId(id: string): string | undefined {
  if (id.length === 32 && CANONICAL_HEX32.test(id)) return id;
  const bytes = utf8Length(id);
  if (bytes === 32) return hex32(id);
  if (bytes === 16) return toHex(new TextEncoder().encode(id));
  return id;
}

/** `${pos}-${hash}`. */
export function formatRev(pos: number, hash: string): string {
  return `${pos}-${hash}`;
}

/**
 * Orders two canonical revision ids as Erlang orders CouchDB's binaries (byte order; 32-hex ids are 16 raw bytes).
 * Used for sibling order in the tree and for the winner tie-break.
 */
export function compareRevHash(a: string, b: string): number {
  if (a === b) return 0;
  const aHex = a.length === 32 && CANONICAL_HEX32.test(a);
  const bHex = b.length === 32 && CANONICAL_HEX32.test(b);
  // Lowercase hex sorts like the bytes it encodes; UTF-8 sorts like code points.
  if (aHex && bHex) return a < b ? -1 : 1;
  if (!aHex && !bHex) return compareCodePoints(a, b);
  return compareBytes(binaryOf(a, aHex), binaryOf(b, bHex));
}

function invalidRev(): BadRequestError {
  return new BadRequestError('Invalid rev format');
}

/** A 32-byte id must be an (optionally signed) hex integer, stored as 128 bits, two's complement when negative. */
function hex32(id: string): string | undefined {
  if (!SIGNED_HEX.test(id)) return undefined;
  const negative = id.startsWith('-');
  const digits = id.startsWith('+') || negative ? id.slice(1) : id;
  let value = BigInt(`0x${digits}`);
  if (negative && value !== 0n) value = TWO_POW_128 - value;
  return value.toString(16).padStart(32, '0');
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}

function binaryOf(hash: string, isHex: boolean): Uint8Array {
  if (!isHex) return new TextEncoder().encode(hash);
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 16; i++) bytes[i] = parseInt(hash.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const diff = a[i]! - b[i]!;
    if (diff !== 0) return diff < 0 ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** Code point order (= UTF-8 byte order); JS `<` compares UTF-16 units, which differs above U+D7FF. */
function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xSurrogate = x >= 0xd800 && x <= 0xdfff;
    const ySurrogate = y >= 0xd800 && y <= 0xdfff;
    if (xSurrogate === ySurrogate) return x < y ? -1 : 1;
    // A surrogate starts a code point above U+FFFF, greater than any BMP character.
    return xSurrogate ? 1 : -1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}
