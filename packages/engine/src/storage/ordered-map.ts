import { compareUtf8, hasHighUnits } from './compare-utf8.js';

/** Key bounds of a scan; every given bound applies. */
export interface KeyBounds {
  gt?: string;
  gte?: string;
  lt?: string;
  lte?: string;
}

export interface ScanOptions extends KeyBounds {
  reverse?: boolean;
  /** At most this many entries; unlimited when undefined. */
  limit?: number;
}

/**
 * Chunks split when they grow past this. Small enough that `splice` inside a chunk is a short memmove, large enough
 * that the chunk directory stays tiny (100k entries are a few hundred chunks).
 */
const MAX_CHUNK = 512;
/** A chunk this small after a delete is merged into a neighbour when both fit in one. */
const MIN_CHUNK = MAX_CHUNK >> 2;
/** Positions are packed into one number as `chunk * STRIDE + offset`; offsets never reach STRIDE. */
const STRIDE = MAX_CHUNK * 2;

/**
 * A map from string keys (ordered by UTF-8 bytes) to values: a sorted list of bounded sorted chunks, each a pair of
 * parallel arrays. Point operations are two binary searches and a short splice; ordered scans walk the chunks
 * without sorting anything. Per entry it costs two array slots, which keeps memory close to the keys and values.
 */
export class OrderedMap<V> {
  /** `keys[c]` is sorted and never empty; every key of chunk c sorts below every key of chunk c + 1. */
  private keys: string[][] = [];
  private values: V[][] = [];
  /** `firsts[c] === keys[c][0]`, so finding a chunk is one binary search over a flat array. */
  private firsts: string[] = [];
  private total = 0;
  /**
   * True once a key with a unit >= U+D800 was stored. Until then (and for query keys without such units) plain
   * `<` gives UTF-8 order, which is about twice as fast as `compareUtf8`.
   */
  private highKeys = false;

  get size(): number {
    return this.total;
  }

  get(key: string): V | undefined {
    const utf8 = this.needsUtf8(key);
    // Keys written in ascending order (seqs, most generated ids) are looked up past the end before they are stored.
    if (this.isPastEnd(key, utf8)) return undefined;
    const c = this.chunkFor(key, utf8);
    if (c < 0) return undefined;
    const keys = this.keys[c]!;
    const i = lowerBound(keys, key, true, utf8);
    return keys[i] === key ? this.values[c]![i] : undefined;
  }

  has(key: string): boolean {
    const utf8 = this.needsUtf8(key);
    const c = this.chunkFor(key, utf8);
    if (c < 0) return false;
    const keys = this.keys[c]!;
    return keys[lowerBound(keys, key, true, utf8)] === key;
  }

  /** Stores `value` under `key`; returns the value it replaced, if any. */
  set(key: string, value: V): V | undefined {
    if (!this.highKeys && hasHighUnits(key)) this.highKeys = true;
    if (this.total === 0) {
      this.keys = [[key]];
      this.values = [[value]];
      this.firsts = [key];
      this.total = 1;
      return undefined;
    }
    const utf8 = this.needsUtf8(key);
    const past = this.isPastEnd(key, utf8);
    const c = past ? this.keys.length - 1 : Math.max(0, this.chunkFor(key, utf8));
    const keys = this.keys[c]!;
    const values = this.values[c]!;
    const i = past ? keys.length : lowerBound(keys, key, true, utf8);
    if (keys[i] === key) {
      const old = values[i];
      values[i] = value;
      return old;
    }
    const atEnd = i === keys.length;
    if (atEnd) {
      keys.push(key);
      values.push(value);
    } else {
      keys.splice(i, 0, key);
      values.splice(i, 0, value);
      if (i === 0) this.firsts[c] = key;
    }
    this.total++;
    if (keys.length > MAX_CHUNK) {
      // Ascending inserts always land at a chunk's end: leave the full chunk full instead of two half-empty ones.
      this.split(c, atEnd ? keys.length - 1 : keys.length >> 1);
    }
    return undefined;
  }

