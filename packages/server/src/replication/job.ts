import {
  SetteeError,
  fetchFilterCode,
  redactCredentials,
  replicate,
  replicationId,
  type JsonObject,
  type ReplicationEvent,
  type ReplicationResult,
  type ReplicationStats,
  type Seq,
} from '@settee/core';
import type { Subscription } from 'rxjs';
import type { ResolvedEndpoint } from './endpoint.js';
import type { ReplicationRequestSpec } from './request.js';
import { NODE_NAME } from '../server-state.js';

/** The scheduler states CouchDB 3 reports for a replication. */
export type JobState = 'initializing' | 'running' | 'crashing' | 'completed' | 'failed';

/** Who asked for the job: a `_replicate` request (no document) or a `_replicator` document. */
export interface JobOrigin {
  readonly database: string | null;
  readonly docId: string | null;
  readonly user: string | null;
}

let pids = 100;

/**
 * Events kept per job (CouchDB's `[replicator] max_history`, 20): a continuous job that keeps crashing for days
 * would otherwise grow its history without end. The oldest go first.
 */
export const MAX_HISTORY = 20;

/** CouchDB's scheduler timestamps: ISO 8601 to the second. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

/**
 * One running replication as the scheduler sees it: core's `replicate` plus the counters, states and history that
 * `_active_tasks`, `_scheduler/jobs` and `_scheduler/docs` show. Credentials never leave it: endpoints are shown in
 * their credential-free form and errors are redacted.
 */
export class ReplicationJob {
  /** CouchDB's job id: the replication id, plus `+continuous` and `+create_target` when set (see `resolveId`). */
  id: string;
  /** The replication id without extensions (the checkpoint documents' name). */
  baseId: string;
  readonly pid = `<0.${(pids += 1)}.0>`;
  readonly startedOn = Date.now();
  state: JobState = 'initializing';
  lastUpdated = Date.now();
  errorCount = 0;
  /** The last error's reason (redacted). */
  error: string | undefined;
  stats: ReplicationStats = { missing_checked: 0, missing_found: 0, docs_read: 0, docs_written: 0, doc_write_failures: 0, bulk_get_docs: 0, bulk_get_attempts: 0 };
  changesPending: number | null = null;
  checkpointedSeq: Seq = 0;
  throughSeq: Seq = 0;
  result: ReplicationResult | undefined;
  /** Settles when a one-shot job completes or any job fails for good; never for a running continuous job. */
  readonly done: Promise<ReplicationResult>;
  readonly #history: { timestamp: number; type: string; reason?: string }[] = [];
  #subscription: Subscription | undefined;
  #stopped = false;
  #settle: { resolve: (result: ReplicationResult) => void; reject: (error: SetteeError) => void } | undefined;

  constructor(
    readonly spec: ReplicationRequestSpec,
    readonly source: ResolvedEndpoint,
    readonly target: ResolvedEndpoint,
    readonly origin: JobOrigin,
    /** Told about every state change (the scheduler records `_replicator` states). */
    private readonly onChange: (job: ReplicationJob) => void = () => {},
  ) {
    this.baseId = replicationId(source.db.location, target.db.location, spec.options);
    this.id = this.#withExtensions(this.baseId);
    this.done = new Promise<ReplicationResult>((resolve, reject) => {
      this.#settle = { resolve, reject };
    });
    // A caller that only looks at the states must not see an unhandled rejection.
    this.done.catch(() => undefined);
    this.#record({ timestamp: this.startedOn, type: 'added' });
  }

  #record(entry: { timestamp: number; type: string; reason?: string }): void {
    this.#history.push(entry);
    if (this.#history.length > MAX_HISTORY) this.#history.splice(0, this.#history.length - MAX_HISTORY);
  }

