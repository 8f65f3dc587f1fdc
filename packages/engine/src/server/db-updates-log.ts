import { Observable } from 'rxjs';
import {
  BadRequestError,
  type DbUpdate,
  type DbUpdatesOptions,
  type DbUpdatesResponse,
  type LiveDbUpdatesOptions,
  type Seq,
} from '@settee/core';
import type { DbUpdatesStore } from './db-updates-store.js';

/** What happened to a database. */
export type DbEventType = 'created' | 'updated' | 'deleted';

const MALFORMED_SINCE = "Malformed sequence supplied in 'since' parameter.";
/** CouchDB's default wait of a longpoll without `timeout`. */
const DEFAULT_TIMEOUT = 60_000;

interface Listener {
  onEvent(event: DbUpdate, key: string): void;
  onClose(): void;
}

/**
 * The server-wide record of database events behind `_db_updates`, as CouchDB's global changes keep it: one entry
 * per database and event type (`created:db`, `updated:db`, `deleted:db`), moved to a fresh seq each time it happens
 * again, so a read lists each once per since-window. Seqs are decimal strings of a counter that never goes back,
 * across reopening too (it continues from the highest stored seq).
 */
export class DbUpdatesLog {
  /** Entries by key, in seq order: a repeated event is deleted and set again, which moves it to the end. */
  private readonly entries = new Map<string, number>();
  private readonly listeners = new Set<Listener>();
  private lastSeq = 0;
  private closed = false;

  constructor(private readonly store: DbUpdatesStore) {
    const loaded = store.load().sort((a, b) => a.seq - b.seq);
    for (const { key, seq } of loaded) {
      if (!Number.isSafeInteger(seq) || seq <= 0 || keyParts(key) === undefined) continue;
      this.entries.set(key, seq);
      this.lastSeq = seq;
    }
  }

  /** Records an event. Listeners only schedule work, so this is cheap enough to run inside every commit. */
  record(dbName: string, type: DbEventType): void {
    if (this.closed) return;
    const key = `${type}:${dbName}`;
    const seq = ++this.lastSeq;
    this.entries.delete(key);
    this.entries.set(key, seq);
    this.store.save({ key, seq });
    // Most commits have nobody listening: no event object for them.
    if (this.listeners.size === 0) return;
    const event: DbUpdate = { db_name: dbName, type, seq: String(seq) };
    for (const listener of [...this.listeners]) listener.onEvent(event, key);
  }

  /** One `_db_updates` request; a longpoll with nothing after `since` waits for the next event or its timeout. */
  async read(options: DbUpdatesOptions = {}): Promise<DbUpdatesResponse> {
    const { limit, timeout } = checkOptions(options);
    const since = this.sinceOf(options.since);
    const answer = this.snapshot(since, limit, options.descending === true);
    if (options.feed !== 'longpoll' || answer.results.length > 0 || limit === 0 || this.closed) return answer;
    await new Promise<void>((resolve) => {
      const listener: Listener = { onEvent: () => done(), onClose: () => done() };
      const timer = setTimeout(() => done(), timeout ?? DEFAULT_TIMEOUT);
      const done = (): void => {
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve();
      };
      this.listeners.add(listener);
    });
    return this.snapshot(since, limit, options.descending === true);
  }

  /**
   * Every event after `since`, then each new one, once each and in seq order. Events are delivered on a later
   * macrotask; an entry that happens again before its delivery is delivered once, at its latest seq (as a read would
   * list it). Completes when the engine closes; unsubscribing stops all work.
   */
  live(options: LiveDbUpdatesOptions = {}): Observable<DbUpdate> {
    return new Observable<DbUpdate>((subscriber) => {
      let cursor: number;
      try {
        cursor = this.sinceOf(options.since);
      } catch (error) {
        subscriber.error(error);
        return undefined;
      }
      const pending = new Map<string, DbUpdate>();
      for (const [key, seq] of this.entries) if (seq > cursor) pending.set(key, updateOf(key, seq));
      let scheduled: ReturnType<typeof setImmediate> | undefined;
      const pump = (): void => {
        scheduled = undefined;
        const batch = [...pending.values()];
        pending.clear();
        for (const event of batch) {
          if (subscriber.closed) return;
          const seq = Number(event.seq);
          if (seq <= cursor) continue;
          cursor = seq;
          subscriber.next(event);
        }
      };
      const schedule = (): void => {
        scheduled ??= setImmediate(pump);
      };
      const listener: Listener = {
        onEvent: (event, key) => {
          pending.delete(key);
          pending.set(key, event);
          schedule();
        },
        onClose: () => subscriber.complete(),
      };
      if (this.closed) {
        subscriber.complete();
        return undefined;
      }
      this.listeners.add(listener);
      if (pending.size > 0) schedule();
      return () => {
        this.listeners.delete(listener);
        if (scheduled !== undefined) clearImmediate(scheduled);
      };
    });
  }

  /** The seq of the latest event, `'0'` before the first. */
  get currentSeq(): string {
    return String(this.lastSeq);
  }

  /** Ends waiting reads and live feeds, and writes what is pending to the store. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const listeners = [...this.listeners];
    this.listeners.clear();
    for (const listener of listeners) listener.onClose();
    this.store.close();
  }

  private sinceOf(since: Seq | 'now' | undefined): number {
    if (since === undefined) return 0;
    if (since === 'now') return this.lastSeq;
    const value = typeof since === 'number' ? since : /^\d+$/.test(since) ? Number(since) : NaN;
    if (!Number.isSafeInteger(value) || value < 0) throw new BadRequestError(MALFORMED_SINCE);
    return value;
  }

  private snapshot(since: number, limit: number | undefined, descending: boolean): DbUpdatesResponse {
    const after = [...this.entries].filter(([, seq]) => seq > since);
    if (descending) after.reverse();
    const taken = limit === undefined ? after : after.slice(0, limit);
    const results = taken.map(([key, seq]) => updateOf(key, seq));
    const last = taken.at(-1);
    const hitLimit = limit !== undefined && after.length > limit;
    // Ascending, the next read starts at the end (or after the last row when more are left); descending, the rows
    // went down to the last one listed.
    const lastSeq = last === undefined ? (descending ? since : Math.max(since, this.lastSeq)) : hitLimit || descending ? last[1] : this.lastSeq;
    return { results, last_seq: String(lastSeq) };
  }
}

/** Validates the numeric options; returns them. */
function checkOptions(options: DbUpdatesOptions): { limit: number | undefined; timeout: number | undefined } {
  const { limit, timeout, feed } = options;
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) throw new BadRequestError('invalid_integer');
  if (timeout !== undefined && (!Number.isSafeInteger(timeout) || timeout < 0)) throw new BadRequestError('invalid_integer');
  if (feed !== undefined && feed !== 'normal' && feed !== 'longpoll') {
    throw new BadRequestError('Supported `feed` types: normal, longpoll (use liveDbUpdates for a continuous feed)');
  }
  return { limit, timeout };
}

function keyParts(key: string): [DbEventType, string] | undefined {
  const colon = key.indexOf(':');
  const type = key.slice(0, colon);
  if (colon < 0 || (type !== 'created' && type !== 'updated' && type !== 'deleted')) return undefined;
  return [type, key.slice(colon + 1)];
}

function updateOf(key: string, seq: number): DbUpdate {
  const [type, dbName] = keyParts(key) ?? ['updated', key];
  return { db_name: dbName, type, seq: String(seq) };
}
