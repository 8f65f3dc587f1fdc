/** UTF-8 bytes of `text`. */
export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** Bytes of a base64 string. */
export function fromBase64(data: string): Uint8Array {
  return new Uint8Array(Buffer.from(data, 'base64'));
}

/** The bytes as a plain number array, so that Buffer and Uint8Array results compare equal in assertions. */
export function byteList(data: Uint8Array): number[] {
  return Array.from(data);
}
