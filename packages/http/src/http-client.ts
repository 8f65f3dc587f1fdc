import ky, { type KyInstance } from 'ky';
import { SetteeError, errorFromCouch } from '@settee/core';
import { createAuthenticator, type Authenticator } from './auth.js';
import { isRetryableStatus, jitteredDelay, sleep } from './backoff.js';
import { InvalidResponseError, NetworkError, RequestTimeoutError } from './http-errors.js';
import type { HttpAdapterOptions } from './options.js';
import { rawBodyOf, type DirectSend, type TransportHints } from './raw-body.js';
import { parseServerUrl, type ParsedServerUrl } from './server-url.js';
import { buildQueryString, type Query } from './url.js';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE' | 'COPY';

/** One request to the server, relative to its base URL. */
export interface RequestSpec {
  readonly method: HttpMethod;
  /** Encoded path relative to the server root, without a leading slash. */
  readonly path: string;
  readonly query?: Query | undefined;
  /** A JSON body (sent with `Content-Type: application/json`). */
  readonly json?: unknown;
  /** A raw body, sent with `contentType`. */
  readonly body?: Uint8Array | undefined;
  readonly contentType?: string | undefined;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Safe to send twice. Default: GET and HEAD only; read-only POSTs (`_all_docs`, `_bulk_get`...) say so. */
  readonly idempotent?: boolean | undefined;
  /** Overrides the adapter's timeout; feeds pass `false`. */
  readonly timeout?: number | false | undefined;
  /** Statuses to hand back as answers instead of errors (e.g. 304 for If-None-Match). */
  readonly accept?: readonly number[] | undefined;
}

/** An answer whose body was read. */
export interface Answer<T> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

const DEFAULT_TIMEOUT = 60_000;
const ERROR_NAMES: Readonly<Record<number, string>> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  409: 'conflict',
  412: 'precondition_failed',
  413: 'too_large',
  415: 'bad_content_type',
  416: 'requested_range_not_satisfiable',
  417: 'expectation_failed',
};

/** Marks a failure worth another attempt of an idempotent request (network error, truncated body, 5xx, 429). */
class Transient {
  constructor(readonly error: Error) {}
}

/** Reads the whole body, as bytes: the transport's ready buffer when it has one. */
async function bodyBytes(response: Response): Promise<Uint8Array> {
  const raw = rawBodyOf(response);
  if (raw !== undefined) return raw;
  return new Uint8Array(await response.arrayBuffer());
}

const decoder = new TextDecoder();

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 120 ? `${flat.slice(0, 120)}...` : flat;
}

/** Parses a JSON answer; anything else is an `InvalidResponseError` naming what came instead. */
export function parseJsonBody(bytes: Uint8Array, status: number, what: string): unknown {
  const text = decoder.decode(bytes);
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    const shown = text === '' ? 'an empty body' : `"${snippet(text)}"`;
    throw new InvalidResponseError(`${what}: expected JSON, got ${shown}`, status, { cause });
  }
}

/** The typed error for a non-2xx answer: CouchDB's `{error, reason}` when the body has it. */
export function errorFromAnswer(status: number, statusText: string, bytes: Uint8Array): SetteeError {
  const text = decoder.decode(bytes);
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  // `_bulk_docs` with `all_or_nothing` answers 417 with one `{id, rev, error, reason}` entry per document
  // (chttpd_db.erl): the first entry names the error.
  if (Array.isArray(body) && body.length > 0) body = body[0];
  if (typeof body === 'object' && body !== null && typeof (body as { error?: unknown }).error === 'string') {
    const { error, reason, id } = body as { error: string; reason?: unknown; id?: unknown };
    return errorFromCouch(
      {
        error,
        reason: typeof reason === 'string' ? reason : reason === undefined ? undefined : JSON.stringify(reason),
        id: typeof id === 'string' ? id : undefined,
      },
      status,
    );
  }
  const name = ERROR_NAMES[status] ?? (status >= 500 ? 'unknown_error' : 'http_error');
  const reason = text === '' ? statusText || `HTTP ${status}` : `HTTP ${status} with a non-CouchDB body: ${snippet(text)}`;
  return errorFromCouch({ error: name, reason }, status);
}

/**
 * Sends requests through ky with the adapter's auth, timeout and retry policy. The only place that talks to the
 * network; everything above it speaks in paths and JSON.
 */
export class HttpClient {
  readonly url: ParsedServerUrl;
  readonly #ky: KyInstance;
  readonly #auth: Authenticator;
  readonly #timeout: number | false;
  readonly #retryLimit: number;
  readonly #retryBase: number;
  readonly #retryMax: number;
  readonly #headers: Readonly<Record<string, string>>;
  /**
   * The Node transport's direct entry (raw-body.ts), used instead of ky when the caller brought no fetch: ky's
   * per-request work (a Request and its clone, merged Headers, an AbortController) buys nothing there, since the
   * client already does timeouts, retries and errors itself, and it was the largest client-side cost per request.
   */
  readonly #direct: DirectSend | undefined;

