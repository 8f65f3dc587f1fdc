import { Worker } from 'node:worker_threads';
import {
  CLAIMED_BY_CALLER,
  CLAIMED_BY_WORKER,
  claimChunk,
  claimState,
  freeClaims,
  HASH_BYTES,
  HASHED_BY_WORKER,
  hashChunk,
  type RevHashChunk,
} from './rev-hash-chunk.js';
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
 * `begin` encodes each chunk of bodies as UTF-8 into shared memory and posts it; the worker claims chunks in order
 * and writes their hashes back into shared memory. The writer then asks for each hash as it applies the documents
 * (`RevHashBatch.hash`, synchronous): a chunk the worker finished is read, a chunk nobody took yet is claimed and
 * hashed on the spot, and a chunk the worker is hashing right now is waited for (briefly). So the worker runs ahead
 * of the writer, the writer never hashes what the worker already did, and a worker that is slow to start, stopped
 * or failed only leaves more hashing to the writer: every answer is the right hash, never late.
 */
export class RevHashPool {
  private worker: Worker | undefined;
  private failed = false;
  private nextBatch = 0;
  /** Chunks hashed by the worker and by the calling thread, for tests and benchmarks. */
  readonly stats = { workerChunks: 0, callerChunks: 0 };
  private readonly memory = new SharedMemoryPool();

  /** @param options.steal false makes the caller wait for the worker rather than hash (for tests of the worker). */
  constructor(private readonly options: { steal?: boolean } = {}) {}

  /**
   * Hands `count` bodies to the worker, `item(i)` giving body i (called once per body, in order). Returns the batch
   * to read the hashes from, or `undefined` when there is no worker (the caller then hashes as it writes). Call
   * `finish` on the batch once every hash it needs was read.
   */
  begin(count: number, item: (index: number) => RevHashItem): RevHashBatch | undefined {
    const chunks = Math.ceil(count / CHUNK);
    if (chunks > MAX_CHUNKS) throw new RangeError(`At most ${MAX_CHUNKS * CHUNK} bodies per batch`);
    const worker = this.start();
    // Without a worker, encoding into shared memory would only add work.
    if (!worker || count === 0) return undefined;
    const batch = this.nextBatch++;
    const memory = this.memory.lease(chunks, count, batch);
    const posted: RevHashChunk[] = [];
    for (let c = 0; c < chunks; c++) {
      const chunk = encodeChunk(this.memory, memory, batch, c, c * CHUNK, Math.min(count, (c + 1) * CHUNK), item);
      posted.push(chunk);
      worker.postMessage(chunk);
    }
    return new PooledRevHashBatch(posted, memory, {
      workerGone: () => this.failed,
      steal: this.options.steal !== false,
      finished: (reusable, stats) => {
        this.stats.workerChunks += stats.workerChunks;
        this.stats.callerChunks += stats.callerChunks;
        if (reusable) this.memory.giveBack(memory);
      },
    });
  }