  /** Removes `key`; returns the value it had, if any. */
  delete(key: string): V | undefined {
    const utf8 = this.needsUtf8(key);
    const c = this.chunkFor(key, utf8);
    if (c < 0) return undefined;
    const keys = this.keys[c]!;
    const i = lowerBound(keys, key, true, utf8);
    if (keys[i] !== key) return undefined;
    const values = this.values[c]!;
    const old = values[i];
    if (i === keys.length - 1) {
      keys.pop();
      values.pop();
    } else {
      keys.splice(i, 1);
      values.splice(i, 1);
    }
    this.total--;
    if (keys.length === 0) {
      this.keys.splice(c, 1);
      this.values.splice(c, 1);
      this.firsts.splice(c, 1);
    } else {
      if (i === 0) this.firsts[c] = keys[0]!;
      if (keys.length < MIN_CHUNK) this.mergeSmall(c);
    }
    return old;
  }

  clear(): void {
    this.keys = [];
    this.values = [];
    this.firsts = [];
    this.total = 0;
    this.highKeys = false;
  }

  /** Entries inside the bounds, in key order (or reversed), at most `limit`. */
  entries(options: ScanOptions = {}): Array<[string, V]> {
    const out: Array<[string, V]> = [];
    let remaining = options.limit ?? Infinity;
    if (remaining <= 0 || this.total === 0) return out;
    const start = this.startOf(options);
    const end = this.endOf(options);
    if (start >= end) return out;
    const c0 = Math.floor(start / STRIDE);
    const c1 = Math.floor(end / STRIDE);
    if (options.reverse) {
      for (let c = c1; c >= c0 && remaining > 0; c--) {
        const keys = this.keys[c];
        if (keys === undefined) continue; // `end` may point one past the last chunk
        const values = this.values[c]!;
        const from = c === c0 ? start % STRIDE : 0;
        for (let i = (c === c1 ? end % STRIDE : keys.length) - 1; i >= from && remaining > 0; i--, remaining--) {
          out.push([keys[i]!, values[i]!]);
        }
      }
    } else {
      for (let c = c0; c <= c1 && remaining > 0; c++) {
        const keys = this.keys[c];
        if (keys === undefined) break;
        const values = this.values[c]!;
        const to = c === c1 ? end % STRIDE : keys.length;
        for (let i = c === c0 ? start % STRIDE : 0; i < to && remaining > 0; i++, remaining--) {
          out.push([keys[i]!, values[i]!]);
        }
      }
    }
    return out;
  }

  /** How many entries lie inside the bounds. */
  count(bounds: KeyBounds = {}): number {
    if (bounds.gt === undefined && bounds.gte === undefined && bounds.lt === undefined && bounds.lte === undefined) {
      return this.total;
    }
    if (this.total === 0) return 0;
    const start = this.startOf(bounds);
    const end = this.endOf(bounds);
    if (start >= end) return 0;
    const c0 = Math.floor(start / STRIDE);
    const c1 = Math.floor(end / STRIDE);
    if (c0 === c1) return (end % STRIDE) - (start % STRIDE);
    let n = this.keys[c0]!.length - (start % STRIDE) + (end % STRIDE);
    for (let c = c0 + 1; c < c1; c++) n += this.keys[c]!.length;
    return n;
  }

  /** Checks the structure's invariants; for tests. */
  assertValid(): void {
    let n = 0;
    let prev: string | undefined;
    for (let c = 0; c < this.keys.length; c++) {
      const keys = this.keys[c]!;
      if (keys.length === 0 || keys.length > MAX_CHUNK) throw new Error(`chunk ${c} has size ${keys.length}`);
      if (this.values[c]!.length !== keys.length) throw new Error(`chunk ${c} keys and values differ in length`);
      if (this.firsts[c] !== keys[0]) throw new Error(`chunk ${c} first key is stale`);
      for (const key of keys) {
        if (prev !== undefined && compareUtf8(prev, key) >= 0) throw new Error(`keys out of order at ${key}`);
        prev = key;
      }
      n += keys.length;
    }
    if (this.firsts.length !== this.keys.length) throw new Error('chunk directory out of step');
    if (n !== this.total) throw new Error(`size ${this.total} but ${n} entries`);
  }

