import { Worker } from 'node:worker_threads';
import {
  CLAIMED_BY_CALLER,
  CLAIMED_BY_WORKER,
  FREE,
  claimChunk,
  claimState,
  freeClaims,
  HASH_BYTES,
  HASHED_BY_WORKER,
  hashChunk,
  type RevHashChunk,
  type RevHashMessage,
} from './rev-hash-chunk.js';
import { REV_HASH_CHUNK } from './rev-hash-chunk-size.js';
import { revHashWorkerScript } from './rev-hash-worker-script.js';

/** What a revision hash takes besides the body: whether it is a deletion, and its parent revision. */
export interface RevHashItem {
  deleted: boolean;
  parent: { pos: number; hash: string } | null;
}

const CHUNK = REV_HASH_CHUNK;
/** Heap sizes of the hashing thread, in MB. */
const WORKER_HEAP_LIMITS = { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 };
/** Most chunks one batch may have (claim tags keep 29 bits of the batch number, chunk indexes are plain). */
const MAX_CHUNKS = 2 ** 20;
/**
 * How long the caller waits for a chunk the worker is hashing (one chunk takes well under a millisecond) before it
 * hashes the chunk itself: a worker that was stopped, or starved of CPU, must not stall a write.
 */
const WAIT_FOR_WORKER_MS = 50;
/** Without stealing (tests of the worker), the caller also waits for a worker that is still starting. */
const WAIT_WITHOUT_STEALING_MS = 10_000;

/**
 * Revision hashing on a second thread for big write batches. A revision id is the md5 of the body's Erlang term
 * (CouchDB's rule), about a third of the cost of writing a document; with a second core idle, a batch is hashed
 * while it is being written.
 *
 * `begin` writes each chunk's bodies as one JSON array, UTF-8 in shared memory, and posts the chunk (see
 * `RevHashMessage` in rev-hash-chunk.ts); the worker claims chunks in order and writes back, for each body, its hash
 * and where its JSON lies in the chunk's text. The writer then asks for each body's JSON and hash as it applies the
 * documents (`RevHashBatch.bodyJson` and `hash`, synchronous): a chunk the worker finished is read, a chunk nobody
 * took yet is claimed and hashed on the spot, and while the worker hashes the chunk asked for, the writer hashes
 * chunks from the end of the batch. So the worker runs ahead of the writer, the writer never hashes what the worker
 * already did, and a worker that is slow to start, stopped or failed only leaves more hashing to the writer: every
 * answer is the right one, never late.
 */
export class RevHashPool {
  private worker: Worker | undefined;
  private failed = false;
  private nextBatch = 0;
  /** Chunks hashed by the worker and by the calling thread, for tests and benchmarks. */
  readonly stats = { workerChunks: 0, callerChunks: 0 };
  private readonly memory = new SharedMemoryPool();
  /**
   * The latest batch, emptied once finished. V8 deoptimizes code built on a hidden class once no object of that
   * class is left, which a full GC between two write batches would otherwise always find: keeping one batch (and
   * one of its chunks) alive spares the next batch a run of slow, unoptimized hashing and reading.
   */
  private latest: RevHashBatch | undefined;

  /** @param options.steal false makes the caller wait for the worker rather than hash (for tests of the worker). */
  constructor(private readonly options: { steal?: boolean } = {}) {}

