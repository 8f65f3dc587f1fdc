import type { AllDbsOptions, CreateDbOptions, OkResponse, ServerAdapter, ServerInfo } from '@settee/core';
import { HttpClient } from './http-client.js';
import { HttpDatabase, type DatabaseContext } from './http-database.js';
import { ADAPTER_CLOSED, type LiveFeedSettings } from './live-changes.js';
import type { CallOptions, HttpAdapterOptions } from './options.js';
import { encodeDbName, type Query } from './url.js';

/** How an entry point supplies the transport when the caller gives no `fetch`. */
export interface DefaultTransport {
  readonly fetch: typeof globalThis.fetch;
  /** The transport hands complete bodies over as bytes (see raw-body.ts). */
  readonly rawBodies: boolean;
  /** Releases sockets. */
  close(): void;
}

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * A CouchDB 3.x server over HTTP, implementing `ServerAdapter`. Server-level endpoints beyond the contract live on
 * this class. Its string form shows only the redacted URL.
 */
export class HttpServer implements ServerAdapter {
  readonly #client: HttpClient;
  readonly #feeds = new Set<AbortController>();
  readonly #transport: DefaultTransport | undefined;
  readonly #context: DatabaseContext;
  #closed = false;

  constructor(options: HttpAdapterOptions, transport?: DefaultTransport) {
    this.#transport = options.fetch === undefined ? transport : undefined;
    this.#client = new HttpClient(options, this.#transport?.fetch, this.#transport?.rawBodies ?? false);
    const feed: LiveFeedSettings = {
      heartbeat: options.feed?.heartbeat ?? 10_000,
      reconnectDelay: options.feed?.reconnectDelay ?? 100,
      maxReconnectDelay: options.feed?.maxReconnectDelay ?? 10_000,
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
    return this.#client.json({ method: 'GET', path: '', signal: call?.signal });
  }

  allDbs(options: AllDbsOptions = {}, call?: CallOptions): Promise<string[]> {
    return this.#client.json({ method: 'GET', path: '_all_dbs', query: options as Query, signal: call?.signal });
  }

  createDb(name: string, options: CreateDbOptions = {}, call?: CallOptions): Promise<OkResponse> {
    return this.#client.json({ method: 'PUT', path: encodeDbName(name), query: options as Query, signal: call?.signal });
  }

  deleteDb(name: string, call?: CallOptions): Promise<OkResponse> {
    return this.#client.json({ method: 'DELETE', path: encodeDbName(name), signal: call?.signal });
  }

  db(name: string): HttpDatabase {
    return new HttpDatabase(this.#context, name);
  }

  async uuids(count = 1, call?: CallOptions): Promise<string[]> {
    const answer = await this.#client.json<{ uuids: string[] }>({
      method: 'GET',
      path: '_uuids',
      query: { count },
      signal: call?.signal,
    });
    return answer.uuids;
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
