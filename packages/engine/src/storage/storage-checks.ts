import { isWellFormed, toWellFormed } from './compare-utf8.js';
import type { KeyRange, StorageOp } from './storage.js';

/**
 * Checks shared by every backend, so that they accept and reject the same input. A batch is checked whole before
 * any of it is applied, which is half of what makes `write` atomic.
 */
export function checkOps(ops: readonly StorageOp[]): void {
  if (!Array.isArray(ops)) throw new TypeError('storage write expects an array of ops');
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i];
    if (op === null || typeof op !== 'object') throw new TypeError(`storage op ${i} is not an object`);
    if (typeof op.space !== 'string') throw new TypeError(`storage op ${i} has no string space`);
    checkKey(op.key, i);
    if (op.type === 'put') {
      if (typeof op.value !== 'string') throw new TypeError(`storage op ${i} (put) has no string value`);
      // Lone surrogates cannot be written as UTF-8: SQLite would hand back different text than it was given.
      if (!isWellFormed(op.value)) throw new TypeError(`storage op ${i} (put) value has a lone surrogate`);
    } else if (op.type !== 'del') {
      throw new TypeError(`storage op ${i} has unknown type ${String((op as { type: unknown }).type)}`);
    }
  }
}

function checkKey(key: unknown, i: number): void {
  if (typeof key !== 'string') throw new TypeError(`storage op ${i} has no string key`);
  if (!isWellFormed(key)) throw new TypeError(`storage op ${i} key has a lone surrogate`);
}

/** The limit of a range as a count, or `undefined` for none; throws on anything but a whole number >= 0. */
export function checkLimit(limit: number | undefined): number | undefined {
  if (limit === undefined || limit === Infinity) return undefined;
  if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`storage range limit must be a whole number >= 0, got ${limit}`);
  return limit;
}

/**
 * A range bound as both backends compare it: lone surrogates (which no stored key can hold) become U+FFFD, so that
 * memory and SQLite agree on where the bound falls.
 */
export function checkBound(bound: string | undefined): string | undefined {
  if (bound === undefined) return undefined;
  if (typeof bound !== 'string') throw new TypeError('storage range bounds must be strings');
  return isWellFormed(bound) ? bound : toWellFormed(bound);
}

/** The range's bounds, checked; `undefined` when the range has none. */
export function checkBounds(range: Omit<KeyRange, 'reverse' | 'limit'> | undefined): Omit<KeyRange, 'reverse' | 'limit'> | undefined {
  if (range === undefined) return undefined;
  const { gt, gte, lt, lte } = range;
  if (gt === undefined && gte === undefined && lt === undefined && lte === undefined) return undefined;
  return { gt: checkBound(gt), gte: checkBound(gte), lt: checkBound(lt), lte: checkBound(lte) };
}

export function closedError(): Error {
  return new Error('storage is closed');
}

/** A database name a provider accepts: a non-empty, well-formed string (the database layer enforces CouchDB's rules). */
export function isValidDatabaseName(name: string): boolean {
  return typeof name === 'string' && name.length > 0 && isWellFormed(name);
}

export function checkDatabaseName(name: string): void {
  if (!isValidDatabaseName(name)) throw new TypeError(`invalid database name ${JSON.stringify(name)}`);
}
