/**
 * A fast path between the Node transport and the client, both in this package. The client calls the transport's
 * `send` with `TransportHints` (ky, as a fetch caller, can pass them too: it hands options it does not know to the
 * fetch function untouched), and the transport then skips what a general fetch must do: it takes headers and body
 * bytes as given, enforces the timeout itself (no AbortController per request), and hands the complete answer over
 * as bytes on the Response under `RAW_BODY` instead of a stream. Any other fetch ignores the hints. Global symbol and string keys, so that separately
 * bundled entry points agree on them.
 */
export const RAW_BODY = Symbol.for('settee.http.rawBody');

/** The ky option name carrying `TransportHints`. */
export const TRANSPORT_HINTS = 'setteeTransport';

/** What the client tells the Node transport about one request. */
export interface TransportHints {
  /** Every request header, final. */
  readonly headers: Record<string, string>;
  readonly body?: Uint8Array | undefined;
  /** Milliseconds for the whole exchange, body included; then the request is destroyed with a TimeoutError. */
  readonly timeout?: number | undefined;
  /** The caller's signal, when there is one. */
  readonly signal?: AbortSignal | undefined;
  /** Keep the body as a stream (feeds). */
  readonly stream?: boolean | undefined;
}

/** The complete body bytes the transport attached, if it did. */
export function rawBodyOf(response: Response): Uint8Array | undefined {
  const value: unknown = (response as unknown as Record<symbol, unknown>)[RAW_BODY];
  return value instanceof Uint8Array ? value : undefined;
}

/** The hints in a fetch init, when the client sent some. */
export function hintsOf(init: unknown): TransportHints | undefined {
  if (typeof init !== 'object' || init === null) return undefined;
  const hints: unknown = (init as Record<string, unknown>)[TRANSPORT_HINTS];
  return typeof hints === 'object' && hints !== null ? (hints as TransportHints) : undefined;
}

/**
 * A transport's direct entry, without fetch's Request objects: `url` is absolute, the hints carry headers, body,
 * timeout and signal. The answer's complete body is on the Response under `RAW_BODY` unless `hints.stream` asked for
 * a stream.
 */
export type DirectSend = (url: string, method: string, hints: TransportHints) => Promise<Response>;
