/**
 * Entry point of a revision-hashing thread (see RevHashPool): hashes every chunk it can claim and writes the hashes
 * into the batch's shared memory. A chunk the calling thread took first is skipped; a chunk it cannot hash is handed
 * back, and the caller hashes it itself.
 */
import { parentPort } from 'node:worker_threads';
import { CLAIMED_BY_WORKER, claimChunk, hashChunk, publishHashes, releaseChunk, type RevHashChunk } from './rev-hash-chunk.js';

parentPort?.on('message', (chunk: RevHashChunk) => {
  if (!claimChunk(chunk, CLAIMED_BY_WORKER)) return;
  try {
    hashChunk(chunk);
    publishHashes(chunk);
  } catch {
    releaseChunk(chunk);
  }
});
