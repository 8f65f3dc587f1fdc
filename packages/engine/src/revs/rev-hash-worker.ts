/**
 * Entry point of a revision-hashing thread (see RevHashPool): hashes every chunk it can claim and writes the hashes
 * into the batch's shared memory. A chunk the calling thread took first is skipped; a chunk it cannot hash is handed
 * back, and the caller hashes it itself.
 */
import { parentPort } from 'node:worker_threads';
import { REV_HASH_CHUNK } from './rev-hash-chunk-size.js';
import { CLAIMED_BY_WORKER, claimChunk, hashChunk, publishHashes, releaseChunk, type RevHashMessage } from './rev-hash-chunk.js';

/** The batch being written and its arenas of text, until its last chunk. */
let batch: Extract<RevHashMessage, { kind: 'batch' }> | undefined;
let arenas: Uint8Array[] = [];

parentPort?.on('message', (message: RevHashMessage) => {
  if (message.kind === 'batch') {
    batch = message;
    arenas = [];
  } else if (message.kind === 'arena') {
    if (batch?.batch === message.batch) arenas[message.arena] = message.bytes;
  } else if (batch?.batch === message.batch) {
    hashChunks(batch, message);
  }
});

function hashChunks(current: NonNullable<typeof batch>, message: Extract<RevHashMessage, { kind: 'chunks' }>): void {
  for (let i = 0; i < message.starts.length; i++) {
    const c = message.first + i;
    const first = c * REV_HASH_CHUNK;
    const bytes = arenas[message.arenas[i]!];
    if (bytes === undefined) continue;
    const chunk = { ...current, chunk: c, first, count: Math.min(REV_HASH_CHUNK, current.bodies - first), bytes, start: message.starts[i]!, end: message.ends[i]! };
    if (!claimChunk(chunk, CLAIMED_BY_WORKER)) continue;
    try {
      hashChunk(chunk);
      publishHashes(chunk);
    } catch {
      releaseChunk(chunk);
    }
  }
  // The last chunk: the batch's memory is the writer's again.
  if (message.first + message.starts.length === current.chunks) {
    batch = undefined;
    arenas = [];
  }
}
