import { ForbiddenError } from '@settee/core';

/** CouchDB's `[chttpd_auth_lockout]` defaults: 5 failures lock a user for 5 minutes, per client address. */
const MAX_FAILURES = 5;
const LOCK_MS = 5 * 60_000;
const MAX_TRACKED = 10_000;

/**
 * Failed password checks per user and client address. After `MAX_FAILURES` the pair is locked: even the right
 * password gets 403 until the lock expires, which stops password guessing as CouchDB 3.4 does.
 */
export class Lockout {
  readonly #failures = new Map<string, { count: number; since: number }>();

  /** Throws CouchDB's 403 while this user is locked for this address. */
  check(name: string, address: string, now = Date.now()): void {
    const entry = this.#failures.get(`${name}\u0000${address}`);
    if (entry === undefined) return;
    if (now - entry.since > LOCK_MS) {
      this.#failures.delete(`${name}\u0000${address}`);
      return;
    }
    if (entry.count >= MAX_FAILURES) {
      throw new ForbiddenError('Account is temporarily locked due to multiple authentication failures');
    }
  }

  /** Counts one failed attempt. */
  fail(name: string, address: string, now = Date.now()): void {
    const key = `${name}\u0000${address}`;
    const entry = this.#failures.get(key);
    if (entry === undefined || now - entry.since > LOCK_MS) {
      if (this.#failures.size >= MAX_TRACKED) this.#failures.clear();
      this.#failures.set(key, { count: 1, since: now });
    } else {
      entry.count += 1;
    }
  }

  /** Forgets the failures of a user who got the password right. */
  succeed(name: string, address: string): void {
    this.#failures.delete(`${name}\u0000${address}`);
  }
}
