/**
 * A fast path between the Node transport and the client, both in this package. ky passes options it does not know
 * to the fetch function untouched; the client puts `TransportHints` there, and the transport then skips what a
 * general fetch must do: it takes headers and body bytes as given, enforces the timeout itself (no AbortController
 * per request), and hands the complete answer over as bytes on the Response under `RAW_BODY` instead of a stream.
 * Any other fetch ignores the hints and is used the standard way. Global symbol and string keys, so that separately
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
  /** The caller's signal, if any. */
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