  #withExtensions(baseId: string): string {
    return `${baseId}${this.spec.continuous ? '+continuous' : ''}${this.spec.createTarget ? '+create_target' : ''}`;
  }

  /**
   * Completes the id of a filtered replication: CouchDB hashes the filter's code, read from the source, so the id
   * is known only after that read (before the job answers or runs). Rejects with the error `_replicate` answers.
   */
  async resolveId(): Promise<void> {
    const filter = this.spec.options.filter;
    if (filter === undefined || filter.startsWith('_')) return;
    let code: string | undefined;
    try {
      code = await fetchFilterCode(this.source.db, filter);
    } catch (thrown) {
      const error = thrown instanceof SetteeError ? thrown : new SetteeError(500, 'error', String(thrown));
      if (error.reason === 'Database does not exist.') {
        throw this.errorOf(new SetteeError(404, 'db_not_found', `could not open ${this.source.db.location}`));
      }
      throw this.errorOf(error);
    }
    this.baseId = replicationId(this.source.db.location, this.target.db.location, this.spec.options, code);
    this.id = this.#withExtensions(this.baseId);
  }

  /** Starts replicating (after creating the target when asked to). */
  start(): void {
    void this.#run();
  }

  async #run(): Promise<void> {
    try {
      if (this.spec.createTarget) await this.target.create(this.spec.createTargetParams);
    } catch (error) {
      this.#fail(error);
      return;
    }
    if (this.#stopped) return;
    this.#record({ timestamp: Date.now(), type: 'started' });
    this.#subscription = replicate(this.source.db, this.target.db, { ...this.spec.options, continuous: this.spec.continuous }).subscribe({
      next: (event) => this.#onEvent(event),
      error: (error: unknown) => this.#fail(error),
    });
  }

  #onEvent(event: ReplicationEvent): void {
    this.lastUpdated = Date.now();
    switch (event.type) {
      case 'active':
        this.state = 'running';
        break;
      case 'progress': {
        const { missing_checked, missing_found, docs_read, docs_written, doc_write_failures, bulk_get_docs, bulk_get_attempts } = event;
        this.stats = { missing_checked, missing_found, docs_read, docs_written, doc_write_failures, bulk_get_docs, bulk_get_attempts };
        this.changesPending = event.pending;
        this.throughSeq = event.last_seq;
        break;
      }
      case 'checkpoint':
        this.checkpointedSeq = event.seq;
        break;
      case 'paused':
        break;
      case 'error':
        if (event.retrying) {
          this.state = 'crashing';
          this.errorCount += 1;
          this.error = this.#reasonOf(event.error);
          this.#record({ timestamp: Date.now(), type: 'crashed', reason: this.error });
        }
        break;
      case 'complete':
        this.result = event.result;
        this.stats = event.result.stats;
        this.state = 'completed';
        this.changesPending = null;
        this.checkpointedSeq = event.result.source_last_seq;
        this.#record({ timestamp: Date.now(), type: 'stopped' });
        this.#settle?.resolve(event.result);
        void this.#release();
        break;
    }
    this.onChange(this);
  }

  /** CouchDB names a missing database by its credential-free URL, and a missing filter by its design document. */
  #reasonOf(error: SetteeError): string {
    if (error.error === 'db_not_found') {
      for (const side of [this.source, this.target]) {
        if (error.reason.includes(side.db.location)) return `could not open ${side.display}`;
      }
    }
    const filter = this.spec.options.filter;
    if (error.error === 'not_found' && filter !== undefined) {
      // CouchDB's wording for a filter it cannot load from the source's design document.
      const ddoc = filter.split('/')[0] ?? filter;
      return `Couldn't parse filter code from document ${ddoc} on \`${this.source.display}\`  Error: {not_found,<<"${redactCredentials(error.reason)}">>}`;
    }
    return redactCredentials(error.reason);
  }

  /** The error a failed job answers `_replicate` with: CouchDB sends a missing database as a 500. */
  errorOf(error: SetteeError): SetteeError {
    const reason = this.#reasonOf(error);
    if (error.error === 'db_not_found') return new SetteeError(500, 'db_not_found', reason);
    return new SetteeError(error.status, error.error, reason);
  }

  #fail(thrown: unknown): void {
    if (this.#stopped) return;
    const error = thrown instanceof SetteeError ? thrown : new SetteeError(500, 'error', thrown instanceof Error ? thrown.message : 'replication failed');
    this.state = 'failed';
    this.errorCount += 1;
    this.error = this.#reasonOf(error);
    this.lastUpdated = Date.now();
    this.#record({ timestamp: this.lastUpdated, type: 'crashed', reason: this.error });
    this.#settle?.reject(this.errorOf(error));
    void this.#release();
    this.onChange(this);
  }

  /** Stops the job (cancel, document deleted or changed, server closing). */
  async stop(): Promise<void> {
    if (!this.#stopped && this.active) {
      // A `_replicate` request still waiting for this one-shot job gets an answer instead of hanging.
      this.#settle?.reject(new SetteeError(500, 'error', 'The replication was cancelled'));
    }
    this.#stopped = true;
    this.#subscription?.unsubscribe();
    await this.#release();
  }

  async #release(): Promise<void> {
    await Promise.all([this.source.close(), this.target.close()]).catch(() => undefined);
  }

  /** True while the job copies or waits for changes (not completed, not failed). */
  get active(): boolean {
    return !this.#stopped && this.state !== 'completed' && this.state !== 'failed';
  }

  /** The counters under CouchDB's scheduler names. */
  info(): JsonObject {
    if (this.state === 'failed') return { error: this.error ?? null };
    const counters: JsonObject = {
      revisions_checked: this.stats.missing_checked,
      missing_revisions_found: this.stats.missing_found,
      docs_read: this.stats.docs_read,
      docs_written: this.stats.docs_written,
      changes_pending: this.changesPending,
      doc_write_failures: this.stats.doc_write_failures,
      bulk_get_docs: this.stats.bulk_get_docs,
      bulk_get_attempts: this.stats.bulk_get_attempts,
      checkpointed_source_seq: this.checkpointedSeq,
    };
    if (this.state === 'completed') return counters;
    return { ...counters, source_seq: this.throughSeq, through_seq: this.throughSeq };
  }

  /** One `_scheduler/jobs` entry. */
  schedulerJob(): JsonObject {
    return {
      database: this.origin.database,
      id: this.id,
      pid: this.pid,
      source: this.source.display,
      target: this.target.display,
      user: this.origin.user,
      doc_id: this.origin.docId,
      info: this.info(),
      history: [...this.#history].reverse().map((entry) => ({
        timestamp: isoSeconds(entry.timestamp),
        type: entry.type,
        ...(entry.reason === undefined ? {} : { reason: entry.reason }),
      })),
      node: NODE_NAME,
      start_time: isoSeconds(this.startedOn),
    };
  }

  /** One `_active_tasks` entry (`type: replication`), progress counters included. */
  activeTask(): JsonObject {
    const done = this.stats.docs_read;
    const pending = this.changesPending ?? 0;
    return {
      node: NODE_NAME,
      pid: this.pid,
      process_status: 'waiting',
      type: 'replication',
      replication_id: this.id,
      database: this.origin.database,
      doc_id: this.origin.docId,
      user: this.origin.user,
      source: this.source.display,
      target: this.target.display,
      continuous: this.spec.continuous,
      revisions_checked: this.stats.missing_checked,
      missing_revisions_found: this.stats.missing_found,
      docs_read: this.stats.docs_read,
      docs_written: this.stats.docs_written,
      doc_write_failures: this.stats.doc_write_failures,
      bulk_get_docs: this.stats.bulk_get_docs,
      bulk_get_attempts: this.stats.bulk_get_attempts,
      changes_pending: this.changesPending,
      checkpointed_source_seq: this.checkpointedSeq,
      source_seq: this.throughSeq,
      through_seq: this.throughSeq,
      progress: done + pending === 0 ? 100 : Math.floor((done * 100) / (done + pending)),
      checkpoint_interval: 30000,
      started_on: Math.floor(this.startedOn / 1000),
      updated_on: Math.floor(this.lastUpdated / 1000),
    };
  }
}
