/**
 * Entry point of a revision-hashing thread (see RevHashPool): hashes every chunk it can claim and posts the hashes
 * back. A chunk the calling thread took first is skipped.
 */
import { parentPort } from 'node:worker_threads';
import { CLAIMED_BY_WORKER, claimChunk, hashChunk, type RevHashChunk } from './rev-hash-chunk.js';

/** What the worker posts back for each chunk it hashed. */
export interface RevHashReply {
  batch: number;
  chunk: number;
  /** Undefined when hashing failed: the caller then hashes the chunk itself. */
  hashes: string[] | undefined;
}

parentPort?.on('message', (chunk: RevHashChunk) => {
  if (!claimChunk(chunk, CLAIMED_BY_WORKER)) return;
  let hashes: string[] | undefined;
  try {
    hashes = hashChunk(chunk);
  } catch {
    hashes = undefined;
  }
  const reply: RevHashReply = { batch: chunk.batch, chunk: chunk.chunk, hashes };
  parentPort?.postMessage(reply);
});