  /** `transport`: the entry point's default transport, used when the caller brought no fetch of their own. */
  constructor(options: HttpAdapterOptions, transport?: { readonly fetch: typeof globalThis.fetch; readonly send?: DirectSend | undefined }) {
    this.url = parseServerUrl(options.url);
    const session = options.auth?.type === 'session';
    const fetch = options.fetch ?? transport?.fetch;
    this.#direct = options.fetch === undefined ? transport?.send : undefined;
    this.#ky = ky.create({
      prefixUrl: '',
      timeout: false,
      retry: 0,
      throwHttpErrors: false,
      ...(fetch === undefined ? {} : { fetch }),
      // Browsers keep the session cookie themselves: Set-Cookie is not readable there.
      ...(session ? { credentials: 'include' as const } : {}),
    });
    this.#timeout = options.timeout ?? DEFAULT_TIMEOUT;
    const retry = options.retry === false ? { limit: 0 } : (options.retry ?? {});
    this.#retryLimit = retry.limit ?? 2;
    this.#retryBase = ('baseDelay' in retry ? retry.baseDelay : undefined) ?? 100;
    this.#retryMax = ('maxDelay' in retry ? retry.maxDelay : undefined) ?? 2000;
    this.#headers = Object.fromEntries(Object.entries(options.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
    this.#auth = createAuthenticator(
      options.auth,
      this.url.credentials,
      async (method, body, cookie) => {
        const response = await this.#ky(`${this.url.base}_session`, {
          method,
          headers: {
            ...this.#headers,
            accept: 'application/json',
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...(cookie === undefined ? {} : { cookie }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          ...(this.#timeout === false ? {} : { signal: AbortSignal.timeout(this.#timeout) }),
        });
        const bytes = await bodyBytes(response);
        return { status: response.status, headers: response.headers, body: parseJsonBody(bytes, response.status, 'session') };
      },
      (status, body) =>
        typeof body === 'object' && body !== null && typeof (body as { error?: unknown }).error === 'string'
          ? errorFromCouch(body as { error: string; reason?: string }, status)
          : errorFromCouch({ error: 'unauthorized', reason: 'login failed' }, status),
    );
  }

  /** A JSON request answered with JSON. */
  async json<T>(spec: RequestSpec): Promise<T> {
    return (await this.answer<T>(spec)).body;
  }

  /** A JSON request; the answer with status and headers. */
  answer<T>(spec: RequestSpec): Promise<Answer<T>> {
    return this.#exchange(spec, async (response) => {
      const bytes = await this.#readBody(response);
      const body = response.status === 304 ? undefined : parseJsonBody(bytes, response.status, `${spec.method} /${spec.path}`);
      return { status: response.status, headers: response.headers, body: body as T };
    });
  }

  /** A request answered with raw bytes (attachments). */
  bytes(spec: RequestSpec): Promise<Answer<Uint8Array>> {
    return this.#exchange(spec, async (response) => ({
      status: response.status,
      headers: response.headers,
      body: await this.#readBody(response),
    }));
  }

  /** A request whose body is not read (HEAD). */
  head(spec: RequestSpec): Promise<Answer<undefined>> {
    return this.#exchange(spec, async (response) => {
      await response.body?.cancel().catch(() => undefined);
      return { status: response.status, headers: response.headers, body: undefined };
    });
  }

  /** Opens a streamed answer (feeds): the caller reads and cancels the body. No timeout, no retry here. */
  stream(spec: RequestSpec): Promise<Response> {
    // A compressed stream arrives in compressor-sized blocks, not line by line (proxies and pouchdb-server gzip
    // feeds when asked): ask for identity. Browsers do not let a page set this header and keep their own.
    const headers = { ...spec.headers, 'accept-encoding': 'identity' };
    return this.#exchange({ ...spec, headers, timeout: false, idempotent: false }, async (response) => response, true);
  }

  /** Ends the session, when there is one. */
  close(): Promise<void> {
    return this.#auth.close();
  }

  async #readBody(response: Response): Promise<Uint8Array> {
    try {
      return await bodyBytes(response);
    } catch (cause) {
      throw new Transient(
        new InvalidResponseError(`the ${response.status} answer ended before its body was complete`, response.status, { cause }),
      );
    }
  }

  async #exchange<T>(spec: RequestSpec, read: (response: Response) => Promise<T>, streaming = false): Promise<T> {
    const idempotent = spec.idempotent ?? (spec.method === 'GET' || spec.method === 'HEAD');
    const limit = idempotent ? this.#retryLimit : 0;
    let renewed = false;
    for (let attempt = 0; ; attempt += 1) {
      if (spec.signal?.aborted) throw spec.signal.reason;
      const timeout = spec.timeout ?? this.#timeout;
      const deadline = this.#direct ? undefined : new Deadline(spec.signal, timeout);
      let keepSignal = false;
      try {
        const response = await this.#send(spec, timeout, streaming, deadline?.signal);
        this.#auth.observe(response.headers);
        if (response.status === 401 && !renewed) {
          await response.body?.cancel().catch(() => undefined);
          renewed = true;
          if (await this.#auth.renew()) {
            attempt -= 1;
            continue;
          }
        }
        if ((response.status < 200 || response.status >= 300) && !spec.accept?.includes(response.status)) {
          const bytes = await this.#readBody(response);
          const error = errorFromAnswer(response.status, response.statusText, bytes);
          throw isRetryableStatus(response.status) ? new Transient(error) : error;
        }
        const result = await read(response);
        keepSignal = streaming;
        return result;
      } catch (caught) {
        if (spec.signal?.aborted) throw spec.signal.reason;
        const failure = this.#classify(caught, spec, deadline?.timedOut ?? isTimeout(caught));
        if (failure instanceof Transient && attempt < limit) {
          await sleep(jitteredDelay(attempt, this.#retryBase, this.#retryMax), spec.signal);
          continue;
        }
        throw failure instanceof Transient ? failure.error : failure;
      } finally {
        // A streamed body stays tied to the caller's signal until the caller cancels it.
        deadline?.end(keepSignal);
      }
    }
  }

  #classify(caught: unknown, spec: RequestSpec, timedOut: boolean): Error | Transient {
    const where = `${spec.method} ${this.url.redacted}${spec.path}`;
    if (timedOut) return new RequestTimeoutError(`${where}: no complete answer within ${String(spec.timeout ?? this.#timeout)} ms`);
    if (caught instanceof Transient || caught instanceof SetteeError) return caught;
    const message = caught instanceof Error ? describeNetworkError(caught) : String(caught);
    return new Transient(new NetworkError(`${where} failed: ${message}`, { cause: caught }));
  }

  async #send(spec: RequestSpec, timeout: number | false, stream: boolean, signal: AbortSignal | undefined): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', ...this.#headers };
    Object.assign(headers, await this.#auth.headers());
    let body: string | Uint8Array | undefined;
    if (spec.json !== undefined) {
      body = JSON.stringify(spec.json);
      headers['content-type'] = 'application/json';
    } else if (spec.body !== undefined) {
      body = spec.body;
      headers['content-type'] = spec.contentType ?? 'application/octet-stream';
    }
    // Header names are case-insensitive: a caller's `Accept` replaces the default `accept` instead of joining it.
    if (spec.headers) for (const [name, value] of Object.entries(spec.headers)) headers[name.toLowerCase()] = value;
    const url = `${this.url.base}${spec.path}${buildQueryString(spec.query)}`;
    if (this.#direct) {
      // The Node transport takes headers, bytes, timeout and the caller's signal from the hints (raw-body.ts).
      const hints: TransportHints = {
        headers,
        body: typeof body === 'string' ? encoder.encode(body) : body,
        timeout: timeout === false ? undefined : timeout,
        signal: spec.signal,
        stream,
      };
      return this.#direct(url, spec.method, hints);
    }
    return this.#ky(url, { method: spec.method, headers, signal, ...(body === undefined ? {} : { body: fetchBody(body) }) });
  }
}

