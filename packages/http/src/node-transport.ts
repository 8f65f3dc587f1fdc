import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { RAW_BODY, hintsOf, type DirectSend, type TransportHints } from './raw-body.js';

/** Options of the Node transport. */
export interface NodeTransportOptions {
  /** Sockets kept per host. Default 16. */
  readonly maxSockets?: number;
  /** Idle sockets kept open. Default 16. */
  readonly maxFreeSockets?: number;
}

/** A fetch function whose sockets `close()` releases, with the client's direct entry `send`. */
export type NodeFetch = typeof globalThis.fetch & { close(): void; readonly send: DirectSend };

const NULL_BODY_STATUS = new Set([101, 204, 205, 304]);

function headersOf(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[name] = value;
  });
  return out;
}

/** A Response whose headers are appended in place (copying a Headers object into the init costs twice). */
function responseOf(message: IncomingMessage, body: ReadableStream<Uint8Array<ArrayBuffer>> | Uint8Array<ArrayBuffer> | null): Response {
  const response = new Response(body, { status: message.statusCode ?? 0, statusText: message.statusMessage ?? '' });
  const raw = message.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) response.headers.append(raw[i] as string, raw[i + 1] as string);
  return response;
}

/** The memory under a Buffer node:http handed us: always a plain ArrayBuffer (Node never reads into shared memory). */
function nodeBufferMemory(buffer: Buffer): ArrayBuffer {
  return buffer.buffer as ArrayBuffer;
}

/** A web stream over a chunked answer (feeds), paused while the reader does not keep up. */
function streamOf(message: IncomingMessage): ReadableStream<Uint8Array<ArrayBuffer>> {
  return new ReadableStream<Uint8Array<ArrayBuffer>>({
    start(controller) {
      message.on('data', (chunk: Buffer) => {
        controller.enqueue(new Uint8Array(nodeBufferMemory(chunk), chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 1) <= 0) message.pause();
      });
      message.on('end', () => controller.close());
      message.on('error', (error) => controller.error(error));
      message.on('aborted', () => controller.error(new TypeError('terminated: the connection closed mid-body')));
    },
    pull() {
      message.resume();
    },
    cancel() {
      message.destroy();
    },
  });
}

/** Where a request goes, as `node:http` takes it. */
interface Target {
  readonly secure: boolean;
  readonly hostname: string;
  readonly port: string;
  readonly path: string;
}

/**
 * Splits an absolute URL into origin and path, parsing each origin once: the client's requests all share one, and
 * a WHATWG URL parse per request was a visible part of its cost.
 */
