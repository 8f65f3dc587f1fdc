/**
 * Orders strings by their UTF-8 bytes (which is code point order), the order SQLite's BINARY collation gives TEXT.
 *
 * JS `<` compares UTF-16 code units, which agrees with code point order everywhere except one spot: a surrogate
 * (U+D800..U+DFFF, half of a code point >= U+10000) sorts below U+E000..U+FFFF as a code unit but above them as a
 * code point. So the two orders can only disagree where the first differing units are both >= U+D800.
 */
export function compareUtf8(a: string, b: string): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca !== cb) {
      // Fast path: below U+D800 on either side, code unit order is code point order.
      if (ca < 0xd800 || cb < 0xd800) return ca - cb;
      return liftSurrogates(ca) - liftSurrogates(cb);
    }
  }
  return a.length - b.length;
}

/** For a unit >= U+D800: swaps surrogates above U+E000..U+FFFF so that comparing units gives code point order. */
function liftSurrogates(unit: number): number {
  return unit < 0xe000 ? unit + 0x2000 : unit - 0x800;
}

/**
 * True when `s` has a code unit >= U+D800. Against a string without one, `compareUtf8` agrees with plain `<`/`>`,
 * so a sorted structure whose keys are all free of them may compare natively.
 */
export function hasHighUnits(s: string): boolean {
  return HIGH_UNIT.test(s);
}

const HIGH_UNIT = /[\uD800-\uFFFF]/;

const nativeIsWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * True when `s` has no lone surrogate, i.e. it survives a round trip through UTF-8 unchanged. Storage rejects
 * other strings because SQLite would silently turn their lone surrogates into U+FFFD.
 */
export const isWellFormed: (s: string) => boolean = nativeIsWellFormed
  ? (s) => nativeIsWellFormed.call(s)
  : (s) => !LONE_SURROGATE.test(s);

const nativeToWellFormed = (String.prototype as { toWellFormed?: (this: string) => string }).toWellFormed;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

/** `s` with every lone surrogate replaced by U+FFFD. */
export const toWellFormed: (s: string) => string = nativeToWellFormed
  ? (s) => nativeToWellFormed.call(s)
  : (s) => s.replace(LONE_SURROGATES, '\ufffd');
