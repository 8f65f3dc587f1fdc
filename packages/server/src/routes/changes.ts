import type { ChangesOptions, ChangesRow, LiveChangesOptions, Seq } from '@settee/core';
import { BadRequestError } from '@settee/core';
import { isObject, parseJson, readBody, requireJsonType } from '../http/body.js';
import { etagMatches, md5Etag } from '../http/conditional.js';
import type { RequestContext } from '../http/context.js';
import { isRead, methodNotAllowed } from '../http/method.js';
import { parseQuery, queryParams, type QueryOptions } from '../http/query.js';
import { sendNotModified, sendText, sessionCookieHeaders } from '../http/respond.js';
import { DEFAULT_WAIT, feedTimeout, streamFeed } from '../http/stream-feed.js';
import { changesAnswerText, longpollChanges, type RenderRow } from './changes-longpoll.js';
import type { DbTarget } from './db-target.js';

type Feed = 'normal' | 'longpoll' | 'continuous' | 'eventsource';

/** The feed options from the query, plus `doc_ids`/`selector` from a POST body. */
async function feedOptions(ctx: RequestContext): Promise<QueryOptions> {
  const options = parseQuery(ctx.rawQuery);
  if (ctx.method === 'POST') {
    requireJsonType(ctx);
    // An empty body is no body (chttpd_db handle_changes_req); any other must be a JSON object.
    const raw = (await readBody(ctx)).toString('utf8');
    const body = raw.trim() === '' ? {} : parseJson(raw);
    if (!isObject(body)) throw new BadRequestError('Request body must be a JSON object');
    if (body['doc_ids'] !== undefined) options['doc_ids'] = body['doc_ids'];
    if (body['selector'] !== undefined) options['selector'] = body['selector'];
    if (body['fields'] !== undefined) options['fields'] = body['fields'];
  } else if (!isRead(ctx)) {
    throw methodNotAllowed('GET,HEAD,POST');
  } else if (options['filter'] === '_selector') {
    // A selector only comes in a POST body (couch_changes get_selector_and_fields).
    throw new BadRequestError('Selector must be specified in POST payload');
  }
  // `last-event-id` in the query is another name of `since`, for clients that cannot set the header.
  const lastEventId = options['last-event-id'];
  delete options['last-event-id'];
  if (lastEventId !== undefined) options['since'] = String(lastEventId);
  const filter = options['filter'];
  if (typeof filter === 'string' && !filter.startsWith('_')) options['query_params'] = rawQuery(ctx.rawQuery);
  return options;
}

/** A design-document filter gets every query parameter as text in `req.query`, as CouchDB gives it. */
function rawQuery(raw: string): Record<string, string> {
  return Object.fromEntries(queryParams(raw));
}

function feedOf(options: QueryOptions): Feed {
  const feed = options['feed'] ?? 'normal';
  if (feed === 'normal' || feed === 'longpoll' || feed === 'continuous' || feed === 'eventsource') return feed;
  // `live` is CouchDB's alias of continuous.
  if (feed === 'live') return 'continuous';
  throw new BadRequestError('Supported `feed` types: normal, continuous, live, longpoll, eventsource');
}

/**
 * `heartbeat=true` means CouchDB's default interval; a number is milliseconds. Checked on every feed, with
 * CouchDB's messages (chttpd_db parse_changes_query).
 */
function heartbeatOf(options: QueryOptions): number | undefined {
  const heartbeat = options['heartbeat'];
  if (heartbeat === undefined) return undefined;
  if (heartbeat === true || heartbeat === 'true') return DEFAULT_WAIT;
  if (typeof heartbeat === 'number' && Number.isSafeInteger(heartbeat)) {
    if (heartbeat > 0) return heartbeat;
    throw new BadRequestError('The heartbeat value should be a positive integer (in milliseconds).');
  }
  throw new BadRequestError('Invalid heartbeat value. Expecting a positive integer value (in milliseconds).');
}

/** CouchDB's `limit` when none is given (`#changes_args.limit`), which `seq_interval` counts down from. */
const UNLIMITED = 1e15;

/**
 * CouchDB's `seq_interval` (fabric_view_changes): a row carries its seq only when the rows left to send, the limit
 * counting down from its first row, divide by the interval; the others carry `null`. `last_seq` is always given.
 * Returns the seq (or null) for the row sent as number `index` (from 0), or undefined without an interval.
 */
