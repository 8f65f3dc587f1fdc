import {
  SetteeError,
  redactCredentials,
  type ChangesRow,
  type DatabaseAdapter,
  type JsonObject,
  type ServerAdapter,
} from '@settee/core';
import type { Subscription } from 'rxjs';
import { resolveEndpoint, type ResolvedEndpoint } from './endpoint.js';
import { ReplicationJob, isoSeconds } from './job.js';
import { NODE_NAME } from '../server-state.js';
import { parseReplicationRequest } from './request.js';

/** The name clients use for the replicator database. */
export const REPLICATOR = '_replicator';

/** What `_scheduler/docs` knows about one `_replicator` document. */
interface DocEntry {
  readonly docId: string;
  /** The revision the job (or the stored state) belongs to. */
  rev: string;
  job: ReplicationJob | undefined;
  /** A state read from the document (`completed`, `failed`) or decided without a job (an invalid document). */
  stored: { state: string; info: JsonObject | null; source: string | null; target: string | null; time: number } | undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const TERMINAL = new Set(['completed', 'failed']);

/** An endpoint as `_scheduler/docs` shows a stored one: its URL without credentials, with the trailing slash. */
function shownEndpoint(value: unknown): string | null {
  const url = typeof value === 'string' ? value : isRecord(value) && typeof value['url'] === 'string' ? value['url'] : undefined;
  if (url === undefined) return null;
  if (!/^https?:\/\//i.test(url)) return url;
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    const text = parsed.toString();
    return text.endsWith('/') ? text : `${text}/`;
  } catch {
    return null;
  }
}

/** The `_local` document keeping a finished job's state (the engine refuses `_replication_*` members in documents). */
function stateDocId(docId: string): string {
  return `_local/settee-replication-state:${docId}`;
}

/**
 * The `_replicator` database: every document is a replication. Writing one starts it, changing it restarts it,
 * deleting it stops it. A one-shot job that completes (or any job that fails for good) gets CouchDB's
 * `_replication_state`, `_replication_state_time` and `_replication_stats`/`_replication_state_reason` fields
 * recorded for its revision, so a restarted server does not run it again. CouchDB writes them into the document
 * itself; the engine refuses `_`-prefixed members there, so they live in a `_local` document beside it. Running
 * jobs are not recorded (CouchDB 3 keeps their state in the scheduler) and resume from their checkpoints.
 */
export class ReplicatorDocs {
  readonly #entries = new Map<string, DocEntry>();
  readonly #db: DatabaseAdapter;
  #subscription: Subscription | undefined;
  /** Changes are handled one after the other, so a document's revisions are seen in order. */
  #queue: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(
    private readonly engine: ServerAdapter,
    engineName: string,
    /** Job ids running for `_replicate` requests or other documents: one replication runs once. */
    private readonly isRunning: (id: string) => ReplicationJob | undefined,
    private readonly log: (line: string) => void,
  ) {
    this.#db = engine.db(engineName);
  }

