import { Worker } from 'node:worker_threads';
import { CLAIMED_BY_CALLER, claimChunk, hashChunk, type RevHashChunk } from './rev-hash-chunk.js';
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
    const claims = new Int32Array(new SharedArrayBuffer(4 * chunks));
    const posted: RevHashChunk[] = [];
    const replies: Array<Promise<string[] | undefined>> = [];
    this.hold();
    try {
      for (let c = 0; c < chunks; c++) {
        const chunk = encodeChunk(claims, batch, c, c * CHUNK, Math.min(count, (c + 1) * CHUNK), item);
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

/** Bodies `from..to` as one chunk: UTF-8 text in a shared buffer, and each body's revision inputs. */
function encodeChunk(
  claims: Int32Array,
  batch: number,
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
  const shared = new SharedArrayBuffer(room);
  const bytes = new Uint8Array(shared);
  const writer = Buffer.from(shared);
  const offsets = new Int32Array(items.length + 1);
  const deleted = new Uint8Array(items.length);
  const parentPos = new Float64Array(items.length);
  const parentHash: string[] = [];
  let at = 0;
  items.forEach((it, i) => {
    at += writer.write(it.bodyJson, at, 'utf8');
    offsets[i + 1] = at;
    deleted[i] = it.deleted ? 1 : 0;
    parentPos[i] = it.parent?.pos ?? 0;
    parentHash.push(it.parent?.hash ?? '');
  });
  return { claims, batch, chunk, bytes, offsets, deleted, parentPos, parentHash };
}
