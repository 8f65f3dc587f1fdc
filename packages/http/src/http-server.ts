import type { Observable } from 'rxjs';
import type {
  AllDbsOptions,
  CreateDbOptions,
  DbUpdate,
  DbUpdatesAdapter,
  DbUpdatesOptions,
  DbUpdatesResponse,
  JsonObject,
  LiveDbUpdatesOptions,
  OkResponse,
  ServerAdapter,
  ServerInfo,
} from '@settee/core';
import type {
  DbsInfoEntry,
  MembershipResponse,
  ReplicateResponse,
  ReplicationDocState,
  ReplicationRequest,
  SchedulerDocsResponse,
  SchedulerJobsResponse,
  UpResponse,
} from './extras-types.js';
import { liveDbUpdatesFeed } from './db-updates.js';
import { replicationJob } from './replication-job.js';
import { HttpClient } from './http-client.js';
import { HttpDatabase, type DatabaseContext } from './http-database.js';
import { ADAPTER_CLOSED, type LiveFeedSettings } from './live-changes.js';
import { callSpec, type CallOptions, type HttpAdapterOptions } from './options.js';
import type { DirectSend } from './raw-body.js';
import { encodeDbName, joinPath, type Query } from './url.js';

/** How an entry point supplies the transport when the caller gives no `fetch`. */
export interface DefaultTransport {
  readonly fetch: typeof globalThis.fetch;
  /** The transport's direct entry (the Node transport's), which the client then calls instead of ky's fetch. */
  readonly send?: DirectSend;
  /** Releases sockets. */
  close(): void;
}

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * A CouchDB 3.x server over HTTP, implementing `ServerAdapter`. Server-level endpoints beyond the contract live on
 * this class. Its string form shows only the redacted URL.
 */
export class HttpServer implements ServerAdapter, DbUpdatesAdapter {
  readonly #client: HttpClient;
  readonly #feeds = new Set<AbortController>();
  readonly #transport: DefaultTransport | undefined;
  readonly #context: DatabaseContext;
  #closed = false;

  constructor(options: HttpAdapterOptions, transport?: DefaultTransport) {
    this.#transport = options.fetch === undefined ? transport : undefined;
    this.#client = new HttpClient(options, this.#transport);
    const feed: LiveFeedSettings = {
      heartbeat: options.feed?.heartbeat ?? 10_000,
      reconnectDelay: options.feed?.reconnectDelay ?? 100,
      maxReconnectDelay: options.feed?.maxReconnectDelay ?? 10_000,
      format: options.feed?.format ?? 'continuous',
    };
    this.#context = {
      client: this.#client,
      feed,
      register: (controller) => {
        if (this.#closed) controller.abort(ADAPTER_CLOSED);
        this.#feeds.add(controller);
        return () => this.#feeds.delete(controller);
      },
    };
  }

  /** The server URL without credentials. */
  get url(): string {
    return this.#client.url.redacted;
  }

  /** The client requests go through (for the server-level extras). */
  protected get client(): HttpClient {
    return this.#client;
  }

  info(call?: CallOptions): Promise<ServerInfo> {
    return this.#client.json({ method: 'GET', path: '', ...callSpec(call) });
  }

  allDbs(options: AllDbsOptions = {}, call?: CallOptions): Promise<string[]> {
    return this.#client.json({ method: 'GET', path: '_all_dbs', query: options as Query, ...callSpec(call) });
  }

  createDb(name: string, options: CreateDbOptions = {}, call?: CallOptions): Promise<OkResponse> {
    return this.#client.json({ method: 'PUT', path: encodeDbName(name), query: options as Query, ...callSpec(call) });
  }

  deleteDb(name: string, call?: CallOptions): Promise<OkResponse> {
    return this.#client.json({ method: 'DELETE', path: encodeDbName(name), ...callSpec(call) });
  }

