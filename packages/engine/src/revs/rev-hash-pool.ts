import { Worker } from 'node:worker_threads';
import { CLAIMED_BY_CALLER, claimChunk, freeClaims, hashChunk, type RevHashChunk } from './rev-hash-chunk.js';
import type { RevHashReply } from './rev-hash-worker.js';
import { revHashWorkerScript } from './rev-hash-worker-script.js';

/** One body to hash: its stored JSON text, whether it is a deletion, and its parent revision. */
export interface RevHashItem {
  bodyJson: string;
  deleted: boolean;
  parent: { pos: number; hash: string } | null;
}

/** Bodies per chunk: small enough to split a batch evenly between threads, large enough that posting is cheap. */
const CHUNK = 64;
/** Heap sizes of the hashing thread, in MB. */
const WORKER_HEAP_LIMITS = { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 };
/** Reply keys pack the batch and chunk numbers into one number. */
const CHUNKS_PER_BATCH = 2 ** 20;

/**
 * Revision hashing on a second thread for big write batches. A revision id is the md5 of the body's Erlang term
 * (CouchDB's rule), about a third of the cost of writing a document; with a second core idle, a batch is hashed
 * by both threads at once.
 *
 * The calling thread encodes each chunk of bodies as UTF-8 into shared memory and posts it. The worker claims
 * chunks in order; once everything is posted, the calling thread claims chunks from the end and hashes them itself
 * until it meets one the worker has. So work splits by the threads' real speeds, a worker that is slow to start
 * costs nothing, and a worker that failed just leaves the hashes to the caller: every answer is a hash or
 * `undefined` (compute it yourself), never wrong and never late.
 */
export class RevHashPool {
  private worker: Worker | undefined;
  private failed = false;
  private nextBatch = 0;
  private inFlight = 0;
  private readonly waiting = new Map<number, (hashes: string[] | undefined) => void>();
  /** Chunks hashed by the worker and by the calling thread, for tests and benchmarks. */
  readonly stats = { workerChunks: 0, callerChunks: 0 };
  private readonly memory = new SharedMemoryPool();

  /** @param options.steal false leaves every chunk to the worker (for tests of the worker itself). */
  constructor(private readonly options: { steal?: boolean } = {}) {}

  /**
   * Hashes `count` bodies, `item(i)` giving body i (called once per body, in order, so the caller can encode its
   * bodies as they are needed). Resolves with one hash per body, `undefined` where the caller must compute it.
   */
  async hashAll(count: number, item: (index: number) => RevHashItem): Promise<Array<string | undefined>> {
    const hashes = new Array<string | undefined>(count).fill(undefined);
    const chunks = Math.ceil(count / CHUNK);
    if (chunks > CHUNKS_PER_BATCH) throw new RangeError(`At most ${CHUNKS_PER_BATCH * CHUNK} bodies per call`);
    const worker = this.start();
    // Without a worker, encoding into shared memory would only add work: the caller hashes as it writes.
    if (!worker) return hashes;
    const batch = this.nextBatch++;
    const memory = this.memory.lease(chunks, batch);
    const posted: RevHashChunk[] = [];
    const replies: Array<Promise<string[] | undefined>> = [];
    this.hold();
    try {
      for (let c = 0; c < chunks; c++) {
        const chunk = encodeChunk(this.memory, memory, batch, c, c * CHUNK, Math.min(count, (c + 1) * CHUNK), item);
        posted.push(chunk);
        replies.push(this.expectReply(batch, c));
        worker.postMessage(chunk);
      }
      let firstStolen = chunks;
      for (let c = chunks - 1; c >= 0 && this.options.steal !== false; c--) {
        const chunk = posted[c]!;
        if (!claimChunk(chunk, CLAIMED_BY_CALLER)) break;
        this.waiting.get(replyKey(batch, c))?.(undefined);
        place(hashes, c, hashChunk(chunk));
        this.stats.callerChunks++;
        firstStolen = c;
      }
      for (let c = 0; c < firstStolen; c++) {
        const reply = await replies[c];
        if (reply) {
          place(hashes, c, reply);
          this.stats.workerChunks++;
        }
      }
      return hashes;
    } finally {
      // Every chunk is hashed or abandoned by now (the worker answered, failed, or the caller took it), so nobody
      // reads this memory any more.
      this.memory.giveBack(memory);
      this.release();
    }
  }

  /** Stops the worker; later calls hash on the calling thread only. */
  async close(): Promise<void> {
    this.failed = true;
    const worker = this.worker;
    this.worker = undefined;
    this.settleAll();
    if (worker) await worker.terminate();
  }

  private start(): Worker | undefined {
    if (this.worker || this.failed) return this.worker;
    try {
      const { script, options } = revHashWorkerScript(import.meta.url);
      // The worker allocates little (a chunk's views and hashes), so a small heap keeps its memory small.
      const worker = new Worker(script, { ...options, resourceLimits: WORKER_HEAP_LIMITS });
      worker.on('message', (reply: RevHashReply) => this.waiting.get(replyKey(reply.batch, reply.chunk))?.(reply.hashes));
      worker.on('error', () => this.fail());
      worker.on('exit', () => this.fail());
      worker.unref();
      this.worker = worker;
    } catch {
      this.failed = true;
    }
    return this.worker;
  }