  /**
   * Hands `count` bodies to the worker: `item(i)` gives body i's deletion flag and parent (called once per body, in
   * order), `chunkJson(from, to)` the JSON array of bodies `from..to - 1` (called once per chunk, in order; what it
   * throws ends the batch and is thrown on). Returns the batch to read the bodies' JSON and hashes from, or
   * `undefined` when there is no worker (the caller then encodes and hashes as it writes). Call `finish` on the batch
   * once every answer it needs was read.
   */
  begin(count: number, item: (index: number) => RevHashItem, chunkJson: (from: number, to: number) => string): RevHashBatch | undefined {
    const chunks = Math.ceil(count / CHUNK);
    if (chunks > MAX_CHUNKS) throw new RangeError(`At most ${MAX_CHUNKS * CHUNK} bodies per batch`);
    const worker = this.start();
    // Without a worker, encoding into shared memory would only add work.
    if (!worker || count === 0) return undefined;
    const batchNumber = this.nextBatch++;
    const memory = this.memory.lease(chunks, count, batchNumber);
    const parentHashes: string[] = [];
    let parents = false;
    for (let i = 0; i < count; i++) {
      const { deleted, parent } = item(i);
      memory.deleted[i] = deleted ? 1 : 0;
      memory.parentPos[i] = parent?.pos ?? 0;
      parentHashes.push(parent?.hash ?? '');
      if (parent) parents = true;
    }
    const posted: RevHashChunk[] = [];
    const texts: string[] = [];
    const batch = new PooledRevHashBatch(posted, texts, memory, {
      workerGone: () => this.failed,
      steal: this.options.steal !== false,
      finished: (reusable, stats) => {
        this.stats.workerChunks += stats.workerChunks;
        this.stats.callerChunks += stats.callerChunks;
        if (reusable) this.memory.giveBack(memory);
      },
    });
    this.latest = batch;
    const { claims, results, spans, deleted, parentPos } = memory;
    // A batch of new documents has no parent hashes to send (a hash is read only for a body with a parent).
    const parentHash = parents ? parentHashes : [];
    post(worker, { kind: 'batch', batch: batchNumber, bodies: count, chunks, claims, results, spans, deleted, parentPos, parentHash });
    try {
      let group = newGroup(batchNumber, 0);
      for (let c = 0; c < chunks; c++) {
        const from = c * CHUNK;
        const to = Math.min(count, from + CHUNK);
        const text = chunkJson(from, to);
        texts.push(text);
        const arenas = memory.arenas.length;
        const chunk = encodeChunk(this.memory, memory, batchNumber, c, from, to, text, parentHashes);
        const arena = memory.arenas.length - 1;
        if (memory.arenas.length > arenas) post(worker, { kind: 'arena', batch: batchNumber, arena, bytes: chunk.bytes });
        posted.push(chunk);
        group.arenas.push(arena);
        group.starts.push(chunk.start);
        group.ends.push(chunk.end);
        // Posted once the worker has taken the last chunk it was sent (see RevHashMessage).
        if (c === 0 || c === chunks - 1 || claimState(claims, group.first - 1) !== FREE) {
          post(worker, group);
          group = newGroup(batchNumber, c + 1);
        }
      }
    } catch (error) {
      batch.finish();
      throw error;
    }
    return batch;
  }

  /**
   * Hashes `count` bodies and returns their JSON and hashes (`begin`, every answer, `finish`); `undefined` without a
   * worker.
   */
  hashAll(
    count: number,
    item: (index: number) => RevHashItem,
    chunkJson: (from: number, to: number) => string,
  ): Array<{ bodyJson: string; hash: string }> | undefined {
    const batch = this.begin(count, item, chunkJson);
    if (batch === undefined) return undefined;
    try {
      return Array.from({ length: count }, (_, i) => ({ bodyJson: batch.bodyJson(i), hash: batch.hash(i) }));
    } finally {
      batch.finish();
    }
  }

  /** Stops the worker; later batches are hashed on the calling thread only. */
  async close(): Promise<void> {
    this.failed = true;
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private start(): Worker | undefined {
    if (this.worker || this.failed) return this.worker;
    try {
      const { script, options } = revHashWorkerScript(import.meta.url);
      // The worker allocates little (a chunk's views and hashes), so a small heap keeps its memory small.
      const worker = new Worker(script, { ...options, resourceLimits: WORKER_HEAP_LIMITS });
      worker.on('error', () => this.fail());
      worker.on('exit', () => this.fail());
      // Nobody ever waits for the worker across an event-loop turn, so it must never keep the process alive.
      worker.unref();
      this.worker = worker;
    } catch {
      this.failed = true;
    }
    return this.worker;
  }

  private fail(): void {
    this.failed = true;
    this.worker = undefined;
  }
}

/** What a batch needs from its pool. */
interface BatchHooks {
  /** True once the worker was stopped or failed: nothing it holds will be finished. */
  workerGone(): boolean;
  steal: boolean;
  /** Called once by `finish`; `reusable` when the worker can no longer touch the batch's memory. */
  finished(reusable: boolean, stats: { workerChunks: number; callerChunks: number }): void;
}

/** The answers of one batch, read in any order while the worker is still hashing (see {@link RevHashPool}). */
export interface RevHashBatch {
  /** The JSON text of body `index`, as the chunk's `JSON.stringify` wrote it (synchronous, as {@link hash}). */
  bodyJson(index: number): string;
  /** The revision hash of body `index` (synchronous: read, hashed here, or briefly waited for). */
  hash(index: number): string;
  /** Releases the batch's shared memory; chunks nobody read are taken from the worker first. Call it once. */
  finish(): void;
}

/** A batch of {@link RevHashPool}: its chunks in shared memory and which of them are settled. */
class PooledRevHashBatch implements RevHashBatch {
  /** True for a chunk whose hashes and spans are in shared memory, read or written by this thread. */
  private readonly settled: boolean[] = [];
  /** Every chunk after this one has been claimed (by either side): where stealing from the end starts looking. */
  private claimedAbove = Number.MAX_SAFE_INTEGER;
  private readonly stats = { workerChunks: 0, callerChunks: 0 };
  /** True when a chunk was taken from the worker after a timeout: it may still write into this memory. */
  private abandoned = false;
  private done = false;
  private readonly hashText: Buffer;

