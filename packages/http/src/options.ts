/** How the adapter authenticates. Credentials in the URL's user info mean `basic` unless `auth` says otherwise. */
export type HttpAuth =
  /** `Authorization: Basic` on every request. */
  | { readonly type: 'basic'; readonly username: string; readonly password: string }
  /**
   * Cookie session through `/_session`: logs in on first use, logs in again once when a request gets 401, logs out
   * on `close()`. Username and password default to the URL's user info.
   */
  | { readonly type: 'session'; readonly username?: string; readonly password?: string }
  /** `Authorization: Bearer <token>` (CouchDB's JWT handler); a function is asked before each request. */
  | { readonly type: 'jwt'; readonly token: string | (() => string | Promise<string>) };

/** Retries of idempotent requests after network errors, truncated bodies, 429 and 5xx answers. */
export interface HttpRetryOptions {
  /** Retries after the first attempt. Default 2. */
  readonly limit?: number;
  /** Upper bound of the first delay in ms; it doubles per retry, each delay drawn at random below it. Default 100. */
  readonly baseDelay?: number;
  /** Cap of each single delay in ms. Default 2000. */
  readonly maxDelay?: number;
}

/** How the live changes feed reconnects after its connection ends or fails. */
export interface HttpFeedOptions {
  /** Milliseconds between server heartbeats on a continuous feed. Default 10,000. */
  readonly heartbeat?: number;
  /** First reconnection delay in ms; doubles per consecutive failure, with jitter. Default 100. */
  readonly reconnectDelay?: number;
  /** Cap of the reconnection delay in ms. Default 10,000. */
  readonly maxReconnectDelay?: number;
  /** Wire format of live feeds: `continuous` (JSON lines, default) or `eventsource` (`text/event-stream`). */
  readonly format?: 'continuous' | 'eventsource';
}

/** Options of `createHttpAdapter`. */
export interface HttpAdapterOptions {
  /** The server's URL, e.g. `http://admin:secret@127.0.0.1:5984` (user info is taken out and never shown). */
  readonly url: string;
  readonly auth?: HttpAuth;
  /** Headers sent with every request (proxy auth, tracing). Values are never put in messages. */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * The fetch implementation under ky. Default: on Node (the package's `node` entry), a keep-alive `node:http`
   * transport that also skips fetch's body streams; elsewhere `globalThis.fetch`.
   */
  readonly fetch?: typeof globalThis.fetch;
  /** Milliseconds a request (headers and body) may take; `false` for none. Feeds are not limited. Default 60,000. */
  readonly timeout?: number | false;
  /** Retry policy of idempotent requests; `false` disables retries. */
  readonly retry?: HttpRetryOptions | false;
  readonly feed?: HttpFeedOptions;
}

/** Per-call options every HTTP adapter method accepts as its optional last argument. */
export interface CallOptions {
  /** Aborts the request (and its retries); the call rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Overrides the adapter's `timeout` for this call. */
  readonly timeout?: number | false;
}

/** The request fields a call's options set: only those given, so they never erase an endpoint's defaults. */
export function callSpec(call: CallOptions | undefined): { signal?: AbortSignal; timeout?: number | false } {
  if (call === undefined) return {};
  return {
    ...(call.signal === undefined ? {} : { signal: call.signal }),
    ...(call.timeout === undefined ? {} : { timeout: call.timeout }),
  };
}
