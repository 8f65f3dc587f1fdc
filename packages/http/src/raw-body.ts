/**
 * A fast path shared by the Node transport and the client: the transport already holds a complete body as bytes,
 * so it hangs them on the Response under this key and the client reads them without a web-stream round trip. A
 * global symbol, so that separately bundled entries agree on it. Any other fetch simply lacks the property.
 */
export const RAW_BODY = Symbol.for('settee.http.rawBody');

/**
 * A ky option name ky passes through to the fetch function untouched (ky hands unknown options to fetch): the
 * request body as bytes, so the Node transport writes it directly instead of reading the Request's stream.
 */
export const RAW_REQUEST_BODY = 'setteeBody';

/** The complete body bytes the transport attached, if it did. */
export function rawBodyOf(response: Response): Uint8Array | undefined {
  const value: unknown = (response as unknown as Record<symbol, unknown>)[RAW_BODY];
  return value instanceof Uint8Array ? value : undefined;
}
