import type { Observable, Subscription } from 'rxjs';
import type { Seq } from '@settee/core';
import type { RequestContext } from './context.js';
import { sessionCookieHeaders } from './respond.js';

/** CouchDB's default heartbeat (`heartbeat=true`) and feed timeout, in ms, for `_changes` and `_db_updates`. */
export const DEFAULT_WAIT = 60_000;

/**
 * How long a feed waits without a change before it ends (couch_changes get_changes_timeout): never with a heartbeat,
 * which keeps it open whatever `timeout` says; else `timeout`, at most CouchDB's default minute.
 */
export function feedTimeout(heartbeat: number | undefined, timeout: unknown): number | undefined {
  if (heartbeat !== undefined) return undefined;
  return Math.min(typeof timeout === 'number' ? timeout : DEFAULT_WAIT, DEFAULT_WAIT);
}

/**
 * Opens a JSON answer whose rows are not known yet (a longpoll's first heartbeat): the head and `{"results":[`, the
 * rest to follow, as chttpd's delayed response sends it.
 */
export function openResultsAnswer(ctx: RequestContext): void {
  ctx.res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'must-revalidate', ...sessionCookieHeaders(ctx) });
  if (ctx.method !== 'HEAD') ctx.res.write('{"results":[\n');
}

/** How one continuous or eventsource feed runs (`_changes`, `_db_updates`). */
export interface StreamFeed<Row extends { seq: Seq }> {
  /** The rows to send, subscribed once the feed starts. */
  readonly rows: Observable<Row>;
  /** Server-sent events (`data:`/`id:`) instead of JSON lines. */
  readonly eventsource: boolean;
  /** Stop after this many rows. */
  readonly limit: number | undefined;
  /** Stop after this many ms without a row. */
  readonly timeout: number | undefined;
  /** A newline (or heartbeat event) every this many ms. */
  readonly heartbeat: number | undefined;
  /** The JSON text of a row as the client sees it; `index` counts the rows sent before it. */
  render(row: Row, index: number): string;
  /** The feed's closing text (a `{"last_seq"}` line) given the seq of the last row sent; nothing for none. */
  closing(lastSeq: Seq): Promise<string | undefined> | string | undefined;
}

/**
 * Streams `feed` into the response (whose head is already written) until `limit`, `timeout` without a row, the rows
 * ending, the client hanging up or the server closing (`ctx.state.feeds`); then writes the closing text and ends the
 * response. Every way of ending unsubscribes from the source and clears the timers.
 */
export function streamFeed<Row extends { seq: Seq }>(ctx: RequestContext, since: Seq, feed: StreamFeed<Row>): Promise<void> {
  const { res } = ctx;
  return new Promise<void>((resolve) => {
    let lastSeq = since;
    let sent = 0;
    let done = false;
    let idle: ReturnType<typeof setTimeout> | undefined;
    let beat: ReturnType<typeof setInterval> | undefined;
    let subscription: Subscription | undefined;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(idle);
      clearInterval(beat);
      subscription?.unsubscribe();
      ctx.state.feeds.delete(finish);
      ctx.req.socket.off('close', finish);
      void end().finally(resolve);
    };
    const end = async (): Promise<void> => {
      if (res.writableEnded || res.destroyed) return;
      const closing = await feed.closing(lastSeq);
      if (res.writableEnded || res.destroyed) return;
      res.end(closing);
    };
    const armTimeout = (): void => {
      if (feed.timeout === undefined) return;
      clearTimeout(idle);
      idle = setTimeout(finish, feed.timeout);
    };
    const write = (row: Row): void => {
      if (done) return;
      lastSeq = row.seq;
      const json = feed.render(row, sent);
      res.write(feed.eventsource ? `data: ${json}\nid: ${JSON.stringify(row.seq)}\n\n` : `${json}\n`);
      sent += 1;
      if (feed.limit !== undefined && sent >= feed.limit) finish();
      else armTimeout();
    };
    if (feed.limit === 0) {
      finish();
      return;
    }
    subscription = feed.rows.subscribe({ next: write, error: () => finish(), complete: () => finish() });
    if (done) {
      subscription.unsubscribe();
      return;
    }
    if (feed.heartbeat !== undefined) {
      beat = setInterval(() => res.write(feed.eventsource ? 'event: heartbeat\ndata: \n\n' : '\n'), feed.heartbeat);
    }
    armTimeout();
    ctx.state.feeds.add(finish);
    ctx.req.socket.once('close', finish);
  });
}
