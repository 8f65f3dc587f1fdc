import { icuCompare } from './icu-collator.js';

/**
 * A fast path for comparing two pure-ASCII strings in exactly ICU's root order, without calling into ICU.
 *
 * For ASCII, the Unicode Collation Algorithm reduces to two levels: every character is either completely
 * ignorable (most control characters) or has one primary weight (letters share one between cases, e.g. "a"/"A")
 * and one tertiary weight (lowercase before uppercase). Strings compare first by their sequences of primary
 * weights (a prefix sorts first), then by their sequences of tertiary weights. There are no ASCII contractions
 * and no secondary differences in the root collation.
 *
 * The weights are not hard-coded: they are read off the ICU collator at load time (127 one-character
 * comparisons), so the fast path agrees with whatever ICU version Node ships. `ascii-collation.test.ts` checks it
 * against the collator on many random strings.
 */

/** Primary weight per ASCII code; 0 = completely ignorable. */
const PRIMARY = new Uint8Array(128);
/** Tertiary weight per ASCII code (0 for lowercase and caseless characters, 1 for uppercase letters). */
const TERTIARY = new Uint8Array(128);

buildWeights();

function buildWeights(): void {
  const chars: string[] = [];
  for (let code = 0; code < 128; code++) {
    const ch = String.fromCharCode(code);
    if (icuCompare(ch, '') !== 0) chars.push(ch);
  }
  chars.sort(icuCompare);
  const primaryOnly = new Intl.Collator('en', { sensitivity: 'base' }).compare;
  let primary = 0;
  let tertiary = 0;
  let previous: string | undefined;
  for (const ch of chars) {
    if (previous === undefined || primaryOnly(previous, ch) !== 0) {
      primary++;
      tertiary = 0;
    } else {
      tertiary++;
    }
    PRIMARY[ch.charCodeAt(0)] = primary;
    TERTIARY[ch.charCodeAt(0)] = tertiary;
    previous = ch;
  }
}

/** Returned by {@link compareAsciiStrings} when it meets a non-ASCII character it cannot weigh. */
export const NOT_ASCII = 2;

/**
 * ICU root order of two strings while they are ASCII: -1, 0 or 1, or {@link NOT_ASCII} when a non-ASCII code
 * unit is reached before the order is decided (the caller then asks ICU).
 *
 * A primary difference between two ASCII characters decides the order even if non-ASCII text follows: the root
 * collation has no contraction starting with an ASCII character, and a following combining mark only adds
 * secondary weight, so nothing later can change an earlier primary weight. A tertiary (case) difference only
 * decides once both strings have been read to the end, so by then both are known to be ASCII.
 */
export function compareAsciiStrings(a: string, b: string): number {
  const lengthA = a.length;
  const lengthB = b.length;
  // An identical ASCII prefix weighs the same on both sides: skip it.
  const shorter = lengthA < lengthB ? lengthA : lengthB;
  let i = 0;
  while (i < shorter) {
    const code = a.charCodeAt(i);
    if (code !== b.charCodeAt(i) || code > 0x7f) break;
    i++;
  }
  let j = i;
  // The first tertiary difference only counts when the primaries turn out equal.
  let tertiaryOrder = 0;
  for (;;) {
    let primaryA = 0;
    let codeA = 0;
    while (i < lengthA) {
      codeA = a.charCodeAt(i++);
      if (codeA > 0x7f) return NOT_ASCII;
      primaryA = PRIMARY[codeA]!;
      if (primaryA !== 0) break;
    }
    let primaryB = 0;
    let codeB = 0;
    while (j < lengthB) {
      codeB = b.charCodeAt(j++);
      if (codeB > 0x7f) return NOT_ASCII;
      primaryB = PRIMARY[codeB]!;
      if (primaryB !== 0) break;
    }
    // Also when one string has run out: the other holds one more primary weight, so it sorts after.
    if (primaryA !== primaryB) return primaryA < primaryB ? -1 : 1;
    // Both ran out of weighted characters together, having read everything.
    if (primaryA === 0) return tertiaryOrder;
    if (tertiaryOrder === 0) {
      const tertiaryA = TERTIARY[codeA]!;
      const tertiaryB = TERTIARY[codeB]!;
      if (tertiaryA !== tertiaryB) tertiaryOrder = tertiaryA < tertiaryB ? -1 : 1;
    }
  }
}