  constructor(
    /** The chunks posted so far (all of them once `begin` returned). */
    private chunks: readonly RevHashChunk[],
    /** Each chunk's JSON text. */
    private texts: readonly string[],
    private readonly memory: BatchMemory,
    private readonly hooks: BatchHooks,
  ) {
    this.hashText = Buffer.from(memory.results.buffer, memory.results.byteOffset, memory.results.byteLength);
  }

  bodyJson(index: number): string {
    const c = this.settle(index);
    const spans = this.memory.spans;
    return this.texts[c]!.slice(spans[2 * index], spans[2 * index + 1]);
  }

  hash(index: number): string {
    this.settle(index);
    return this.hashText.toString('latin1', index * HASH_BYTES, (index + 1) * HASH_BYTES);
  }

  finish(): void {
    if (this.done) return;
    this.done = true;
    for (let c = 0; c < this.chunks.length; c++) {
      if (!this.settled[c] && !claimChunk(this.chunks[c]!, CLAIMED_BY_CALLER)) {
        // The worker has it: the memory can be reused only once the worker is done with it.
        if (claimState(this.memory.claims, c) === CLAIMED_BY_WORKER && !this.waitForWorker(c)) this.abandoned = true;
      }
    }
    this.hooks.finished(!this.abandoned, this.stats);
    this.release();
  }

  /** Drops what a finished batch no longer needs: its text, and its chunks but one, emptied (see RevHashPool.latest). */
  private release(): void {
    this.texts = [];
    const kept = this.chunks[0];
    if (kept === undefined) return;
    kept.bytes = NO_BYTES;
    kept.parentHash = [];
    this.chunks = [kept];
  }

  /** Makes sure the chunk of body `index` is hashed, here or by the worker; returns the chunk's number. */
  private settle(index: number): number {
    const c = (index / CHUNK) | 0;
    if (this.settled[c] !== true) this.settleChunk(c);
    return c;
  }

  private settleChunk(c: number): void {
    const chunk = this.chunks[c]!;
    if (this.hooks.steal && claimChunk(chunk, CLAIMED_BY_CALLER)) return this.hashHere(chunk);
    // While the worker hashes this chunk, hash the ones it would reach last rather than wait.
    while (this.hooks.steal && claimState(this.memory.claims, c) === CLAIMED_BY_WORKER && this.stealFromEnd(c)) {
      // One chunk hashed: look again.
    }
    this.waitForWorker(c);
    const state = claimState(this.memory.claims, c);
    if (state === HASHED_BY_WORKER) {
      this.stats.workerChunks++;
      this.settled[c] = true;
      return;
    }
    // Still the worker's (stopped, or starved of CPU): it may yet write into this batch's memory.
    if (state === CLAIMED_BY_WORKER) this.abandoned = true;
    // Else handed back by a worker that failed on it, or never reached: take it so the worker skips it.
    else claimChunk(chunk, CLAIMED_BY_CALLER);
    this.hashHere(chunk);
  }

  /** Hashes the last chunk after `c` that nobody took; false when there is none. */
  private stealFromEnd(c: number): boolean {
    for (let last = Math.min(this.chunks.length - 1, this.claimedAbove); last > c; last--) {
      if (claimChunk(this.chunks[last]!, CLAIMED_BY_CALLER)) {
        this.claimedAbove = last - 1;
        this.hashHere(this.chunks[last]!);
        return true;
      }
    }
    this.claimedAbove = Math.min(this.claimedAbove, c);
    return false;
  }

  private hashHere(chunk: RevHashChunk): void {
    this.stats.callerChunks++;
    hashChunk(chunk);
    this.settled[chunk.chunk] = true;
  }