/** fetch takes bytes backed by a plain ArrayBuffer only; a view of a SharedArrayBuffer is copied into one. */
function fetchBody(body: string | Uint8Array): string | Uint8Array<ArrayBuffer> {
  if (typeof body === 'string') return body;
  return body.buffer instanceof ArrayBuffer ? (body as Uint8Array<ArrayBuffer>) : new Uint8Array(body);
}

const encoder = new TextEncoder();

/** The Node transport reports its own timeout as a DOMException named TimeoutError. */
function isTimeout(error: unknown): boolean {
  return error instanceof Error && error.name === 'TimeoutError';
}

/** For a standard fetch: one AbortController per attempt, fired by the timeout or by the caller's signal. */
class Deadline {
  readonly #controller = new AbortController();
  readonly #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #caller: AbortSignal | undefined;
  readonly #onAbort = (): void => this.#controller.abort(this.#caller?.reason);
  timedOut = false;

  constructor(caller: AbortSignal | undefined, timeout: number | false) {
    this.#caller = caller;
    this.#timer =
      timeout === false
        ? undefined
        : setTimeout(() => {
            this.timedOut = true;
            this.#controller.abort();
          }, timeout);
    caller?.addEventListener('abort', this.#onAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Stops the timer; keeps following the caller's signal when a streamed body is still being read. */
  end(keepFollowing: boolean): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (!keepFollowing) this.#caller?.removeEventListener('abort', this.#onAbort);
  }
}

/** fetch reports network failures as `TypeError: fetch failed` with the system error as cause. */
function describeNetworkError(error: Error): string {
  const cause: unknown = error.cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return `${error.message} (${typeof code === 'string' ? code : cause.message})`;
  }
  return error.message;
}