  private needsUtf8(key: string): boolean {
    return this.highKeys && hasHighUnits(key);
  }

  /** True when `key` sorts after every stored key (false for an empty map). */
  private isPastEnd(key: string, utf8: boolean): boolean {
    const last = this.keys[this.keys.length - 1];
    if (last === undefined) return false;
    const lastKey = last[last.length - 1]!;
    return utf8 ? compareUtf8(lastKey, key) < 0 : lastKey < key;
  }

  /** The last chunk whose first key is <= `key`; -1 when `key` sorts before everything (or the map is empty). */
  private chunkFor(key: string, utf8: boolean): number {
    return lowerBound(this.firsts, key, false, utf8) - 1;
  }

  /** Packed position of the first entry `>= key` (`inclusive`) or `> key`; the end position when there is none. */
  private positionOf(key: string, inclusive: boolean): number {
    const utf8 = this.needsUtf8(key);
    const c = this.chunkFor(key, utf8);
    if (c < 0) return 0;
    const keys = this.keys[c]!;
    const i = lowerBound(keys, key, inclusive, utf8);
    return i < keys.length ? c * STRIDE + i : (c + 1) * STRIDE;
  }

  private startOf(bounds: KeyBounds): number {
    let start = 0;
    if (bounds.gte !== undefined) start = this.positionOf(bounds.gte, true);
    if (bounds.gt !== undefined) start = Math.max(start, this.positionOf(bounds.gt, false));
    return start;
  }

  private endOf(bounds: KeyBounds): number {
    let end = this.keys.length * STRIDE;
    if (bounds.lt !== undefined) end = this.positionOf(bounds.lt, true);
    if (bounds.lte !== undefined) end = Math.min(end, this.positionOf(bounds.lte, false));
    return end;
  }

  private split(c: number, at: number): void {
    const keys = this.keys[c]!;
    const values = this.values[c]!;
    const tailKeys = keys.slice(at);
    const tailValues = values.slice(at);
    // Truncating in place keeps the head's backing store; slicing both halves would copy the whole chunk.
    keys.length = at;
    values.length = at;
    this.keys.splice(c + 1, 0, tailKeys);
    this.values.splice(c + 1, 0, tailValues);
    this.firsts.splice(c + 1, 0, tailKeys[0]!);
  }

  /** Folds small chunk `c` into its smaller neighbour when the two fit in one chunk. */
  private mergeSmall(c: number): void {
    const before = c > 0 ? this.keys[c - 1]!.length : Infinity;
    const after = c + 1 < this.keys.length ? this.keys[c + 1]!.length : Infinity;
    const left = before <= after ? c - 1 : c;
    if (Math.min(before, after) + this.keys[c]!.length > MAX_CHUNK >> 1) return;
    this.keys[left]!.push(...this.keys[left + 1]!);
    this.values[left]!.push(...this.values[left + 1]!);
    this.keys.splice(left + 1, 1);
    this.values.splice(left + 1, 1);
    this.firsts.splice(left + 1, 1);
  }
}

/**
 * Index of the first element of sorted `arr` that is `>= key` (`inclusive`) or `> key`; `arr.length` if none.
 * The native branches are separate loops so that V8 inlines plain string comparisons.
 */
function lowerBound(arr: readonly string[], key: string, inclusive: boolean, utf8: boolean): number {
  let lo = 0;
  let hi = arr.length;
  if (utf8) {
    const limit = inclusive ? 0 : 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareUtf8(arr[mid]!, key) < limit) lo = mid + 1;
      else hi = mid;
    }
  } else if (inclusive) {
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (arr[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
  } else {
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (arr[mid]! <= key) lo = mid + 1;
      else hi = mid;
    }
  }
  return lo;
}
