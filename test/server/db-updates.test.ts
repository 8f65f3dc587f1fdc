// settee-server's `GET /_db_updates` (CouchDB 3's global changes): every feed over raw HTTP, the same through
// @settee/http's `dbUpdates` and live feed, server-admin-only access and CouchDB's errors for bad parameters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Observable, finalize, firstValueFrom, take, toArray } from 'rxjs';
import type { DbUpdate, DbUpdatesResponse, LiveDbUpdatesOptions } from '@settee/core';
import { createEngine, type Engine } from '@settee/engine';
import { createHttpAdapter, type HttpServer } from '@settee/http';
import { createServer, type SetteeServer } from '@settee/server';
import { ADMIN, basic, createUser, request } from './start.js';

let engine: Engine;
let server: SetteeServer;
let client: HttpServer;
/** Live `_db_updates` subscriptions the server holds open on the engine right now. */
let openFeeds = 0;

/** The engine as the server sees it, counting live subscriptions so a test can see a feed stop its work. */
function countingFeeds(inner: Engine): Engine {
  return new Proxy(inner, {
    get(target, property) {
      if (property === 'liveDbUpdates') {
        return (options?: LiveDbUpdatesOptions): Observable<DbUpdate> =>
          new Observable<DbUpdate>((subscriber) => {
            openFeeds += 1;
            return target
              .liveDbUpdates(options)
              .pipe(finalize(() => (openFeeds -= 1)))
              .subscribe(subscriber);
          });
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

const summary = (rows: DbUpdate[]): string[] => rows.map((row) => `${row.type}:${row.db_name}`);

async function json<T>(path: string, init: Parameters<typeof request>[2] = {}): Promise<{ status: number; body: T; text: string; res: Response }> {
  const res = await request(server, path, init);
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as T, text, res };
}

async function lastSeq(): Promise<string> {
  return String((await json<DbUpdatesResponse>('/_db_updates?since=now')).body.last_seq);
}

/** Reads a streamed body until `done(text so far)` holds or the body ends; returns the text. */
async function readUntil(res: Response, done: (text: string) => boolean): Promise<string> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!done(text)) {
    const { value, done: ended } = await reader.read();
    if (ended) break;
    text += decoder.decode(value, { stream: true });
  }
  await reader.cancel().catch(() => undefined);
  return text;
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!condition()) throw new Error(`never saw ${what}`);
}

beforeAll(async () => {
  engine = createEngine({ storage: 'memory' });
  server = await createServer({ engine: countingFeeds(engine), port: 0, host: '127.0.0.1', admin: ADMIN, pbkdf2Iterations: 1000 });
  const url = new URL(server.url);
  url.username = ADMIN.name;
  url.password = ADMIN.password;
  client = createHttpAdapter({ url: url.toString().replace(/\/$/, ''), feed: { heartbeat: 1000 } });
});

afterAll(async () => {
  await client.close();
  await server.close();
  await engine.close();
});

describe('access and parameters', () => {
  it('refuses anonymous users and users who are not server admins with 401', async () => {
    const anonymous = await json<{ error: string; reason: string }>('/_db_updates', { auth: null });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toEqual({ error: 'unauthorized', reason: 'You are not a server admin.' });
    await createUser(server, 'carol', 'carol-pw');
    const user = await json<{ error: string; reason: string }>('/_db_updates', { auth: basic('carol', 'carol-pw') });
    expect(user.status).toBe(401);
    expect(user.body.error).toBe('unauthorized');
    const wrong = await json<{ error: string }>('/_db_updates', { auth: basic('carol', 'not-her-password') });
    expect(wrong.status).toBe(401);
  });

  it("answers CouchDB's 400s for a bad integer, feed or since, and 405 for other methods", async () => {
    for (const query of ['limit=-1', 'limit=abc', 'timeout=1.5', 'heartbeat=x']) {
      const answer = await json(`/_db_updates?${query}`);
      expect({ query, status: answer.status, body: answer.body }).toEqual({ query, status: 400, body: { error: 'bad_request', reason: 'invalid_integer' } });
    }
    const feed = await json('/_db_updates?feed=sideways');
    expect(feed.status).toBe(400);
    expect(feed.body).toEqual({ error: 'bad_request', reason: 'Supported `feed` types: normal, continuous, longpoll, eventsource' });
    const since = await json<{ error: string }>('/_db_updates?since=garbage');
    expect(since.status).toBe(400);
    expect(since.body.error).toBe('bad_request');
    const post = await json<{ error: string }>('/_db_updates', { method: 'POST', json: {} });
    expect(post.status).toBe(405);
    expect(post.body.error).toBe('method_not_allowed');
  });
});

describe('feed=normal', () => {
  it("lists created, updated and deleted databases in CouchDB's framing, each once per type", async () => {
    const mark = await lastSeq();
    for (const name of ['n-a', 'n-b']) expect((await request(server, `/${name}`, { method: 'PUT' })).status).toBe(201);
    await (await request(server, '/n-a/doc1', { method: 'PUT', json: {} })).arrayBuffer();
    await (await request(server, '/n-a/doc2', { method: 'PUT', json: {} })).arrayBuffer();
    await (await request(server, '/n-b', { method: 'DELETE' })).arrayBuffer();
    const answer = await json<DbUpdatesResponse>(`/_db_updates?since=${mark}`);
    expect(answer.status).toBe(200);
    expect(answer.res.headers.get('content-type')).toBe('application/json');
    expect(answer.text.startsWith('{"results":[\n')).toBe(true);
    expect(answer.text.endsWith(`\n],\n"last_seq":${JSON.stringify(answer.body.last_seq)}}\n`)).toBe(true);
    expect(summary(answer.body.results)).toEqual(['created:n-a', 'created:n-b', 'updated:n-a', 'deleted:n-b']);
    expect(answer.body.last_seq).toBe(answer.body.results.at(-1)?.seq);
  });

  it('shows the internal users database as _users', async () => {
    const all = await json<DbUpdatesResponse>('/_db_updates');
    const names = all.body.results.map((row) => row.db_name);
    expect(names).toContain('_users');
    expect(names.filter((name) => name.includes('$'))).toEqual([]);
  });

  it('honours since=now, limit and descending', async () => {
    const now = await json<DbUpdatesResponse>('/_db_updates?since=now');
    expect(now.body.results).toEqual([]);
    const all = (await json<DbUpdatesResponse>('/_db_updates')).body;
    expect(now.body.last_seq).toBe(all.last_seq);
    const two = (await json<DbUpdatesResponse>('/_db_updates?limit=2')).body;
    expect(two.results).toEqual(all.results.slice(0, 2));
    expect(two.last_seq).toBe(two.results[1]?.seq);
    const newest = (await json<DbUpdatesResponse>('/_db_updates?descending=true&limit=3')).body;
    expect(newest.results).toEqual(all.results.slice(-3).reverse());
  });
});

describe('feed=longpoll', () => {
  it('waits for the next event', async () => {
    const mark = await lastSeq();
    const pending = json<DbUpdatesResponse>(`/_db_updates?feed=longpoll&since=${mark}`);
    await waitFor(() => openFeeds > 0, 'the longpoll waiting');
    await (await request(server, '/lp-a', { method: 'PUT' })).arrayBuffer();
    const answer = await pending;
    expect(answer.status).toBe(200);
    expect(summary(answer.body.results)).toEqual(['created:lp-a']);
    await waitFor(() => openFeeds === 0, 'the longpoll to let go of the engine');
  });

  it('stops waiting when the client hangs up', async () => {
    const controller = new AbortController();
    const pending = request(server, '/_db_updates?feed=longpoll&since=now', { signal: controller.signal }).catch((error: unknown) => error);
    await waitFor(() => openFeeds > 0, 'the longpoll waiting');
    controller.abort();
    expect(await pending).toBeInstanceOf(Error);
    await waitFor(() => openFeeds === 0, 'the longpoll to stop after the client left');
  });

  it('answers with no events when its timeout passes', async () => {
    const mark = await lastSeq();
    const answer = await json<DbUpdatesResponse>(`/_db_updates?feed=longpoll&since=${mark}&timeout=20`);
    expect(answer.body).toEqual({ results: [], last_seq: mark });
  });
});

describe('feed=continuous and eventsource', () => {
  it('streams JSON lines and closes with last_seq at the limit', async () => {
    const mark = await lastSeq();
    await (await request(server, '/c-a', { method: 'PUT' })).arrayBuffer();
    await (await request(server, '/c-b', { method: 'PUT' })).arrayBuffer();
    const res = await request(server, `/_db_updates?feed=continuous&since=${mark}&limit=2`);
    const text = await res.text();
    const lines = text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as DbUpdate & { last_seq?: string });
    expect(summary(lines.slice(0, 2))).toEqual(['created:c-a', 'created:c-b']);
    expect(lines[2]).toEqual({ last_seq: lines[1]?.seq });
    expect(lines).toHaveLength(3);
  });

  it('sends events as they happen', async () => {
    const res = await request(server, '/_db_updates?feed=continuous&since=now&limit=1');
    await waitFor(() => openFeeds > 0, 'the feed subscribing');
    await (await request(server, '/c-late', { method: 'PUT' })).arrayBuffer();
    const lines = (await res.text()).split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(2);
    const event = JSON.parse(lines[0]!) as DbUpdate;
    expect(summary([event])).toEqual(['created:c-late']);
    expect(JSON.parse(lines[1]!)).toEqual({ last_seq: event.seq });
  });

  it('ends with last_seq after a timeout without events', async () => {
    const mark = await lastSeq();
    const res = await request(server, `/_db_updates?feed=continuous&since=${mark}&timeout=20`);
    expect(await res.text()).toBe(`${JSON.stringify({ last_seq: mark })}\n`);
  });

  it('sends eventsource events with their seq as id', async () => {
    const mark = await lastSeq();
    await (await request(server, '/es-a', { method: 'PUT' })).arrayBuffer();
    const res = await request(server, `/_db_updates?feed=eventsource&since=${mark}&limit=1`);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const text = await res.text();
    const match = /^data: (.+)\nid: (.+)\n\n$/.exec(text);
    expect(match).not.toBeNull();
    const event = JSON.parse(match![1]!) as DbUpdate;
    expect(summary([event])).toEqual(['created:es-a']);
    expect(JSON.parse(match![2]!)).toBe(event.seq);
  });

  it('sends heartbeats and stops its work when the client hangs up', async () => {
    const controller = new AbortController();
    const res = await request(server, '/_db_updates?feed=continuous&since=now&heartbeat=10', { signal: controller.signal });
    const text = await readUntil(res, (sofar) => sofar.includes('\n'));
    expect(text.startsWith('\n')).toBe(true);
    expect(openFeeds).toBe(1);
    controller.abort();
    await waitFor(() => openFeeds === 0, 'the feed to stop after the client left');
  });

  it('sends eventsource heartbeats', async () => {
    const controller = new AbortController();
    const res = await request(server, '/_db_updates?feed=eventsource&since=now&heartbeat=10', { signal: controller.signal });
    const text = await readUntil(res, (sofar) => sofar.includes('\n\n'));
    expect(text.startsWith('event: heartbeat\ndata: \n\n')).toBe(true);
    controller.abort();
    await waitFor(() => openFeeds === 0, 'the feed to stop after the client left');
  });
});