function targetParser(): (url: string) => Target {
  const origins = new Map<string, Omit<Target, 'path'>>();
  return (url) => {
    const slash = url.indexOf('/', url.indexOf('//') + 2);
    const origin = slash === -1 ? url : url.slice(0, slash);
    let parsed = origins.get(origin);
    if (parsed === undefined) {
      const whole = new URL(origin);
      // node:http wants an IPv6 host without its brackets.
      const hostname = whole.hostname.startsWith('[') ? whole.hostname.slice(1, -1) : whole.hostname;
      parsed = { secure: whole.protocol === 'https:', hostname, port: whole.port };
      origins.set(origin, parsed);
    }
    return { ...parsed, path: slash === -1 ? '/' : url.slice(slash) };
  };
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/**
 * A `fetch` built on `node:http` with a keep-alive agent: on loopback it costs well under Node's built-in fetch per
 * request. Used with the client's `TransportHints` it takes a lean path (see raw-body.ts); as a plain fetch it
 * streams answers without `Content-Length` and reads the others whole. A body cut short rejects with a TypeError,
 * as fetch does.
 */
export function createNodeFetch(options: NodeTransportOptions = {}): NodeFetch {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 16, maxFreeSockets: options.maxFreeSockets ?? 16 };
  const httpAgent = new HttpAgent(agentOptions);
  const httpsAgent = new HttpsAgent(agentOptions);

  const targetOf = targetParser();

  const exchange = (
    url: Target,
    method: string,
    headers: Record<string, string>,
    body: Uint8Array | undefined,
    signals: AbortSignal[],
    timeout: number | undefined,
    lean: boolean,
    stream: boolean,
  ): Promise<Response> =>
    new Promise<Response>((resolve, reject) => {
      for (const signal of signals) if (signal.aborted) return reject(abortError(signal));
      const { secure, hostname, port, path } = url;
      if (body !== undefined) headers['content-length'] = String(body.byteLength);
      const agent = secure ? httpsAgent : httpAgent;
      const req = (secure ? httpsRequest : httpRequest)({ hostname, port, path, method, headers, agent });
      let settled = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const cleanUp = (): void => {
        if (timer !== undefined) clearTimeout(timer);
        for (const signal of signals) signal.removeEventListener('abort', onAbort);
      };
      const fail = (error: unknown): void => {
        if (settled) return;
        settled = true;
        cleanUp();
        req.destroy();
        reject(error);
      };
      const succeed = (response: Response): void => {
        settled = true;
        resolve(response);
      };
      const onAbort = (event: Event): void => {
        const reason = abortError(event.target as AbortSignal);
        // After the answer started streaming, aborting ends the body: the reader sees the error.
        if (settled) req.destroy(reason instanceof Error ? reason : undefined);
        else fail(reason);
      };
      for (const signal of signals) signal.addEventListener('abort', onAbort, { once: true });
      if (timeout !== undefined) {
        timer = setTimeout(() => fail(new DOMException(`no complete answer within ${timeout} ms`, 'TimeoutError')), timeout);
      }
      req.on('error', (error) => fail(new TypeError('fetch failed', { cause: error })));
      req.on('response', (message) => {
        const status = message.statusCode ?? 0;
        if (NULL_BODY_STATUS.has(status) || method === 'HEAD') {
          message.resume();
          cleanUp();
          succeed(responseOf(message, null));
          return;
        }
        const length = message.headers['content-length'];
        if (stream || (length === undefined && !lean)) {
          // Feeds: the caller's signal stays attached until the body ends or is cancelled.
          if (timer !== undefined) clearTimeout(timer);
          message.once('close', cleanUp);
          succeed(responseOf(message, streamOf(message)));
          return;
        }
        const expected = length === undefined ? undefined : Number(length);
        const chunks: Buffer[] = [];
        let received = 0;
        message.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          received += chunk.byteLength;
        });
        message.on('end', () => {
          if (expected !== undefined && received !== expected) {
            fail(new TypeError(`terminated: body ended after ${received} of ${expected} bytes`));
            return;
          }
          if (settled) return;
          cleanUp();
          const bytes = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, received);
          const view = new Uint8Array(nodeBufferMemory(bytes), bytes.byteOffset, bytes.byteLength);
          // The lean path hands the bytes over directly; a plain fetch caller gets them as the body.
          const response = responseOf(message, lean ? null : view);
          Object.defineProperty(response, RAW_BODY, { value: view });
          succeed(response);
        });
        message.on('aborted', () => fail(new TypeError('terminated: the connection closed mid-body')));
        message.on('error', (error) => fail(new TypeError('terminated', { cause: error })));
      });
      if (body === undefined) req.end();
      else req.end(body);
    });

  const send: DirectSend = (url, method, hints) =>
    exchange(targetOf(url), method, { ...hints.headers }, hints.body, hints.signal === undefined ? [] : [hints.signal], hints.timeout, true, hints.stream ?? false);

  const nodeFetch = async (input: Request | string | URL, init?: RequestInit): Promise<Response> => {
    const hints: TransportHints | undefined = hintsOf(init);
    const request = input instanceof Request ? input : new Request(input, init);
    // Hints given through a fetch call (ky passes unknown options on): the request's own signal only matters then
    // for ky's timeout, which the client disables; the caller's signal is in the hints.
    if (hints !== undefined) return send(request.url, request.method, hints);
    const body = request.body === null ? undefined : new Uint8Array(await request.arrayBuffer());
    return exchange(targetOf(request.url), request.method, headersOf(request.headers), body, [request.signal], undefined, false, false);
  };
  return Object.assign(nodeFetch as typeof globalThis.fetch, {
    send,
    close(): void {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  });
}