  private expectReply(batch: number, chunk: number): Promise<string[] | undefined> {
    const key = replyKey(batch, chunk);
    return new Promise((resolve) => {
      this.waiting.set(key, (hashes) => {
        this.waiting.delete(key);
        resolve(hashes);
      });
    });
  }

  /** A worker that failed or exited answers nothing more: its pending chunks fall back to the caller. */
  private fail(): void {
    this.failed = true;
    this.worker = undefined;
    this.settleAll();
  }

  private settleAll(): void {
    for (const settle of [...this.waiting.values()]) settle(undefined);
  }

  /** The worker is unref'd so it never keeps a process alive, except while a caller waits for its replies. */
  private hold(): void {
    if (this.inFlight++ === 0) this.worker?.ref();
  }

  private release(): void {
    if (--this.inFlight === 0) this.worker?.unref();
  }
}

let shared: RevHashPool | undefined;

/**
 * The process's one hashing pool, started on first use. Hashing keeps no state, so every engine shares it; its
 * thread never keeps the process alive (see {@link RevHashPool}) and is not closed with an engine.
 */
export function sharedRevHashPool(): RevHashPool {
  return (shared ??= new RevHashPool());
}

function replyKey(batch: number, chunk: number): number {
  return (batch % CHUNKS_PER_BATCH) * CHUNKS_PER_BATCH + chunk;
}

function place(hashes: Array<string | undefined>, chunk: number, chunkHashes: readonly string[]): void {
  for (let i = 0; i < chunkHashes.length; i++) hashes[chunk * CHUNK + i] = chunkHashes[i];
}

/** Shared memory a batch writes its bodies into: UTF-8 arenas filled front to back, and the chunks' claim slots. */
interface BatchMemory {
  claims: Int32Array;
  arenas: Arena[];
}

interface Arena {
  bytes: Uint8Array;
  writer: Buffer;
  used: number;
}

/** Arena size: a batch of 1,000 typical documents fits in one. */
const ARENA_BYTES = 1 << 20;
/** Arenas kept for reuse between batches. */
const SPARE_ARENAS = 2;

/**
 * Reuses shared memory between batches: allocating a SharedArrayBuffer (zeroed, often fresh pages) per chunk cost
 * more than the hashing it carried.
 */
class SharedMemoryPool {
  private spareArenas: Arena[] = [];
  private spareClaims: Int32Array[] = [];

  lease(chunks: number, batch: number): BatchMemory {
    const index = this.spareClaims.findIndex((claims) => claims.length >= chunks);
    const claims = index >= 0 ? this.spareClaims.splice(index, 1)[0]! : new Int32Array(new SharedArrayBuffer(4 * Math.max(chunks, 64)));
    freeClaims(claims, batch);
    return { claims, arenas: [] };
  }

  /** An arena with room for `bytes` more bytes: the batch's current one, or a new or spare one. */
  room(memory: BatchMemory, bytes: number): Arena {
    const current = memory.arenas[memory.arenas.length - 1];
    if (current !== undefined && current.bytes.length - current.used >= bytes) return current;
    const spare = this.spareArenas.findIndex((arena) => arena.bytes.length >= bytes);
    let arena: Arena;
    if (spare >= 0) {
      arena = this.spareArenas.splice(spare, 1)[0]!;
      arena.used = 0;
    } else {
      const shared = new SharedArrayBuffer(Math.max(ARENA_BYTES, bytes));
      arena = { bytes: new Uint8Array(shared), writer: Buffer.from(shared), used: 0 };
    }
    memory.arenas.push(arena);
    return arena;
  }

  giveBack(memory: BatchMemory): void {
    this.spareClaims = [memory.claims];
    for (const arena of memory.arenas) if (this.spareArenas.length < SPARE_ARENAS) this.spareArenas.push(arena);
  }
}

/** Bodies `from..to` as one chunk: UTF-8 text in shared memory, and each body's revision inputs. */
function encodeChunk(
  memory: SharedMemoryPool,
  batch: BatchMemory,
  batchNumber: number,
  chunk: number,
  from: number,
  to: number,
  item: (index: number) => RevHashItem,
): RevHashChunk {
  const items: RevHashItem[] = [];
  let room = 0;
  for (let i = from; i < to; i++) {
    const it = item(i);
    items.push(it);
    // A UTF-16 unit is at most 3 UTF-8 bytes.
    room += it.bodyJson.length * 3;
  }
  const arena = memory.room(batch, room);
  const offsets = new Int32Array(items.length + 1);
  const deleted = new Uint8Array(items.length);
  const parentPos = new Float64Array(items.length);
  const parentHash: string[] = [];
  let at = arena.used;
  offsets[0] = at;
  items.forEach((it, i) => {
    at += arena.writer.write(it.bodyJson, at, 'utf8');
    offsets[i + 1] = at;
    deleted[i] = it.deleted ? 1 : 0;
    parentPos[i] = it.parent?.pos ?? 0;
    parentHash.push(it.parent?.hash ?? '');
  });
  arena.used = at;
  return { claims: batch.claims, batch: batchNumber, chunk, bytes: arena.bytes, offsets, deleted, parentPos, parentHash };
}
