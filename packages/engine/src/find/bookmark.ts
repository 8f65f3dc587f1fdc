import pako from 'pako';
import type { JsonObject, JsonValue } from '@settee/core';
import { ErlangAtom, ErlangFloat, ErlangTuple, TermWriter, type ErlangTerm } from '../revs/erlang-term.js';
import { binaryToTerm, TermDecodeError } from './erlang-term-decode.js';
import { invalidBookmark } from './find-request.js';

/** Where a page ended: the last row's key and document id. The next page starts strictly after it. */
export interface BookmarkPosition {
  /** The row's key: the list of column values for a JSON index, the document id for `_all_docs`. */
  readonly key: JsonValue;
  readonly id: string;
}

/** Erlang's `term_to_binary` header byte for a compressed term. */
const COMPRESSED = 80;

/**
 * CouchDB's bookmark (mango_json_bookmark:create): `term_to_binary([{startkey_docid, Id}, {startkey, Key}],
 * [compressed])` in URL-safe base64 without padding: the same bytes as CouchDB's, compressed by pako (standard
 * zlib's output at Erlang's default level; Node's bundled zlib would write other bytes for the same term).
 */
export function encodeBookmark(position: BookmarkPosition): string {
  const writer = new TermWriter(64).reset();
  writer.listHeader(2);
  writer.tupleHeader(2).atom('startkey_docid').utf8Binary(position.id);
  writer.tupleHeader(2).atom('startkey').ejson(position.key);
  writer.nil();
  const plain = writer.toBytes();
  const data = plain.subarray(1);
  const deflated = Buffer.from(pako.deflate(data));
  // Erlang keeps the compressed form unless it is longer than the plain one (a tie compresses: erts compares the
  // deflated size plus its 5 header bytes with the plain size counting its version byte).
  if (deflated.length + 5 >= plain.length) return Buffer.from(plain).toString('base64url');
  const compressed = Buffer.alloc(6 + deflated.length);
  compressed[0] = plain[0]!;
  compressed[1] = COMPRESSED;
  compressed.writeUInt32BE(data.length, 2);
  deflated.copy(compressed, 6);
  return compressed.toString('base64url');
}

/** Reads a bookmark back; anything that is not one is CouchDB's 400 invalid_bookmark. */
export function decodeBookmark(bookmark: string): BookmarkPosition {
  try {
    if (!/^[A-Za-z0-9_-]*={0,2}$/.test(bookmark)) throw new TermDecodeError('not base64url');
    const term = binaryToTerm(Buffer.from(bookmark, 'base64url'));
    if (!Array.isArray(term)) throw new TermDecodeError('not a list');
    let id: string | undefined;
    let key: JsonValue | undefined;
    for (const prop of term as readonly ErlangTerm[]) {
      if (!(prop instanceof ErlangTuple) || prop.items.length !== 2 || !(prop.items[0] instanceof ErlangAtom)) {
        throw new TermDecodeError('not a property list');
      }
      const [name, value] = prop.items as [ErlangAtom, ErlangTerm];
      if (name.name === 'startkey_docid' && value instanceof Uint8Array) id = utf8(value);
      else if (name.name === 'startkey') key = termToJson(value);
    }
    if (id === undefined || key === undefined) throw new TermDecodeError('missing startkey');
    return { key, id };
  } catch (error) {
    if (error instanceof TermDecodeError) throw invalidBookmark(bookmark);
    throw error;
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function utf8(bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes);
  } catch {
    throw new TermDecodeError('bad utf-8');
  }
}

/** CouchDB's EJSON back to JSON: binaries are strings, `{[{K, V}]}` objects, lists arrays, atoms null/true/false. */
function termToJson(term: ErlangTerm): JsonValue {
  if (typeof term === 'number') return term;
  if (typeof term === 'bigint') return Number(term);
  if (typeof term === 'string') return term;
  if (term instanceof Uint8Array) return utf8(term);
  if (term instanceof ErlangFloat) return term.value;
  if (term instanceof ErlangAtom) {
    if (term.name === 'null') return null;
    if (term.name === 'true') return true;
    if (term.name === 'false') return false;
    throw new TermDecodeError(`unexpected atom ${term.name}`);
  }
  if (term instanceof ErlangTuple) {
    const [members] = term.items;
    if (term.items.length !== 1 || !Array.isArray(members)) throw new TermDecodeError('not an object');
    const object: JsonObject = {};
    for (const member of members as readonly ErlangTerm[]) {
      if (!(member instanceof ErlangTuple) || member.items.length !== 2 || !(member.items[0] instanceof Uint8Array)) {
        throw new TermDecodeError('not an object member');
      }
      object[utf8(member.items[0])] = termToJson(member.items[1]!);
    }
    return object;
  }
  return (term as readonly ErlangTerm[]).map(termToJson);
}