  db(name: string): HttpDatabase {
    return new HttpDatabase(this.#context, name);
  }

  async uuids(count?: number, call?: CallOptions): Promise<string[]> {
    const answer = await this.#client.json<{ uuids: string[] }>({
      method: 'GET',
      path: '_uuids',
      // Without count CouchDB answers one.
      query: { count },
      ...callSpec(call),
    });
    return answer.uuids;
  }

  // Beyond the contract: server-level endpoints.

  /** `GET /_up`: whether the node serves requests (`status: "ok"`). */
  up(call?: CallOptions): Promise<UpResponse> {
    return this.#client.json({ method: 'GET', path: '_up', ...callSpec(call) });
  }

  /** Info of several databases at once (`POST /_dbs_info` with `keys`, or `GET` with range options). */
  dbsInfo(keysOrOptions: string[] | AllDbsOptions = {}, call?: CallOptions): Promise<DbsInfoEntry[]> {
    if (Array.isArray(keysOrOptions)) {
      const keys: string[] = keysOrOptions;
      return this.#client.json({
        method: 'POST',
        path: '_dbs_info',
        json: { keys },
        idempotent: true,
        ...callSpec(call),
      });
    }
    return this.#client.json({ method: 'GET', path: '_dbs_info', query: keysOrOptions as Query, ...callSpec(call) });
  }

  /** `GET /_active_tasks`: compactions, indexers, replications running now. */
  activeTasks(call?: CallOptions): Promise<JsonObject[]> {
    return this.#client.json({ method: 'GET', path: '_active_tasks', ...callSpec(call) });
  }

  /** `GET /_membership`: the cluster's nodes. */
  membership(call?: CallOptions): Promise<MembershipResponse> {
    return this.#client.json({ method: 'GET', path: '_membership', ...callSpec(call) });
  }

  /** `GET /_scheduler/jobs`: running replication jobs. */
  schedulerJobs(options: { limit?: number; skip?: number } = {}, call?: CallOptions): Promise<SchedulerJobsResponse> {
    return this.#client.json({ method: 'GET', path: '_scheduler/jobs', query: options, ...callSpec(call) });
  }

  /** `GET /_scheduler/docs[/{replicator db}]`: replication documents and their states. */
  schedulerDocs(
    options: { limit?: number; skip?: number; states?: string } = {},
    replicatorDb?: string,
    call?: CallOptions,
  ): Promise<SchedulerDocsResponse> {
    const path =
      replicatorDb === undefined ? '_scheduler/docs' : joinPath('_scheduler/docs', encodeDbName(replicatorDb));
    return this.#client.json({ method: 'GET', path, query: options, ...callSpec(call) });
  }

  /** `GET /_node/{node}/_stats[/{path}]` (node `_local` by default), e.g. `nodeStats('_local', 'couchdb/open_databases')`. */
  nodeStats(node = '_local', path?: string, call?: CallOptions): Promise<JsonObject> {
    const base = joinPath('_node', encodeURIComponent(node), '_stats');
    const full = path === undefined ? base : joinPath(base, ...path.split('/').map(encodeURIComponent));
    return this.#client.json({ method: 'GET', path: full, ...callSpec(call) });
  }

  /** `GET /_node/{node}/_system`: memory, run queues, process counts. */
  nodeSystem(node = '_local', call?: CallOptions): Promise<JsonObject> {
    return this.#client.json({
      method: 'GET',
      path: joinPath('_node', encodeURIComponent(node), '_system'),
      ...callSpec(call),
    });
  }

  /**
   * One `_db_updates` request (normal or longpoll): databases created, updated, deleted after `since`. A longpoll
   * waits (no client timeout) until there is one, or the server's `timeout` passes.
   */
  dbUpdates(options: DbUpdatesOptions = {}, call?: CallOptions): Promise<DbUpdatesResponse> {
    return this.#client.json({
      method: 'GET',
      path: '_db_updates',
      query: options as Query,
      idempotent: true,
      ...(options.feed === 'longpoll' ? { timeout: false as const } : {}),
      ...callSpec(call),
    });
  }

  /**
   * `_db_updates` as a live Observable (`feed=continuous`, or `eventsource`): it reconnects with backoff after a
   * broken or silent connection and resumes from the last seq it emitted. Unsubscribing aborts the request;
   * `close()` completes it. Server admins only, as in CouchDB.
   */
  liveDbUpdates(options: LiveDbUpdatesOptions = {}): Observable<DbUpdate> {
    return liveDbUpdatesFeed(this.#client, options, this.#context.feed, this.#context.register);
  }

  /** `POST /_replicate`: a one-shot replication (answers when done) or a continuous one (answers at once). */
  replicate(request: ReplicationRequest, call?: CallOptions): Promise<ReplicateResponse> {
    return this.#client.json({ method: 'POST', path: '_replicate', json: request, timeout: false, ...callSpec(call) });
  }

  /** Cancels a running `_replicate` job: the same request with `cancel: true`, or `{ replication_id }`. */
  cancelReplication(request: ReplicationRequest | { replication_id: string }, call?: CallOptions): Promise<ReplicateResponse> {
    return this.#client.json({
      method: 'POST',
      path: '_replicate',
      json: { ...request, cancel: true },
      ...callSpec(call),
    });
  }

  /**
   * A `_replicator` document's replication as an Observable of its scheduler state; unsubscribing before it
   * completes cancels it (see replication-job.ts).
   */
  replication(id: string, request: ReplicationRequest, options: { pollInterval?: number } = {}): Observable<ReplicationDocState> {
    return replicationJob(this.#client, id, request, options.pollInterval ?? 500);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const feed of this.#feeds) feed.abort(ADAPTER_CLOSED);
    this.#feeds.clear();
    try {
      await this.#client.close();
    } finally {
      this.#transport?.close();
    }
  }

  toString(): string {
    return `HttpServer(${this.url})`;
  }

  [INSPECT](): string {
    return this.toString();
  }

  toJSON(): { url: string } {
    return { url: this.url };
  }
}
