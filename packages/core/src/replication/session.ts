import type { ChangesRow, Seq } from '../adapter/changes.js';
import type { DatabaseAdapter } from '../adapter/database-adapter.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { Checkpoints } from './checkpoints.js';
import { copyBatch } from './copy-batch.js';
import { RevisionFetcher } from './fetch-revisions.js';
import type { FeedFilter } from './feed-filter.js';
import { REPLICATION_ID_VERSION } from './replication-id.js';
import { RowQueue } from './row-queue.js';
import { snapshotStats, type MutableStats } from './stats.js';
import type { CheckpointPlacement, ReplicationEvent, ReplicationHistoryEntry, ReplicationResult } from './types.js';

/** Everything one session needs; the replication keeps `stats` across the sessions of its retries. */
export interface SessionContext {
  readonly source: DatabaseAdapter;
  readonly target: DatabaseAdapter;
  readonly replicationId: string;
  readonly filter: FeedFilter;
  /** `main_only` for `winning_revs_only`, else `all_docs` (every leaf). */
  readonly style: 'main_only' | 'all_docs';
  readonly since: Seq | undefined;
  readonly continuous: boolean;
  readonly batchSize: number;
  readonly batchesLimit: number;
  readonly checkpoint: CheckpointPlacement;
  readonly stats: MutableStats;
  readonly signal: AbortSignal;
  readonly emit: (event: ReplicationEvent) => void;
  /** Called after each written batch: the session made progress, so the retry counter starts over. */
  readonly onProgress: () => void;
}

/** Thrown inside a session once it was cancelled; the replication swallows it. */
export class SessionAborted extends Error {
  constructor() {
    super('replication cancelled');
  }
}

/** A batch whose revisions are being copied; `seq` is checkpointed once it and every batch before it are written. */
interface InFlightBatch {
  readonly seq: Seq;
  readonly done: Promise<void>;
}

