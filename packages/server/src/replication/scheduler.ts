import { BadRequestError, NotFoundError, UnauthorizedError, type JsonObject, type ServerAdapter } from '@settee/core';
import { requireServerAdmin } from '../auth/security.js';
import { isServerAdmin, type UserCtx } from '../auth/user-ctx.js';
import { resolveEndpoint, type ResolvedEndpoint } from './endpoint.js';
import { ReplicationJob } from './job.js';
import { ReplicatorDocs } from './replicator-docs.js';
import { booleanParam, parseReplicationRequest } from './request.js';
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

/** `POST /_replicate` refuses `query_params` values that are not strings (CouchDB's `validate_rep_props`). */
function checkQueryParams(body: unknown): void {
  if (!isRecord(body) || !isRecord(body['query_params'])) return;
  for (const [name, value] of Object.entries(body['query_params'])) {
    if (typeof value !== 'string') throw new BadRequestError(`${name} value must be a string.`);
  }
}

/** True for an endpoint reached over HTTP(S), whose own server checks the credentials it carries. */
function isRemote(endpoint: unknown): boolean {
  const url = typeof endpoint === 'string' ? endpoint : isRecord(endpoint) ? endpoint['url'] : undefined;
  return typeof url === 'string' && /^https?:\/\//i.test(url);
}

/**
 * Who may run a replication: CouchDB lets any user ask, and the endpoints' servers judge the credentials given.
 * A local database name skips this server's `_security` (the engine is opened directly), so it stays for server
 * admins; and an anonymous request is refused, so that nobody can make this server call arbitrary URLs.
 */
function requireAllowed(user: UserCtx, source: unknown, target: unknown): void {
  if (isServerAdmin(user)) return;
  if (user.name === null || !isRemote(source) || !isRemote(target)) requireServerAdmin(user);
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
  async replicate(body: unknown, user: UserCtx): Promise<ReplicateAnswer> {
    if (isRecord(body) && booleanParam(body, 'cancel')) return this.#cancel(body, user);
    checkQueryParams(body);
    const spec = parseReplicationRequest(body);
    requireAllowed(user, spec.source, spec.target);
    const [source, target] = this.#endpoints(spec.source, spec.target);
    // A job that ends on its own (completed, or failed for good) leaves the table: nothing shows or cancels it then.
    const job = new ReplicationJob(spec, source, target, { database: null, docId: null, user: user.name }, (changed) => this.#forgetEnded(changed));
    await this.#resolveIdOrStop(job);
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
      return {
        status: 200,
        body: replicateAnswer(result, { withDocIds: spec.options.doc_ids !== undefined, useCheckpoints: spec.options.checkpoint !== false }),
      };
    } finally {
      if (this.#requests.get(job.id) === job) this.#requests.delete(job.id);
    }
  }

  #forgetEnded(job: ReplicationJob): void {
    if (!job.active && this.#requests.get(job.id) === job) this.#requests.delete(job.id);
  }

  /** How many `_replicate` jobs the scheduler holds (for tests: ended ones must not pile up). */
  get requestJobCount(): number {
    return this.#requests.size;
  }

  /** The job's full id (a filter's code is part of it); on failure the job's endpoints are released. */
  async #resolveIdOrStop(job: ReplicationJob): Promise<void> {
    try {
      await job.resolveId();
    } catch (error) {
      await job.stop();
      throw error;
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

  async #cancel(body: Record<string, unknown>, user: UserCtx): Promise<ReplicateAnswer> {
    if (user.name === null) requireServerAdmin(user);
    let id: string;
    if (typeof body['replication_id'] === 'string') {
      id = body['replication_id'];
    } else {
      const spec = parseReplicationRequest(body);
      requireAllowed(user, spec.source, spec.target);
      const [source, target] = this.#endpoints(spec.source, spec.target);
      const probe = new ReplicationJob(spec, source, target, { database: null, docId: null, user: null });
      await this.#resolveIdOrStop(probe);
      id = probe.id;
      await probe.stop();
    }
    const job = this.#running(id);
    if (job === undefined) throw new NotFoundError('missing');
    if (!isServerAdmin(user) && job.origin.user !== user.name) {
      throw new UnauthorizedError("Can't cancel a replication triggered by another user");
    }
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
