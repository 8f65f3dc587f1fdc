import type { RequestContext } from '../http/context.js';
import { sendBytes } from '../http/respond.js';
import { isRead, methodNotAllowed } from '../http/method.js';

const SIZE = 16;
/** One year, as CouchDB caches its favicon. */
const MAX_AGE_SECONDS = 31_536_000;

/** A 16x16 settee drawn as rows of characters: `#` cushion, `=` frame, `.` transparent. */
const PICTURE = [
  '................',
  '................',
  '................',
  '...##########...',
  '..############..',
  '..############..',
  '..############..',
  '=.############.=',
  '==============..',
  '================',
  '================',
  '================',
  '==............==',
  '==............==',
  '................',
  '................',
];

const COLOURS: Readonly<Record<string, readonly [number, number, number, number]>> = {
  // Blue, green, red, alpha: an ICO's pixels are BGRA.
  '#': [0x3a, 0x3a, 0xd9, 0xff],
  '=': [0x20, 0x3a, 0x6b, 0xff],
  '.': [0, 0, 0, 0],
};

/**
 * The icon file: one 32-bit image (ICONDIR, one ICONDIRENTRY, a BITMAPINFOHEADER, BGRA pixels bottom-up, then the
 * 1-bit AND mask, all zero because the alpha channel already says what is transparent).
 */
function buildIcon(): Buffer {
  const pixelBytes = SIZE * SIZE * 4;
  const maskBytes = SIZE * 4; // one bit per pixel, rows padded to 32 bits
  const imageBytes = 40 + pixelBytes + maskBytes;
  const out = Buffer.alloc(6 + 16 + imageBytes);
  out.writeUInt16LE(0, 0); // reserved
  out.writeUInt16LE(1, 2); // type: icon
  out.writeUInt16LE(1, 4); // one image
  out.writeUInt8(SIZE, 6);
  out.writeUInt8(SIZE, 7);
  out.writeUInt8(0, 8); // no palette
  out.writeUInt8(0, 9);
  out.writeUInt16LE(1, 10); // planes
  out.writeUInt16LE(32, 12); // bits per pixel
  out.writeUInt32LE(imageBytes, 14);
  out.writeUInt32LE(22, 18); // image offset
  const header = 22;
  out.writeUInt32LE(40, header);
  out.writeInt32LE(SIZE, header + 4);
  out.writeInt32LE(SIZE * 2, header + 8); // height counts the image and its mask
  out.writeUInt16LE(1, header + 12);
  out.writeUInt16LE(32, header + 14);
  out.writeUInt32LE(0, header + 16); // BI_RGB
  out.writeUInt32LE(pixelBytes + maskBytes, header + 20);
  let at = header + 40;
  for (let row = SIZE - 1; row >= 0; row -= 1) {
    const line = PICTURE[row] ?? '';
    for (let col = 0; col < SIZE; col += 1) {
      const colour = COLOURS[line[col] ?? '.'] ?? COLOURS['.'] ?? [0, 0, 0, 0];
      for (const byte of colour) out.writeUInt8(byte, at++);
    }
  }
  return out;
}

/** The icon's bytes, built once. */
export const FAVICON: Buffer = buildIcon();

/**
 * `GET /favicon.ico`: CouchDB serves Fauxton's icon from its document root; settee-server has no Fauxton and serves
 * its own small icon, public and cached for a year like CouchDB's.
 */
export async function favicon(ctx: RequestContext): Promise<void> {
  if (!isRead(ctx)) throw methodNotAllowed('GET,HEAD');
  sendBytes(ctx, 200, FAVICON, {
    'Content-Type': 'image/x-icon',
    'Cache-Control': `public, max-age=${MAX_AGE_SECONDS}`,
    Expires: new Date(Date.now() + MAX_AGE_SECONDS * 1000).toUTCString(),
  });
}
