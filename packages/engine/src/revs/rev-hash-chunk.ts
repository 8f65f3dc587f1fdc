import { computeRevHashFromUtf8 } from './rev-hash.js';

/**
 * One chunk of a batch's revision hashes, as posted to a hashing thread. The bodies are UTF-8 JSON text in shared
 * memory (`bytes`, body i at `offsets[i]..offsets[i + 1]`); none of them has attachments.
 */
export interface RevHashChunk {
  /**
   * The batch's claim slots, one per chunk: free, {@link CLAIMED_BY_WORKER}, {@link CLAIMED_BY_CALLER} or
   * {@link HASHED_BY_WORKER} (see {@link claimTag}).
   */
  claims: Int32Array;
  /** Where the worker writes each body's hash: 32 hex digits per body, body i of the batch at `i * HASH_BYTES`. */
  results: Uint8Array;
  /** Index of the chunk's first body in the batch. */
  first: number;
  batch: number;
  chunk: number;
  bytes: Uint8Array;
  offsets: Int32Array;
  deleted: Uint8Array;
  /** Parent revision of each body: its generation (0 for none) and hash (empty for none). */
  parentPos: Float64Array;
  parentHash: string[];
}

export const CLAIMED_BY_WORKER = 1;
export const CLAIMED_BY_CALLER = 2;
/** The worker wrote the chunk's hashes into `results`. */
export const HASHED_BY_WORKER = 3;
const FREE = 0;
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
 * The worker's end of a chunk: writes the hashes into `results`, then marks the chunk hashed and wakes a caller
 * waiting for it. The mark comes last, so a caller that sees it reads complete hashes.
 */
export function publishHashes(chunk: RevHashChunk, hashes: readonly string[]): void {
  const out = Buffer.from(chunk.results.buffer, chunk.results.byteOffset, chunk.results.byteLength);
  hashes.forEach((hash, i) => out.write(hash, (chunk.first + i) * HASH_BYTES, HASH_BYTES, 'latin1'));
  Atomics.store(chunk.claims, chunk.chunk, claimTag(chunk.batch, HASHED_BY_WORKER));
  Atomics.notify(chunk.claims, chunk.chunk);
}

/** Hands a claimed chunk back (free again, and a waiting caller woken), for the caller to hash. */
export function releaseChunk(chunk: RevHashChunk): void {
  Atomics.store(chunk.claims, chunk.chunk, claimTag(chunk.batch, FREE));
  Atomics.notify(chunk.claims, chunk.chunk);
}

/** The revision hashes of a chunk's bodies, in order. */
export function hashChunk(chunk: RevHashChunk): string[] {
  const hashes: string[] = [];
  const count = chunk.offsets.length - 1;
  for (let i = 0; i < count; i++) {
    const pos = chunk.parentPos[i]!;
    const parent = pos === 0 ? null : { pos, hash: chunk.parentHash[i]! };
    hashes.push(
      computeRevHashFromUtf8({ deleted: chunk.deleted[i] === 1, parent, attachments: [] }, chunk.bytes, chunk.offsets[i]!, chunk.offsets[i + 1]!),
    );
  }
  return hashes;
}
