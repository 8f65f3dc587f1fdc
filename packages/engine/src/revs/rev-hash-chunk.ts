import { computeRevHashOfUtf8Value } from './rev-hash.js';

/**
 * One chunk of a batch's revision hashes, as posted to a hashing thread. The chunk's bodies are one JSON array in
 * shared memory (`bytes[start..end)`, UTF-8, as `JSON.stringify` writes it); none of them has attachments. The
 * per-body arrays (`results`, `spans`, `deleted`, `parentPos`) are the whole batch's, shared, indexed by the body's
 * place in the batch: the chunk's bodies are `first..first + count - 1`.
 */
export interface RevHashChunk {
  /**
   * The batch's claim slots, one per chunk: free, {@link CLAIMED_BY_WORKER}, {@link CLAIMED_BY_CALLER} or
   * {@link HASHED_BY_WORKER} (see {@link claimTag}).
   */
  claims: Int32Array;
  /** Where each body's hash goes: 32 hex digits per body, body i of the batch at `i * HASH_BYTES`. */
  results: Uint8Array;
  /**
   * Where each body lies in its chunk's JSON text, as string indexes (UTF-16 units): body i of the batch from
   * `spans[2 * i]` to `spans[2 * i + 1]`, so the writing thread slices the body's JSON out of the chunk's text.
   */
  spans: Int32Array;
  /** Index of the chunk's first body in the batch, and how many bodies it has. */
  first: number;
  count: number;
  batch: number;
  chunk: number;
  bytes: Uint8Array;
  start: number;
  end: number;
  /** 1 for a deletion, by body. */
  deleted: Uint8Array;
  /** Each body's parent revision: its generation (0 for none) and hash ('' for none), by body. */
  parentPos: Float64Array;
  parentHash: readonly string[];
}

/**
 * What the writing thread posts to a hashing thread, in order: a batch's shared arrays once, each arena of UTF-8
 * text before the first chunk in it, and the chunks in groups: the first chunk at once, then whatever was encoded by
 * the time the worker has taken the last chunk it was sent. A post costs 10-60 µs (cloning, waking the thread), so
 * this sends a few messages per batch instead of one per chunk, without leaving the worker idle.
 */
export type RevHashMessage =
  | ({ kind: 'batch'; bodies: number; chunks: number } & Pick<RevHashChunk, 'batch' | 'claims' | 'results' | 'spans' | 'deleted' | 'parentPos' | 'parentHash'>)
  | { kind: 'arena'; batch: number; arena: number; bytes: Uint8Array }
  | { kind: 'chunks'; batch: number; first: number; arenas: number[]; starts: number[]; ends: number[] };

export const CLAIMED_BY_WORKER = 1;
export const CLAIMED_BY_CALLER = 2;
/** The worker wrote the chunk's hashes into `results`. */
export const HASHED_BY_WORKER = 3;
/** Nobody has claimed the chunk yet. */
export const FREE = 0;
/** A revision hash as stored in `results`: 32 lowercase hex digits. */
export const HASH_BYTES = 32;

/**
 * A claim slot's value: the batch number with the state in the low bits. Slots are reused by later batches, and a
 * message of an old batch can still reach the worker after its batch ended (the caller took every chunk): its tag
 * no longer matches, so it claims nothing.
 */
export function claimTag(batch: number, state: number): number {
  return ((batch & 0x1fffffff) << 2) | state;
}

/** Marks every slot free for `batch`. */
export function freeClaims(claims: Int32Array, batch: number): void {
  claims.fill(claimTag(batch, FREE));
}

/**
 * Takes the chunk for `by` unless the other side already has it. The worker takes chunks in order and the caller
 * from the end backwards, so each chunk is hashed exactly once and neither side waits for the other to start.
 */
export function claimChunk(chunk: RevHashChunk, by: typeof CLAIMED_BY_WORKER | typeof CLAIMED_BY_CALLER): boolean {
  const free = claimTag(chunk.batch, FREE);
  return Atomics.compareExchange(chunk.claims, chunk.chunk, free, claimTag(chunk.batch, by)) === free;
}

/** The state of a chunk's claim slot (without the batch tag). */
export function claimState(claims: Int32Array, chunk: number): number {
  return Atomics.load(claims, chunk) & 3;
}

/**
 * The worker's end of a chunk whose hashes are in shared memory: marks it hashed and wakes a caller waiting for it.
 * The mark comes after the hashes, so a caller that sees it reads complete ones.
 */
export function publishHashes(chunk: RevHashChunk): void {
  Atomics.store(chunk.claims, chunk.chunk, claimTag(chunk.batch, HASHED_BY_WORKER));
  Atomics.notify(chunk.claims, chunk.chunk);
}

/** Hands a claimed chunk back (free again, and a waiting caller woken), for the caller to hash. */
export function releaseChunk(chunk: RevHashChunk): void {
  Atomics.store(chunk.claims, chunk.chunk, claimTag(chunk.batch, FREE));
  Atomics.notify(chunk.claims, chunk.chunk);
}

/**
 * Hashes a chunk's bodies and writes each hash and span into the batch's shared memory (see {@link RevHashChunk}).
 * Throws SyntaxError when the text is not the JSON array of `count` bodies it should be.
 */
export function hashChunk(chunk: RevHashChunk): void {
  const { bytes, end, first, count } = chunk;
  const out = Buffer.from(chunk.results.buffer, chunk.results.byteOffset, chunk.results.byteLength);
  let at = chunk.start;
  if (bytes[at++] !== OPEN_ARRAY) throw new SyntaxError('A chunk of bodies must be a JSON array');
  // UTF-8 bytes beyond UTF-16 units so far: byte offset minus this is the string index.
  let shrink = 0;
  for (let i = 0; i < count; i++) {
    const body = first + i;
    const pos = chunk.parentPos[body]!;
    const parent = pos === 0 ? null : { pos, hash: chunk.parentHash[body]! };
    const found = computeRevHashOfUtf8Value({ deleted: chunk.deleted[body] === 1, parent }, bytes, at, end);
    chunk.spans[2 * body] = at - chunk.start - shrink;
    shrink += found.utf16Shrink;
    chunk.spans[2 * body + 1] = found.stop - chunk.start - shrink;
    out.write(found.hash, body * HASH_BYTES, HASH_BYTES, 'latin1');
    at = found.stop + 1;
    if (bytes[found.stop] !== (i === count - 1 ? CLOSE_ARRAY : COMMA)) throw new SyntaxError('A chunk of bodies has more or fewer bodies than it says');
  }
  if (at !== end) throw new SyntaxError('A chunk of bodies has text after its array');
}

const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
