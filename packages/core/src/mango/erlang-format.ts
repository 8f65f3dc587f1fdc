import type { JsonValue } from '../json.js';

/**
 * Formats a JSON value the way Erlang's `io_lib:format("~w", [Term])` prints CouchDB's JSON term, because Mango
 * error reasons embed it: "Bad argument for operator $in: <<97,108,105,99,101>>".
 *
 * Strings are binaries of their UTF-8 bytes (`<<97,98>>`), arrays are lists (`[1,2]`), objects are
 * `{[{Key,Value},...]}`, null/true/false are atoms. A JavaScript number cannot say whether it was written as an
 * integer or a float, so integral numbers print as integers (CouchDB would print `3.0` for a `3.0` it was sent).
 */
export function formatErlangTerm(value: JsonValue): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return formatErlangNumber(value);
    case 'string':
      return formatBinary(value);
    default:
      if (Array.isArray(value)) return `[${value.map(formatErlangTerm).join(',')}]`;
      return `{[${Object.entries(value)
        .map(([key, member]) => `{${formatBinary(key)},${formatErlangTerm(member)}}`)
        .join(',')}]}`;
  }
}

const encoder = new TextEncoder();

function formatBinary(s: string): string {
  return `<<${encoder.encode(s).join(',')}>>`;
}

/**
 * Erlang's shortest float format (`float_to_list(F, [short])`): the fewest digits that read back exactly, in
 * whichever of plain or scientific notation is shorter (scientific beyond 2^53), always with a fraction:
 * 1.5 -> "1.5", 1.0e-5 -> "1.0e-5". Integral numbers are taken to be integers (see above).
 */
export function formatErlangNumber(n: number): string {
  // Integral numbers beyond 2^53 came from a float (or an integer JavaScript could not hold anyway).
  if (Number.isSafeInteger(n)) return String(n);
  const [mantissa = '', exponentText] = n.toExponential().split('e');
  const exponent = Number(exponentText);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const sign = negative ? '-' : '';
  const scientific = `${sign}${digits[0]}.${digits.length > 1 ? digits.slice(1) : '0'}e${exponent}`;
  if (Math.abs(n) >= 2 ** 53) return scientific;
  let plain: string;
  if (exponent < 0) plain = `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  else if (digits.length > exponent + 1) plain = `${sign}${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
  else plain = `${sign}${digits}${'0'.repeat(exponent + 1 - digits.length)}.0`;
  return scientific.length < plain.length ? scientific : plain;
}