function seqInterval(options: QueryOptions): ((row: ChangesRow, index: number) => Seq | null) | undefined {
  const interval = options['seq_interval'];
  if (interval === undefined) return undefined;
  if (typeof interval !== 'number' || !Number.isSafeInteger(interval) || interval < 1) {
    // CouchDB crashes on these (badarg, badarith): a 400 here.
    throw new BadRequestError('`seq_interval` must be a positive integer');
  }
  const limit = typeof options['limit'] === 'number' ? options['limit'] : UNLIMITED;
  return (row, index) => ((limit - index) % interval === 0 ? row.seq : null);
}

/** `/db/_changes`: normal and longpoll answer once; continuous and eventsource stream until timeout or disconnect. */
export async function changesRoute(ctx: RequestContext, target: DbTarget): Promise<void> {
  const options = await feedOptions(ctx);
  const feed = feedOf(options);
  // Checked on every feed, as CouchDB does, though only the streaming ones send heartbeats.
  const heartbeat = heartbeatOf(options);
  // A browser's EventSource reconnects with the last id it saw: that is where it resumes (chttpd_db).
  const lastEventId = ctx.req.headers['last-event-id'];
  if (feed === 'eventsource' && typeof lastEventId === 'string') options['since'] = lastEventId;
  const seqOf = seqInterval(options);
  delete options['seq_interval'];
  const render: RenderRow = (row, index) => (seqOf === undefined ? row : { ...row, seq: seqOf(row, index) });
  if (feed === 'longpoll') {
    await longpollChanges(ctx, target, options as ChangesOptions, heartbeat, render);
    return;
  }
  if (feed === 'normal') {
    const text = changesAnswerText(await target.db.changes({ ...options, feed } as ChangesOptions), render);
    // A normal feed carries an ETag, and answers a matching If-None-Match with 304 (chttpd_db etag_respond).
    const etag = md5Etag(text);
    if (etagMatches(ctx, etag)) {
      sendNotModified(ctx.res, etag);
      return;
    }
    sendText(ctx, 200, text, { ETag: etag });
    return;
  }
  await streamChanges(ctx, target, options, feed, heartbeat, render);
}

/**
 * A continuous or eventsource feed: every change after `since` as it commits, one line (or event) each, heartbeats
 * while idle, and `{"last_seq"}` at the end (limit reached or `timeout` without a change). The client hanging up
 * unsubscribes from the engine.
 */
async function streamChanges(
  ctx: RequestContext,
  target: DbTarget,
  options: QueryOptions,
  feed: Feed,
  heartbeat: number | undefined,
  render: RenderRow,
): Promise<void> {
  const { feed: _feed, heartbeat: _h, timeout: rawTimeout, limit: rawLimit, descending: _d, ...live } = options;
  const timeout = feedTimeout(heartbeat, rawTimeout);
  const limit = typeof rawLimit === 'number' ? rawLimit : undefined;
  // Validate the options (filter included) before the 200 goes out, so that errors are proper error answers.
  await target.db.changes({ ...(live as ChangesOptions), limit: 0 });
  // Then resolve 'now' into where the feed starts, in the engine's seq format. Unfiltered, as a `_doc_ids` or
  // `_design` answer's last_seq is the update seq even when it read no row.
  const lastSeq: Seq = (await target.db.changes({ ...(live.since === undefined ? {} : { since: live.since as Seq | 'now' }), limit: 0 })).last_seq;
  const eventsource = feed === 'eventsource';
  const { res } = ctx;
  res.writeHead(200, {
    'Content-Type': eventsource ? 'text/event-stream' : 'application/json',
    'Cache-Control': eventsource ? 'no-cache' : 'must-revalidate',
    ...(eventsource ? {} : { 'Transfer-Encoding': 'chunked' }),
    ...sessionCookieHeaders(ctx),
  });
  if (ctx.method === 'HEAD') {
    res.end();
    return;
  }
  await streamFeed<ChangesRow>(ctx, lastSeq, {
    rows: target.db.liveChanges({ ...(live as LiveChangesOptions), since: lastSeq }),
    eventsource,
    limit,
    timeout,
    heartbeat,
    render: (row, index) => JSON.stringify(render(row, index)),
    // CouchDB closes a continuous feed with `last_seq` and the count of changes still pending after it.
    closing: async (last) => {
      if (eventsource) return undefined;
      const pending = await target.db.changes({ ...(live as ChangesOptions), since: last, limit: 0 }).then((answer) => answer.pending, () => 0);
      return `${JSON.stringify({ last_seq: last, pending })}\n`;
    },
  });
}
