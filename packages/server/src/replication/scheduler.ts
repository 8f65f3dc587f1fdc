import { NotFoundError, type JsonObject, type ServerAdapter } from '@settee/core';
import { resolveEndpoint, type ResolvedEndpoint } from './endpoint.js';
import { ReplicationJob } from './job.js';
import { ReplicatorDocs } from './replicator-docs.js';
import { parseReplicationRequest } from './request.js';
import { replicateAnswer } from './result-body.js';

/** The status and body `POST /_replicate` answers with. */
export interface ReplicateAnswer {
  readonly status: number;
  readonly body: JsonObject;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function byId(a: ReplicationJob, b: ReplicationJob): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * The server's replicator: jobs started by `POST /_replicate` and by `_replicator` documents, and what
 * `_active_tasks` and `_scheduler/*` report about them.
 */
export class ReplicationScheduler {
  /** Jobs of `_replicate` requests by job id, while they run. */
  readonly #requests = new Map<string, ReplicationJob>();
  readonly #docs: ReplicatorDocs;

  constructor(
    private readonly engine: ServerAdapter,
    replicatorEngineName: string,
    log: (line: string) => void,
  ) {
    this.#docs = new ReplicatorDocs(engine, replicatorEngineName, (id) => this.#running(id), log);
  }

  /** Starts the `_replicator` documents' replications (those of a previous run resume from their checkpoints). */
  start(): void {
    this.#docs.start();
  }

  #running(id: string): ReplicationJob | undefined {
    const job = this.#requests.get(id);
    return job?.active === true ? job : undefined;
  }

  /**
   * `POST /_replicate`: a one-shot replication answers when done, a continuous one at once with its `_local_id`;
   * `cancel: true` stops a running one (by its request or by `replication_id`).
   */
  async replicate(body: unknown, user: string | null): Promise<ReplicateAnswer> {
    if (isRecord(body) && (body['cancel'] === true || body['cancel'] === 'true')) return this.#cancel(body);
    const spec = parseReplicationRequest(body);
    const [source, target] = this.#endpoints(spec.source, spec.target);
    const job = new ReplicationJob(spec, source, target, { database: null, docId: null, user });
    const running = this.#running(job.id) ?? this.#docs.jobs().find((other) => other.id === job.id);
    if (spec.continuous && running !== undefined) {
      await job.stop();
      return { status: 202, body: { ok: true, _local_id: job.id } };
    }
    this.#requests.set(job.id, job);
    job.start();
    if (spec.continuous) return { status: 202, body: { ok: true, _local_id: job.id } };
    try {
      const result = await job.done;
      return { status: 200, body: replicateAnswer(result, spec.options.doc_ids !== undefined) };
    } finally {
      if (this.#requests.get(job.id) === job) this.#requests.delete(job.id);
    }
  }

  #endpoints(sourceSpec: unknown, targetSpec: unknown): [ResolvedEndpoint, ResolvedEndpoint] {
    const source = resolveEndpoint(this.engine, sourceSpec);
    try {
      return [source, resolveEndpoint(this.engine, targetSpec)];
    } catch (error) {
      void source.close();
      throw error;
    }
  }

  async #cancel(body: Record<string, unknown>): Promise<ReplicateAnswer> {
    let id: string;
    if (typeof body['replication_id'] === 'string') {
      id = body['replication_id'];
    } else {
      const spec = parseReplicationRequest(body);
      const [source, target] = this.#endpoints(spec.source, spec.target);
      const probe = new ReplicationJob(spec, source, target, { database: null, docId: null, user: null });
      id = probe.id;
      await probe.stop();
    }
    const job = this.#running(id);
    if (job === undefined) throw new NotFoundError('missing');
    this.#requests.delete(id);
    await job.stop();
    return { status: 200, body: { ok: true, _local_id: id } };
  }

  /** Every running job, `_replicate` and document ones, by id. */
  #jobs(): ReplicationJob[] {
    const requests = [...this.#requests.values()].filter((job) => job.active);
    return [...requests, ...this.#docs.jobs()].sort(byId);
  }

  /** `_active_tasks` entries of the running replications. */
  activeTasks(): JsonObject[] {
    return this.#jobs().map((job) => job.activeTask());
  }

  /** `_scheduler/jobs` entries, by id. */
  jobs(): JsonObject[] {
    return this.#jobs().map((job) => job.schedulerJob());
  }

  /** `_scheduler/jobs/{id}`, or undefined. */
  job(id: string): JsonObject | undefined {
    return this.#jobs().find((job) => job.id === id)?.schedulerJob();
  }

  /** `_scheduler/docs` entries, by document id. */
  docs(): JsonObject[] {
    return this.#docs.states();
  }

  /** `_scheduler/docs/_replicator/{docid}`, or undefined. */
  doc(docId: string): JsonObject | undefined {
    return this.#docs.state(docId);
  }

  /** Stops every job (checkpoints stay, so document jobs resume on the next start). */
  async close(): Promise<void> {
    const requests = [...this.#requests.values()];
    this.#requests.clear();
    await Promise.all([...requests.map((job) => job.stop()), this.#docs.close()]);
  }
}