  /** Hashes `count` bodies and returns their hashes (`begin`, every `hash`, `finish`); `undefined` without a worker. */
  hashAll(count: number, item: (index: number) => RevHashItem): string[] | undefined {
    const batch = this.begin(count, item);
    if (batch === undefined) return undefined;
    try {
      return Array.from({ length: count }, (_, i) => batch.hash(i));
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

/** The hashes of one batch, read in any order while the worker is still hashing (see {@link RevHashPool}). */
export interface RevHashBatch {
  /** The revision hash of body `index` (synchronous: read, hashed here, or briefly waited for). */
  hash(index: number): string;
  /** Releases the batch's shared memory; chunks nobody read are taken from the worker first. Call it once. */
  finish(): void;
}

/** A batch of {@link RevHashPool}: its chunks in shared memory and what was read of them. */
class PooledRevHashBatch implements RevHashBatch {
  /** Hashes of chunks hashed or read so far, by chunk. */
  private readonly hashes: Array<readonly string[] | undefined> = [];
  private readonly stats = { workerChunks: 0, callerChunks: 0 };
  /** True when a chunk was taken from the worker after a timeout: it may still write into this memory. */
  private abandoned = false;
  private done = false;

  constructor(
    private readonly chunks: readonly RevHashChunk[],
    private readonly memory: BatchMemory,
    private readonly hooks: BatchHooks,
  ) {}

  /** The revision hash of body `index`. */
  hash(index: number): string {
    const c = Math.floor(index / CHUNK);
    const hashes = this.hashes[c] ?? (this.hashes[c] = this.settle(c));
    return hashes[index - c * CHUNK]!;
  }

  /** Releases the batch's shared memory; chunks nobody read are taken from the worker first. */
  finish(): void {
    if (this.done) return;
    this.done = true;
    for (let c = 0; c < this.chunks.length; c++) {
      if (this.hashes[c] === undefined && !claimChunk(this.chunks[c]!, CLAIMED_BY_CALLER)) {
        // The worker has it: the memory can be reused only once the worker is done with it.
        if (claimState(this.memory.claims, c) === CLAIMED_BY_WORKER && !this.waitForWorker(c)) this.abandoned = true;
      }
    }
    this.hooks.finished(!this.abandoned, this.stats);
  }

  /** The hashes of chunk `c`: the worker's, or computed here. */
  private settle(c: number): readonly string[] {
    const chunk = this.chunks[c]!;
    if (this.hooks.steal && claimChunk(chunk, CLAIMED_BY_CALLER)) return this.hashHere(chunk);
    this.waitForWorker(c);
    const state = claimState(this.memory.claims, c);
    if (state === HASHED_BY_WORKER) {
      this.stats.workerChunks++;
      return readHashes(chunk);
    }
    // Still the worker's (stopped, or starved of CPU): it may yet write into this batch's memory.
    if (state === CLAIMED_BY_WORKER) this.abandoned = true;
    // Else handed back by a worker that failed on it, or never reached: take it so the worker skips it.
    else claimChunk(chunk, CLAIMED_BY_CALLER);
    return this.hashHere(chunk);
  }

  private hashHere(chunk: RevHashChunk): readonly string[] {
    this.stats.callerChunks++;
    return hashChunk(chunk);
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

function readHashes(chunk: RevHashChunk): string[] {
  const out = Buffer.from(chunk.results.buffer, chunk.results.byteOffset, chunk.results.byteLength);
  const count = chunk.offsets.length - 1;
  const hashes: string[] = [];
  for (let i = 0; i < count; i++) {
    const at = (chunk.first + i) * HASH_BYTES;
    hashes.push(out.toString('latin1', at, at + HASH_BYTES));
  }
  return hashes;
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
 * Shared memory of one batch: UTF-8 arenas filled front to back with the bodies, the chunks' claim slots, and the
 * hashes the worker writes back.
 */
interface BatchMemory {
  claims: Int32Array;
  results: Uint8Array;
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
  private spareClaims: Int32Array | undefined;
  private spareResults: Uint8Array | undefined;

  lease(chunks: number, count: number, batch: number): BatchMemory {
    let claims = this.spareClaims;
    if (claims === undefined || claims.length < chunks) claims = new Int32Array(new SharedArrayBuffer(4 * Math.max(chunks, 64)));
    let results = this.spareResults;
    if (results === undefined || results.length < count * HASH_BYTES) results = new Uint8Array(new SharedArrayBuffer(HASH_BYTES * Math.max(count, 1024)));
    this.spareClaims = undefined;
    this.spareResults = undefined;
    freeClaims(claims, batch);
    return { claims, results, arenas: [] };
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
    this.spareResults = memory.results;
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
  return { claims: batch.claims, results: batch.results, first: from, batch: batchNumber, chunk, bytes: arena.bytes, offsets, deleted, parentPos, parentHash };
}
