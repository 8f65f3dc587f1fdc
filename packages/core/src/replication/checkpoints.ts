import type { Seq } from '../adapter/changes.js';
import type { DatabaseAdapter } from '../adapter/database-adapter.js';
import { ConflictError } from '../errors/conflict-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { isJsonObject, type JsonObject } from '../json.js';
import { REPLICATION_ID_VERSION } from './replication-id.js';
import type { CheckpointDoc, CheckpointPlacement, ReplicationHistoryEntry } from './types.js';

/** CouchDB keeps this many sessions in a checkpoint's history. */
const MAX_HISTORY = 50;

/** A checkpoint document as read from one side, with the `_rev` to write the next one over. */
interface StoredCheckpoint {
  doc: CheckpointDoc | undefined;
  rev: string | undefined;
}

/** Where a session starts: the sequence, and the history the new session's entry is put in front of. */
export interface StartPoint {
  readonly since: Seq;
  readonly history: readonly ReplicationHistoryEntry[];
  /** The checkpoint the start was taken from, when the sides agreed on one. */
  readonly previous: CheckpointDoc | undefined;
}

function asCheckpoint(value: JsonObject): CheckpointDoc | undefined {
  const { session_id: sessionId, source_last_seq: seq, history } = value;
  if (typeof sessionId !== 'string' || (typeof seq !== 'string' && typeof seq !== 'number') || !Array.isArray(history)) {
    return undefined;
  }
  return value as unknown as CheckpointDoc;
}

async function readSide(db: DatabaseAdapter, docId: string): Promise<StoredCheckpoint> {
  try {
    const doc = await db.get(docId);
    return { doc: asCheckpoint(doc), rev: doc._rev };
  } catch (error) {
    if (error instanceof NotFoundError && error.reason !== 'Database does not exist.') return { doc: undefined, rev: undefined };
    throw error;
  }
}

/**
 * CouchDB's rule for two checkpoints: the same session on both sides means both recorded the same point; otherwise
 * the newest session both histories share is the last point both sides surely reached; with none, start over.
 */
function agreedStart(source: CheckpointDoc, target: CheckpointDoc): StartPoint {
  if (source.session_id === target.session_id) {
    return { since: source.source_last_seq, history: source.history, previous: source };
  }
  const targetSessions = new Set(target.history.map((entry) => entry.session_id));
  const index = source.history.findIndex((entry) => isJsonObject(entry) && targetSessions.has(entry.session_id));
  const shared = source.history[index];
  if (shared === undefined) return { since: 0, history: [], previous: undefined };
  return { since: shared.recorded_seq, history: source.history.slice(index), previous: undefined };
}

/**
 * The `_local/<replication id>` documents of one replication on the sides `placement` names: reads the start point,
 * then writes one checkpoint per written batch in CouchDB's format. Writes are serialised and coalesced (a
 * checkpoint asked for while one is being written replaces the one waiting), so they never hold up reads.
 */
export class Checkpoints {
  readonly #docId: string;
  readonly #sides: Array<{ db: DatabaseAdapter; stored: StoredCheckpoint }>;
  #history: readonly ReplicationHistoryEntry[] = [];
  #writing: Promise<void> | undefined;
  #waiting: { seq: Seq; entry: () => ReplicationHistoryEntry } | undefined;
  #failure: unknown;
  /** The last sequence written to every side. */
  written: Seq | undefined;
  /** The history the last checkpoint recorded (what CouchDB answers a finished replication with). */
  writtenHistory: readonly ReplicationHistoryEntry[] | undefined;

  constructor(
    source: DatabaseAdapter,
    target: DatabaseAdapter,
    replicationId: string,
    placement: CheckpointPlacement,
    private readonly onWritten: (seq: Seq) => void,
    /** Once the replication is cancelled, no further checkpoint is started. */
    private readonly cancelled: () => boolean = () => false,
  ) {
    this.#docId = `_local/${replicationId}`;
    const dbs = placement === 'both' ? [source, target] : placement === 'source' ? [source] : placement === 'target' ? [target] : [];
    this.#sides = dbs.map((db) => ({ db, stored: { doc: undefined, rev: undefined } }));
  }

  /** Reads the checkpoints and decides where to start. */
  async start(): Promise<StartPoint> {
    const stored = await Promise.all(this.#sides.map((side) => readSide(side.db, this.#docId)));
    stored.forEach((s, i) => {
      this.#sides[i]!.stored = s;
    });
    const docs = stored.map((s) => s.doc);
    let start: StartPoint = { since: 0, history: [], previous: undefined };
    const [first, second] = docs;
    if (docs.length === 1 && first !== undefined) start = { since: first.source_last_seq, history: first.history, previous: first };
    if (docs.length === 2 && first !== undefined && second !== undefined) start = agreedStart(first, second);
    this.#history = start.history;
    return start;
  }

  /** Asks for a checkpoint at `seq`; `entry` builds the session's history entry when the write starts. */
  request(seq: Seq, entry: () => ReplicationHistoryEntry): void {
    if (this.#sides.length === 0) return;
    this.#waiting = { seq, entry };
    this.#writing ??= this.#drain();
  }

  /** Waits for every requested checkpoint; rejects with the first write failure. */
  async flush(): Promise<void> {
    while (this.#writing !== undefined) await this.#writing;
    this.throwIfFailed();
  }

  /** Rethrows a failed checkpoint write, so the session stops instead of running on without checkpoints. */
  throwIfFailed(): void {
    if (this.#failure !== undefined) throw this.#failure;
  }

  async #drain(): Promise<void> {
    try {
      while (this.#waiting !== undefined && this.#failure === undefined && !this.cancelled()) {
        const { seq, entry } = this.#waiting;
        this.#waiting = undefined;
        await this.#write(seq, entry());
      }
    } catch (error) {
      this.#failure = error;
    } finally {
      this.#writing = undefined;
    }
  }

  /** The checkpoint history with `entry` as this session's: first, before the earlier sessions'. */
  historyWith(entry: ReplicationHistoryEntry): ReplicationHistoryEntry[] {
    return [entry, ...this.#history.filter((old) => old.session_id !== entry.session_id)].slice(0, MAX_HISTORY);
  }

  async #write(seq: Seq, entry: ReplicationHistoryEntry): Promise<void> {
    const history = this.historyWith(entry);
    const body: CheckpointDoc = {
      session_id: entry.session_id,
      source_last_seq: seq,
      replication_id_version: REPLICATION_ID_VERSION,
      history,
    };
    await Promise.all(this.#sides.map((side) => this.#writeSide(side, body)));
    this.written = seq;
    this.writtenHistory = history;
    this.onWritten(seq);
  }

  async #writeSide(side: { db: DatabaseAdapter; stored: StoredCheckpoint }, body: CheckpointDoc): Promise<void> {
    const put = (rev: string | undefined) =>
      side.db.put({ _id: this.#docId, ...(rev === undefined ? {} : { _rev: rev }), ...(body as unknown as JsonObject) });
    let result;
    try {
      result = await put(side.stored.rev);
    } catch (error) {
      // CouchDB ignores `_rev` on `_local` documents; PouchDB checks it. Someone else wrote it: take theirs over.
      if (!(error instanceof ConflictError)) throw error;
      result = await put((await readSide(side.db, this.#docId)).rev);
    }
    side.stored = { doc: body, rev: result.rev };
  }
}