  /**
   * Blocks while the worker hashes chunk `c` (or, when the caller does not steal, until it gets to it), at most
   * WAIT_FOR_WORKER_MS; true once the chunk's hashes are in shared memory.
   */
  private waitForWorker(c: number): boolean {
    const claims = this.memory.claims;
    const deadline = performance.now() + (this.hooks.steal ? WAIT_FOR_WORKER_MS : WAIT_WITHOUT_STEALING_MS);
    for (;;) {
      const value = Atomics.load(claims, c);
      const state = value & 3;
      if (state === HASHED_BY_WORKER) return true;
      if (state !== CLAIMED_BY_WORKER && (this.hooks.steal || state === CLAIMED_BY_CALLER)) return false;
      const left = deadline - performance.now();
      if (left <= 0 || this.hooks.workerGone()) return false;
      Atomics.wait(claims, c, value, left);
    }
  }
}

function newGroup(batch: number, first: number): Extract<RevHashMessage, { kind: 'chunks' }> {
  return { kind: 'chunks', batch, first, arenas: [], starts: [], ends: [] };
}

function post(worker: Worker, message: RevHashMessage): void {
  worker.postMessage(message);
}

let shared: RevHashPool | undefined;

/**
 * The process's one hashing pool, started on first use. Hashing keeps no state, so every engine shares it; its
 * thread never keeps the process alive (see {@link RevHashPool}) and is not closed with an engine.
 */
export function sharedRevHashPool(): RevHashPool {
  return (shared ??= new RevHashPool());
}

/**
 * Shared memory of one batch: UTF-8 arenas filled front to back with the chunks' JSON, the chunks' claim slots, and
 * per body its inputs (deletion, parent generation) and what the hashing writes back (hash, span).
 */
interface BatchMemory {
  claims: Int32Array;
  results: Uint8Array;
  spans: Int32Array;
  deleted: Uint8Array;
  parentPos: Float64Array;
  arenas: Arena[];
}

interface Arena {
  bytes: Uint8Array;
  writer: Buffer;
  used: number;
}

const NO_BYTES = new Uint8Array(0);

/** Arena size: a batch of 1,000 typical documents fits in one. */
const ARENA_BYTES = 1 << 20;
/** Arenas kept for reuse between batches. */
const SPARE_ARENAS = 2;

/** Per-body arrays of a batch, kept for reuse between batches. */
type BodyArrays = Pick<BatchMemory, 'results' | 'spans' | 'deleted' | 'parentPos'>;

/**
 * Reuses shared memory between batches: allocating a SharedArrayBuffer (zeroed, often fresh pages) per chunk cost
 * more than the hashing it carried.
 */
class SharedMemoryPool {
  private spareArenas: Arena[] = [];
  private spareClaims: Int32Array | undefined;
  private spareBodies: BodyArrays | undefined;

  lease(chunks: number, count: number, batch: number): BatchMemory {
    let claims = this.spareClaims;
    if (claims === undefined || claims.length < chunks) claims = new Int32Array(new SharedArrayBuffer(4 * Math.max(chunks, 64)));
    let bodies = this.spareBodies;
    if (bodies === undefined || bodies.deleted.length < count) bodies = bodyArrays(Math.max(count, 1024));
    this.spareClaims = undefined;
    this.spareBodies = undefined;
    freeClaims(claims, batch);
    const { results, spans, deleted, parentPos } = bodies;
    return { claims, results, spans, deleted, parentPos, arenas: [] };
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
    this.spareClaims = memory.claims;
    this.spareBodies = memory;
    for (const arena of memory.arenas) if (this.spareArenas.length < SPARE_ARENAS) this.spareArenas.push(arena);
    // The memory is kept as spare per-body arrays: it must not hold on to arenas beyond the spare ones.
    memory.arenas = [];
  }
}

/** The per-body arrays for `count` bodies, in one SharedArrayBuffer. */
function bodyArrays(count: number): BodyArrays {
  // Float64 first, for alignment: parent generations, then spans, hashes and deletion flags.
  const shared = new SharedArrayBuffer(count * (8 + 8 + HASH_BYTES + 1));
  return {
    parentPos: new Float64Array(shared, 0, count),
    spans: new Int32Array(shared, 8 * count, 2 * count),
    results: new Uint8Array(shared, 16 * count, HASH_BYTES * count),
    deleted: new Uint8Array(shared, (16 + HASH_BYTES) * count, count),
  };
}

/** Bodies `from..to` as one chunk: their JSON array, UTF-8 in shared memory, and the batch's per-body arrays. */
function encodeChunk(
  pool: SharedMemoryPool,
  memory: BatchMemory,
  batch: number,
  chunk: number,
  from: number,
  to: number,
  text: string,
  parentHash: readonly string[],
): RevHashChunk {
  // A UTF-16 unit is at most 3 UTF-8 bytes.
  const arena = pool.room(memory, text.length * 3);
  const start = arena.used;
  const end = start + arena.writer.write(text, start, 'utf8');
  arena.used = end;
  const { claims, results, spans, deleted, parentPos } = memory;
  return { claims, results, spans, first: from, count: to - from, batch, chunk, bytes: arena.bytes, start, end, deleted, parentPos, parentHash };
}