function randomHex(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The missing-database answer CouchDB's replicator gives, naming the database by its credential-free location. */
export async function assertExists(db: DatabaseAdapter): Promise<void> {
  try {
    await db.info();
  } catch (error) {
    if (error instanceof NotFoundError) throw new NotFoundError(`could not open ${db.location}`, { error: 'db_not_found', cause: error });
    throw error;
  }
}

function sameSeq(a: Seq, b: Seq): boolean {
  return String(a) === String(b);
}

/**
 * One replication session, CouchDB's replicator job between two restarts: find the start in the checkpoints, read
 * the changes in pages of `batchSize` (`style=all_docs`), copy up to `batchesLimit` batches at once, checkpoint
 * each batch once it and all before it are written; one-shot sessions end when caught up, continuous ones follow
 * the live feed. Rejects on the first failure; the caller decides about retrying.
 */
export async function runSession(ctx: SessionContext): Promise<ReplicationResult> {
  const { source, target, stats, signal, emit } = ctx;
  const aborted = (): boolean => signal.aborted;
  const checkAborted = (): void => {
    if (signal.aborted) throw new SessionAborted();
  };

  await Promise.all([assertExists(source), assertExists(target)]);
  checkAborted();
  const checkpoints = new Checkpoints(source, target, ctx.replicationId, ctx.checkpoint, (seq) => {
    if (!aborted()) emit({ type: 'checkpoint', seq });
  }, aborted);
  const start = await checkpoints.start();
  checkAborted();

  const sessionId = randomHex();
  const startTime = new Date().toUTCString();
  const startSeq: Seq = ctx.since ?? start.since;
  let committed: Seq = startSeq;
  let pending = 0;
  const entry = (): ReplicationHistoryEntry => ({
    session_id: sessionId,
    start_time: startTime,
    end_time: new Date().toUTCString(),
    start_last_seq: startSeq,
    end_last_seq: committed,
    recorded_seq: committed,
    ...snapshotStats(stats),
  });

  const fetcher = new RevisionFetcher(source);
  const inFlight: InFlightBatch[] = [];
  const commitHead = async (): Promise<void> => {
    const head = inFlight.shift();
    if (head === undefined) return;
    await head.done;
    checkAborted();
    checkpoints.throwIfFailed();
    committed = head.seq;
    checkpoints.request(head.seq, entry);
    ctx.onProgress();
    emit({ type: 'progress', ...snapshotStats(stats), pending, last_seq: head.seq });
  };
  const enqueue = async (rows: readonly ChangesRow[], seq: Seq): Promise<void> => {
    const done = rows.length === 0 ? Promise.resolve() : copyBatch(rows, fetcher, target, stats, aborted);
    // Awaited in order by commitHead; this only keeps an early failure from being reported as unhandled.
    done.catch(() => undefined);
    inFlight.push({ seq, done });
    while (inFlight.length >= ctx.batchesLimit) await commitHead();
  };
  const drain = async (): Promise<void> => {
    while (inFlight.length > 0) await commitHead();
  };

  emit({ type: 'active' });
  let cursor: Seq = startSeq;
  let rowsRead = 0;
  for (;;) {
    checkAborted();
    const page = await source.changes({ since: cursor, limit: ctx.batchSize, style: ctx.style, ...ctx.filter });
    checkAborted();
    const advanced = !sameSeq(page.last_seq, cursor);
    cursor = page.last_seq;
    pending = typeof page.pending === 'number' ? page.pending : 0;
    rowsRead += page.results.length;
    if (ctx.continuous) {
      // CouchDB's continuous jobs checkpoint the feed's last_seq, even past changes a filter left out.
      if (page.results.length > 0 || advanced) await enqueue(page.results, cursor);
    } else if (page.results.length > 0) {
      // One-shot jobs checkpoint the last change they saw (CouchDB ignores last_seq there), so a run that saw no
      // change at all, filtered ones included, ends with `no_changes`.
      await enqueue(page.results, page.results[page.results.length - 1]!.seq);
    }
    if (page.results.length === 0 || page.pending === 0) break;
  }
  await drain();

  if (ctx.continuous) await followLiveFeed();

  await checkpoints.flush();
  const nothingNew = rowsRead === 0;
  if (nothingNew) {
    const previous = start.previous;
    return {
      ok: true,
      no_changes: true,
      replication_id: ctx.replicationId,
      session_id: previous?.session_id ?? sessionId,
      source_last_seq: previous?.source_last_seq ?? startSeq,
      replication_id_version: REPLICATION_ID_VERSION,
      history: previous?.history ?? [],
      stats: snapshotStats(stats),
    };
  }
  // The history the last checkpoint recorded, as CouchDB answers: a later no_changes answer, read back from that
  // checkpoint, then repeats it exactly (its end_time included).
  const recorded = checkpoints.written !== undefined && sameSeq(checkpoints.written, committed) ? checkpoints.writtenHistory : undefined;
  return {
    ok: true,
    replication_id: ctx.replicationId,
    session_id: sessionId,
    source_last_seq: committed,
    replication_id_version: REPLICATION_ID_VERSION,
    history: recorded ?? checkpoints.historyWith(entry()),
    stats: snapshotStats(stats),
  };

  /** Continuous mode after the catch-up: batches from the live feed, `paused` whenever everything is written. */
  async function followLiveFeed(): Promise<never> {
    const queue = new RowQueue();
    const subscription = source
      .liveChanges({ since: cursor, style: ctx.style, ...ctx.filter })
      .subscribe({ next: (row) => queue.push(row), error: (error: unknown) => queue.fail(error), complete: () => queue.end() });
    const stop = (): void => queue.end();
    signal.addEventListener('abort', stop);
    let paused = true;
    try {
      emit({ type: 'paused' });
      for (;;) {
        const rows = await queue.take(ctx.batchSize);
        checkAborted();
        if (rows === undefined) throw new NotFoundError(`could not open ${source.location}`, { error: 'db_not_found' });
        if (paused) emit({ type: 'active' });
        paused = false;
        pending = queue.size;
        await enqueue(rows, rows[rows.length - 1]!.seq);
        if (queue.size === 0) {
          await drain();
          if (queue.size === 0) {
            paused = true;
            emit({ type: 'paused' });
          }
        }
      }
    } finally {
      signal.removeEventListener('abort', stop);
      subscription.unsubscribe();
    }
  }
}