describe('through @settee/http', () => {
  it('dbUpdates answers like the engine, with since=now and limit', async () => {
    await client.createDb('h-a');
    const viaHttp = await client.dbUpdates();
    expect(viaHttp.results.map((row) => visibleOf(row))).toEqual((await engine.dbUpdates()).results.map((row) => visibleOf(row)));
    expect(summary(viaHttp.results)).toContain('created:h-a');
    expect((await client.dbUpdates({ since: 'now' })).results).toEqual([]);
    expect((await client.dbUpdates({ limit: 1 })).results).toHaveLength(1);
  });

  it('a longpoll through the client gets the next event', async () => {
    const { last_seq } = await client.dbUpdates({ since: 'now' });
    const waiting = client.dbUpdates({ feed: 'longpoll', since: last_seq });
    await waitFor(() => openFeeds > 0, 'the longpoll waiting');
    await client.createDb('h-lp');
    expect(summary((await waiting).results)).toEqual(['created:h-lp']);
  });

  it.each(['continuous', 'eventsource'] as const)('the live feed (%s) emits each new event once, in order', async (feed) => {
    const { last_seq } = await client.dbUpdates({ since: 'now' });
    const seen = firstValueFrom(client.liveDbUpdates({ since: last_seq, feed }).pipe(take(3), toArray()));
    await client.createDb(`h-${feed}`);
    await client.db(`h-${feed}`).put({ _id: 'x' });
    await client.deleteDb(`h-${feed}`);
    const rows = await seen;
    expect(summary(rows)).toEqual([`created:h-${feed}`, `updated:h-${feed}`, `deleted:h-${feed}`]);
    const seqs = rows.map((row) => Number(row.seq));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    await waitFor(() => openFeeds === 0, 'the live feed to stop after unsubscribe');
  });
});

/** The engine names the users database by its storage name; the server shows it as `_users`. */
function visibleOf(row: DbUpdate): DbUpdate {
  return row.db_name === 'settee$users' ? { ...row, db_name: '_users' } : row.db_name === 'settee$replicator' ? { ...row, db_name: '_replicator' } : row;
}
