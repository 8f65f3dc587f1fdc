import { describe, expect, it } from 'vitest';
import { TermWriter, atom, float, termToBinary, tuple } from './erlang-term.js';

// Expected bytes are written out by hand from the external term format spec (erl_ext_dist): version 131, then
// tag-specific layouts, all multi-byte lengths big-endian.
const bytes = (term: Parameters<typeof termToBinary>[0]): number[] => [...termToBinary(term)];
const ejson = (value: unknown): number[] => [...new TermWriter(8).reset().ejson(value).toBytes()];
const ascii = (text: string): number[] => [...Buffer.from(text, 'latin1')];

describe('termToBinary', () => {
  it('encodes atoms as ATOM_EXT (minor_version 1 keeps latin-1 atoms)', () => {
    expect(bytes(atom('true'))).toEqual([131, 100, 0, 4, ...ascii('true')]);
    expect(bytes(atom(''))).toEqual([131, 100, 0, 0]);
    expect(() => termToBinary(atom('\u4e2d'))).toThrow(RangeError);
    expect(() => termToBinary(atom('a'.repeat(256)))).toThrow(RangeError);
  });

  it('encodes integers as SMALL_INTEGER_EXT, INTEGER_EXT, SMALL_BIG_EXT and LARGE_BIG_EXT', () => {
    expect(bytes(0)).toEqual([131, 97, 0]);
    expect(bytes(255)).toEqual([131, 97, 255]);
    expect(bytes(256)).toEqual([131, 98, 0, 0, 1, 0]);
    expect(bytes(-1)).toEqual([131, 98, 255, 255, 255, 255]);
    expect(bytes(2 ** 31 - 1)).toEqual([131, 98, 127, 255, 255, 255]);
    expect(bytes(-(2 ** 31))).toEqual([131, 98, 128, 0, 0, 0]);
    // SMALL_BIG_EXT: digit count, sign, digits least significant first.
    expect(bytes(2 ** 31)).toEqual([131, 110, 4, 0, 0, 0, 0, 128]);
    expect(bytes(-(2 ** 31) - 1)).toEqual([131, 110, 4, 1, 1, 0, 0, 128]);
    expect(bytes(Number.MAX_SAFE_INTEGER)).toEqual([131, 110, 7, 0, 255, 255, 255, 255, 255, 255, 31]);
    expect(bytes(2n ** 64n)).toEqual([131, 110, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(bytes(-(2n ** 64n))).toEqual([131, 110, 9, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(bytes(300n)).toEqual(bytes(300));
    // LARGE_BIG_EXT once the magnitude needs more than 255 bytes: a 4-byte digit count.
    const huge = bytes(2n ** 2048n);
    expect(huge.slice(0, 7)).toEqual([131, 111, 0, 0, 1, 1, 0]);
    expect(huge.length).toBe(7 + 257);
    expect(huge.at(-1)).toBe(1);
    expect(huge.slice(7, -1).every((digit) => digit === 0)).toBe(true);
  });

  it('rejects numbers that are not safe integers as integers', () => {
    expect(() => termToBinary(1.5)).toThrow(RangeError);
    expect(() => termToBinary(2 ** 53)).toThrow(RangeError);
  });

  it('encodes floats as NEW_FLOAT_EXT (IEEE 754 double, big-endian)', () => {
    expect(bytes(float(1.5))).toEqual([131, 70, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0]);
    expect(bytes(float(3))).toEqual([131, 70, 0x40, 0x08, 0, 0, 0, 0, 0, 0]);
    expect(bytes(float(-2))).toEqual([131, 70, 0xc0, 0, 0, 0, 0, 0, 0, 0]);
    expect(bytes(float(0.1))).toEqual([131, 70, 0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a]);
    expect(() => termToBinary(float(Number.NaN))).toThrow(RangeError);
  });

  it('encodes strings and byte arrays as BINARY_EXT (strings as UTF-8)', () => {
    expect(bytes('abc')).toEqual([131, 109, 0, 0, 0, 3, ...ascii('abc')]);
    expect(bytes('')).toEqual([131, 109, 0, 0, 0, 0]);
    expect(bytes('é\u4e2d😀')).toEqual([131, 109, 0, 0, 0, 9, 0xc3, 0xa9, 0xe4, 0xb8, 0xad, 0xf0, 0x9f, 0x98, 0x80]);
    expect(bytes(new Uint8Array([0, 255]))).toEqual([131, 109, 0, 0, 0, 2, 0, 255]);
  });

  it('UTF-8 encodes short and long strings alike, lone surrogates as U+FFFD (as Buffer does)', () => {
    const samples = ['ascii', 'é\u07ff\u0800\uffff', '😀\ud83d\ude00', '\ud800x', 'x\udc00', 'end\ud83d'];
    for (const sample of [...samples, ...samples.map((text) => text.repeat(20))]) {
      const utf8 = Buffer.from(sample, 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32BE(utf8.length);
      expect(bytes(sample)).toEqual([131, 109, ...length, ...utf8]);
    }
  });

  it('encodes tuples as SMALL_TUPLE_EXT, LARGE_TUPLE_EXT beyond 255 elements', () => {
    expect(bytes(tuple(1, 2))).toEqual([131, 104, 2, 97, 1, 97, 2]);
    expect(bytes(tuple())).toEqual([131, 104, 0]);
    const large = bytes(tuple(...new Array<number>(256).fill(7)));
    expect(large.slice(0, 6)).toEqual([131, 105, 0, 0, 1, 0]);
    expect(large.length).toBe(6 + 256 * 2);
  });

  it('encodes lists as LIST_EXT with a NIL_EXT tail, [] as NIL_EXT, byte lists as STRING_EXT', () => {
    expect(bytes([])).toEqual([131, 106]);
    expect(bytes([1, atom('a')])).toEqual([131, 108, 0, 0, 0, 2, 97, 1, 100, 0, 1, 97, 106]);
    // term_to_binary([1,2,3]) is a "string": STRING_EXT with a 2-byte length, no tail.
    expect(bytes([1, 2, 3])).toEqual([131, 107, 0, 3, 1, 2, 3]);
    expect(bytes([256])).toEqual([131, 108, 0, 0, 0, 1, 98, 0, 0, 1, 0, 106]);
    expect(bytes([[]])).toEqual([131, 108, 0, 0, 0, 1, 106, 106]);
    // Past 65535 elements a byte list no longer fits STRING_EXT.
    const long = bytes(new Array<number>(65536).fill(1));
    expect(long.slice(0, 6)).toEqual([131, 108, 0, 1, 0, 0]);
    expect(long.length).toBe(6 + 65536 * 2 + 1);
  });
});

describe('TermWriter.ejson (jiffy EJSON)', () => {
  it('encodes an object as a 1-tuple around a list of {Key, Value} pairs, keys in order', () => {
    expect(ejson({ a: 1 })).toEqual([131, 104, 1, 108, 0, 0, 0, 1, 104, 2, 109, 0, 0, 0, 1, 97, 97, 1, 106]);
    expect(ejson({ b: null, a: true })).toEqual([
      ...[131, 104, 1, 108, 0, 0, 0, 2],
      ...[104, 2, 109, 0, 0, 0, 1, 98, 100, 0, 4, ...ascii('null')],
      ...[104, 2, 109, 0, 0, 0, 1, 97, 100, 0, 4, ...ascii('true')],
      106,
    ]);
  });

  it('encodes an empty object as {[]} with a NIL_EXT list', () => {
    expect(ejson({})).toEqual([131, 104, 1, 106]);
    expect(ejson({ o: {} })).toEqual([131, 104, 1, 108, 0, 0, 0, 1, 104, 2, 109, 0, 0, 0, 1, 111, 104, 1, 106, 106]);
  });

  it('leaves out members the skip callback rejects, patching the list length', () => {
    const writer = new TermWriter().reset();
    writer.ejsonObject({ _id: 'x', a: 1, _rev: '1-a' }, (key) => key.startsWith('_'));
    expect([...writer.toBytes()]).toEqual(ejson({ a: 1 }));
    writer.reset().ejsonObject({ _id: 'x' }, (key) => key.startsWith('_'));
    expect([...writer.toBytes()]).toEqual(ejson({}));
  });

  it('encodes atoms, strings, arrays and nesting', () => {
    expect(ejson(false)).toEqual([131, 100, 0, 5, ...ascii('false')]);
    expect(ejson('hi')).toEqual(bytes('hi'));
    expect(ejson([])).toEqual([131, 106]);
    expect(ejson([0, 255])).toEqual([131, 107, 0, 2, 0, 255]);
    expect(ejson(['a', 1])).toEqual([131, 108, 0, 0, 0, 2, 109, 0, 0, 0, 1, 97, 97, 1, 106]);
    expect(ejson([1, -1])).toEqual([131, 108, 0, 0, 0, 2, 97, 1, 98, 255, 255, 255, 255, 106]);
  });

  it('encodes safe integers as integers and every other number as a float', () => {
    expect(ejson(3)).toEqual(bytes(3));
    expect(ejson(-0)).toEqual(bytes(0));
    expect(ejson(2.5)).toEqual(bytes(float(2.5)));
    expect(ejson(2 ** 53)).toEqual(bytes(float(2 ** 53)));
    expect(ejson(1e300)).toEqual(bytes(float(1e300)));
    expect(ejson(2n ** 70n)).toEqual(bytes(2n ** 70n));
    // An ErlangFloat keeps an integral value a float (a JSON `3.0`), also inside arrays.
    expect(ejson(float(3))).toEqual(bytes(float(3)));
    expect(ejson([float(1)])).toEqual([131, 108, 0, 0, 0, 1, ...bytes(float(1)).slice(1), 106]);
  });

  it('rejects values that are not JSON', () => {
    expect(() => ejson(undefined)).toThrow(TypeError);
    expect(() => ejson(() => 1)).toThrow(TypeError);
    expect(() => ejson(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  it('grows its buffer and starts over on reset', () => {
    const writer = new TermWriter(4);
    const text = 'x'.repeat(10_000);
    writer.reset().ejson({ text });
    const first = writer.toBytes();
    // version, {, [ header, {K,V}, key <<"text">>, value binary, ] tail
    expect(first.length).toBe(1 + 2 + 5 + 2 + (5 + 4) + (5 + 10_000) + 1);
    writer.reset().ejson({ text });
    expect(writer.toBytes()).toEqual(first);
    writer.reset().ejson({});
    expect([...writer.view()]).toEqual([131, 104, 1, 106]);
  });
});