  /** Reads every document (resuming the replications of a previous run), then follows new writes. */
  start(): void {
    this.#subscription = this.#db.liveChanges({ since: 0, include_docs: true }).subscribe({
      next: (row) => {
        this.#queue = this.#queue.then(() => this.#onChange(row)).catch((error: unknown) => {
          this.log(`replicator document ${row.id}: ${redactCredentials(error instanceof Error ? error.message : String(error))}`);
        });
      },
      error: (error: unknown) => {
        if (!this.#closed) this.log(`replicator database feed ended: ${redactCredentials(error instanceof Error ? error.message : String(error))}`);
      },
    });
  }

  /** The running jobs started by documents. */
  jobs(): ReplicationJob[] {
    return [...this.#entries.values()].flatMap((entry) => (entry.job?.active === true ? [entry.job] : []));
  }

  /** Every document's scheduler state, by document id. */
  states(): JsonObject[] {
    return [...this.#entries.values()]
      .sort((a, b) => (a.docId < b.docId ? -1 : a.docId > b.docId ? 1 : 0))
      .map((entry) => this.#stateOf(entry));
  }

  /** One document's scheduler state, or undefined when the scheduler does not know it. */
  state(docId: string): JsonObject | undefined {
    const entry = this.#entries.get(docId);
    return entry === undefined ? undefined : this.#stateOf(entry);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#subscription?.unsubscribe();
    // A change being handled may still start a job: wait for it, then stop everything.
    await this.#queue;
    await Promise.all([...this.#entries.values()].map((entry) => entry.job?.stop()));
  }

  #stateOf(entry: DocEntry): JsonObject {
    const base = { database: REPLICATOR, doc_id: entry.docId };
    const job = entry.job;
    if (job === undefined || entry.stored !== undefined) {
      const stored = entry.stored;
      const time = isoSeconds(stored?.time ?? Date.now());
      return {
        ...base,
        id: null,
        source: stored?.source ?? null,
        target: stored?.target ?? null,
        state: stored?.state ?? 'failed',
        error_count: stored?.state === 'failed' ? 1 : 0,
        info: stored?.info ?? null,
        start_time: time,
        last_updated: time,
      };
    }
    const finished = job.state === 'completed' || job.state === 'failed';
    return {
      ...base,
      id: finished ? null : job.id,
      ...(finished ? {} : { node: NODE_NAME }),
      source: job.source.display,
      target: job.target.display,
      state: job.state,
      info: job.info(),
      error_count: job.errorCount,
      ...(job.state === 'crashing' && job.error !== undefined ? { last_error: job.error } : {}),
      last_updated: isoSeconds(job.lastUpdated),
      start_time: isoSeconds(job.startedOn),
      ...(finished ? {} : { source_proxy: null, target_proxy: null }),
    };
  }

  async #onChange(row: ChangesRow): Promise<void> {
    if (this.#closed || row.id.startsWith('_design/')) return;
    const existing = this.#entries.get(row.id);
    if (row.deleted === true || row.doc === undefined) {
      this.#entries.delete(row.id);
      await existing?.job?.stop();
      await this.#db.remove(stateDocId(row.id), '0-1').catch(() => undefined);
      return;
    }
    const doc = row.doc as Record<string, unknown>;
    const rev = String(doc['_rev']);
    if (existing !== undefined && existing.rev === rev) return;
    await existing?.job?.stop();
    const recorded = await this.#recordedState(row.id, rev);
    const inDoc = doc['_replication_state'];
    const finished = recorded ?? (typeof inDoc === 'string' && TERMINAL.has(inDoc) ? doc : undefined);
    if (this.#closed) return;
    if (finished !== undefined) {
      // A finished revision read at start (or written by a CouchDB): nothing to run.
      this.#entries.set(row.id, { docId: row.id, rev, job: undefined, stored: this.#storedOf(doc, finished) });
      return;
    }
    await this.#startJob(row.id, rev, doc);
  }

  /** The state recorded for this revision of a document, if its job finished. */
  async #recordedState(docId: string, rev: string): Promise<Record<string, unknown> | undefined> {
    try {
      const state = (await this.#db.get(stateDocId(docId))) as Record<string, unknown>;
      return state['doc_rev'] === rev && TERMINAL.has(String(state['state'])) ? state : undefined;
    } catch {
      return undefined;
    }
  }

  /** A finished state, from the recorded `_local` state or from `_replication_*` members of the document. */
  #storedOf(doc: Record<string, unknown>, finished: Record<string, unknown>): NonNullable<DocEntry['stored']> {
    const field = (name: string): unknown => finished[`_replication_${name}`] ?? finished[name];
    const state = String(field('state'));
    const stats = isRecord(field('stats')) ? { ...(field('stats') as Record<string, unknown>) } : undefined;
    if (stats !== undefined) delete stats['start_time'];
    const reason = field('state_reason');
    const time = Date.parse(String(field('state_time') ?? ''));
    return {
      state,
      info: state === 'failed' ? { error: typeof reason === 'string' ? reason : null } : ((stats as JsonObject | undefined) ?? null),
      source: shownEndpoint(doc['source']),
      target: shownEndpoint(doc['target']),
      time: Number.isNaN(time) ? Date.now() : time,
    };
  }

  async #startJob(docId: string, rev: string, doc: Record<string, unknown>): Promise<void> {
    const failed = (reason: string): void => {
      this.#entries.set(docId, {
        docId,
        rev,
        job: undefined,
        stored: { state: 'failed', info: { error: reason }, source: shownEndpoint(doc['source']), target: shownEndpoint(doc['target']), time: Date.now() },
      });
    };
    let source: ResolvedEndpoint | undefined;
    let job: ReplicationJob;
    try {
      const spec = parseReplicationRequest(doc);
      source = resolveEndpoint(this.engine, spec.source);
      const target = resolveEndpoint(this.engine, spec.target);
      job = new ReplicationJob(spec, source, target, { database: REPLICATOR, docId, user: null }, (changed) => this.#onJobChange(docId, changed));
    } catch (error) {
      void source?.close();
      failed(error instanceof SetteeError ? error.reason : 'invalid replication document');
      return;
    }
    try {
      await job.resolveId();
    } catch (error) {
      await job.stop();
      failed(error instanceof SetteeError ? error.reason : 'invalid replication document');
      return;
    }
    if (this.#closed) {
      await job.stop();
      return;
    }
    const other = this.isRunning(job.id) ?? this.jobs().find((running) => running.id === job.id);
    if (other !== undefined) {
      void job.stop();
      const by = other.origin.docId === null ? 'a _replicate request' : `document \`${other.origin.docId}\``;
      failed(`Replication \`${job.id}\` specified by document \`${docId}\` already started, triggered by ${by}`);
      return;
    }
    this.#entries.set(docId, { docId, rev, job, stored: undefined });
    job.start();
  }

  /** A finished job's state goes into its document (CouchDB's `_replication_state` fields). */
  #onJobChange(docId: string, job: ReplicationJob): void {
    if (job.state !== 'completed' && job.state !== 'failed') return;
    const entry = this.#entries.get(docId);
    if (entry?.job !== job || this.#closed) return;
    this.#queue = this.#queue.then(() => this.#writeState(entry, job)).catch((error: unknown) => {
      this.log(`replicator document ${docId}: state not saved: ${redactCredentials(error instanceof Error ? error.message : String(error))}`);
    });
  }

  async #writeState(entry: DocEntry, job: ReplicationJob): Promise<void> {
    if (this.#closed || entry.job !== job) return;
    const time = isoSeconds(Date.now());
    const fields: JsonObject =
      job.state === 'completed'
        ? { state: 'completed', state_time: time, stats: { ...job.info(), start_time: isoSeconds(job.startedOn) } }
        : { state: 'failed', state_time: time, state_reason: job.error ?? null };
    // `_local` documents take any revision, so this never conflicts with an earlier record.
    await this.#db.put({ _id: stateDocId(entry.docId), doc_rev: entry.rev, ...fields });
  }
}
