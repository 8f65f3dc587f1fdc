import type { Subscription } from 'rxjs';
import { NotFoundError, type DbUpdate, type DbUpdatesAdapter, type DbUpdatesResponse, type Seq, type ServerAdapter } from '@settee/core';
import { requireServerAdmin } from '../auth/security.js';
import type { RequestContext } from '../http/context.js';
import { isRead, methodNotAllowed } from '../http/method.js';
import { sessionCookieHeaders } from '../http/respond.js';
import { openResultsAnswer, streamFeed } from '../http/stream-feed.js';
import { visibleDbName } from '../server-state.js';
import { checkFeed, parseDbUpdatesQuery, type DbUpdatesParams } from './db-updates-params.js';

/** A heartbeat below this would flood the connection (`heartbeat=0`). */
const MIN_HEARTBEAT = 10;

/** The engine's `_db_updates`, or 404 for a backend without one. */
function updatesOf(engine: ServerAdapter): DbUpdatesAdapter {
  const candidate = engine as Partial<DbUpdatesAdapter>;
  if (typeof candidate.dbUpdates === 'function' && typeof candidate.liveDbUpdates === 'function') {
    return candidate as DbUpdatesAdapter;
  }
  throw new NotFoundError('Database does not exist.');
}

/** An event as clients see it: the server's internal databases under their CouchDB names. */
function visible(row: DbUpdate): DbUpdate {
  const name = visibleDbName(row.db_name);
  return name === row.db_name ? row : { ...row, db_name: name };
}

/**
 * `GET /_db_updates` (server admins only): databases created, updated and deleted. `normal` and `longpoll` answer
 * one JSON object in CouchDB's framing; `continuous` (JSON lines, closed by `{"last_seq"}`) and `eventsource` stream
 * until `limit`, `timeout` without an event, the client hanging up or the server closing.
 */
export async function dbUpdatesRoute(ctx: RequestContext): Promise<void> {
  if (!isRead(ctx)) throw methodNotAllowed('GET');
  const parsed = parseDbUpdatesQuery(ctx.rawQuery);
  requireServerAdmin(ctx.user);
  const params: DbUpdatesParams = { ...parsed, feed: checkFeed(parsed.feed) };
  const source = updatesOf(ctx.engine);
  // Checks `since` and resolves `now` before the 200 goes out, so a bad one is a proper error answer.
  const start = await source.dbUpdates({ ...(params.since === undefined ? {} : { since: params.since }), limit: 0 });
  const since: Seq = params.since === 'now' ? start.last_seq : (params.since ?? 0);
  if (params.feed === 'normal' || params.feed === 'longpoll') {
    await answerOnce(ctx, source, params, since);
    return;
  }
  await stream(ctx, source, params, since);
}

/** Opens a chunked JSON or event-stream answer. */
function writeHead(ctx: RequestContext, eventsource: boolean): void {
  ctx.res.writeHead(200, {
    'Content-Type': eventsource ? 'text/event-stream' : 'application/json',
    'Cache-Control': eventsource ? 'no-cache' : 'must-revalidate',
    ...sessionCookieHeaders(ctx),
  });
}

/** Settles when the first event after `since` arrives, `timeout` passes, the client leaves or the server closes. */
function firstEventOrEnd(ctx: RequestContext, source: DbUpdatesAdapter, since: Seq, timeout: number | undefined): Promise<void> {
  return new Promise<void>((resolve) => {
    let subscription: Subscription | undefined;
    let done = false;
    const timer = timeout === undefined ? undefined : setTimeout(() => finish(), timeout);
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      subscription?.unsubscribe();
      ctx.state.feeds.delete(finish);
      ctx.req.socket.off('close', finish);
      resolve();
    };
    subscription = source.liveDbUpdates({ since }).subscribe({ next: finish, error: finish, complete: finish });
    if (done) {
      subscription.unsubscribe();
      return;
    }
    ctx.state.feeds.add(finish);
    ctx.req.socket.once('close', finish);
  });
}

/** `normal` at once; `longpoll` after the first event (heartbeats meanwhile, when asked for). */
async function answerOnce(ctx: RequestContext, source: DbUpdatesAdapter, params: DbUpdatesParams, since: Seq): Promise<void> {
  const read = (): Promise<DbUpdatesResponse> =>
    source.dbUpdates({
      since,
      ...(params.limit === undefined ? {} : { limit: params.limit }),
      ...(params.descending ? { descending: true } : {}),
    });
  let answer = await read();
  const { res } = ctx;
  let opened = false;
  const open = (): void => {
    if (opened) return;
    opened = true;
    openResultsAnswer(ctx);
  };
  if (params.feed === 'longpoll' && answer.results.length === 0 && params.limit !== 0) {
    const beat =
      params.heartbeat === undefined
        ? undefined
        : setInterval(() => {
            open();
            if (ctx.method !== 'HEAD') res.write('\n');
          }, Math.max(params.heartbeat, MIN_HEARTBEAT));
    try {
      await firstEventOrEnd(ctx, source, since, params.timeout);
    } finally {
      clearInterval(beat);
    }
    if (res.destroyed) return;
    answer = await read();
  }
  open();
  if (ctx.method === 'HEAD') {
    res.end();
    return;
  }
  const rows = answer.results.map((row) => JSON.stringify(visible(row))).join(',\r\n');
  res.end(`${rows}\n],\n"last_seq":${JSON.stringify(answer.last_seq)}}\n`);
}

/**
 * `continuous` or `eventsource`: each event as it happens, heartbeats while idle, and for `continuous` a closing
 * `{"last_seq"}` line. The client hanging up unsubscribes from the engine.
 */
async function stream(ctx: RequestContext, source: DbUpdatesAdapter, params: DbUpdatesParams, since: Seq): Promise<void> {
  const eventsource = params.feed === 'eventsource';
  const { res } = ctx;
  writeHead(ctx, eventsource);
  // The client learns at once that its feed is open (it may wait long for the first event).
  res.flushHeaders();
  if (ctx.method === 'HEAD') {
    res.end();
    return;
  }
  await streamFeed<DbUpdate>(ctx, since, {
    rows: source.liveDbUpdates({ since }),
    eventsource,
    limit: params.limit,
    timeout: params.timeout,
    heartbeat: params.heartbeat === undefined ? undefined : Math.max(params.heartbeat, MIN_HEARTBEAT),
    render: (row) => JSON.stringify(visible(row)),
    // CouchDB closes a continuous feed with the seq to resume from; an event stream just ends.
    closing: (last) => (eventsource ? undefined : `${JSON.stringify({ last_seq: last })}\n`),
  });
}
