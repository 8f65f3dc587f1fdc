// The streamed `_changes` answers recorded against CouchDB 3.4.3 (shared/couchdb-reference/changes.json), read
// through the adapter's feeds: continuous lines with their closing `last_seq` and blank heartbeat line, eventsource
// events whose `id` is the JSON-quoted seq, and `seq_interval` rows whose seq is null.
import { readFileSync } from 'node:fs';
import { firstValueFrom, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { fakeFetch } from './fake-server.test-helper.js';
import { createHttpAdapter } from './index.js';

interface Step {
  request?: { method: string; path: string; query?: Record<string, string> };
  response?: { status: number; headers: Record<string, string>; body?: unknown };
}

const REFERENCE = new URL('../../../../shared/couchdb-reference/', import.meta.url);
const steps = (JSON.parse(readFileSync(new URL('changes.json', REFERENCE), 'utf8')) as { steps: Step[] }).steps;

/** The recorded step whose query is exactly `query`. */
function recorded(query: Record<string, string>): NonNullable<Step['response']> {
  const step = steps.find(
    (s) => s.request?.path === '/db/_changes' && JSON.stringify(s.request.query ?? {}) === JSON.stringify(query),
  );
  if (step?.response === undefined) throw new Error(`no recorded step for ${JSON.stringify(query)}`);
  return step.response;
}

/** The recorded body as the bytes CouchDB sent (a one-line body was shown parsed). */
function rawOf(response: NonNullable<Step['response']>): string {
  return typeof response.body === 'string' ? response.body : `${JSON.stringify(response.body)}\n`;
}

function headersOf(response: NonNullable<Step['response']>): Record<string, string> {
  return Object.fromEntries(Object.entries(response.headers).map(([k, v]) => [k.toLowerCase(), v]));
}

function setup() {
  const fake = fakeFetch();
  const server = createHttpAdapter({ url: 'http://127.0.0.1:5984', fetch: fake.fetch, retry: false, feed: { reconnectDelay: 1 } });
  return { fake, server, db: server.db('db') };
}

/** The rows of a recorded normal feed (same seqs as the streamed ones of the same file). */
const normalRows = (recorded({ since: '0' }).body as { results: unknown[] }).results;

describe('recorded CouchDB feeds through the adapter', () => {
  it('continuous: every recorded row, the last_seq line and the blank heartbeat skipped', async () => {
    const { fake, db } = setup();
    const response = recorded({ feed: 'continuous', timeout: '100' });
    fake.reply({ status: 200, raw: rawOf(response), headers: headersOf(response) });
    const rows = await firstValueFrom(db.changesStream({ feed: 'continuous', timeout: 100 }).pipe(toArray()));
    expect(rows).toStrictEqual(normalRows);
    expect(fake.seen[0]?.target).toBe('/db/_changes?timeout=100&feed=continuous&since=0');
  });

  it('continuous from now: an answer with only the last_seq line brings no row', async () => {
    const { fake, db } = setup();
    const response = recorded({ feed: 'continuous', since: 'now', timeout: '100' });
    fake.reply({ status: 200, raw: rawOf(response), headers: headersOf(response) });
    const rows = await firstValueFrom(db.changesStream({ feed: 'continuous', since: 'now', timeout: 100 }).pipe(toArray()));
    expect(rows).toStrictEqual([]);
  });

  it('eventsource: rows from the data lines; the quoted seq in `id` is not mistaken for the seq', async () => {
    const { fake, db } = setup();
    const response = recorded({ feed: 'eventsource', timeout: '100', limit: '2' });
    fake.reply({ status: 200, raw: rawOf(response), headers: headersOf(response) });
    const rows = await firstValueFrom(db.changesStream({ feed: 'eventsource', timeout: 100, limit: 2 }).pipe(toArray()));
    expect(rows).toStrictEqual(normalRows.slice(0, 2));
  });

  it('seq_interval: a live feed resumes from the last real seq, never from a null one', async () => {
    const { fake, db } = setup();
    const interval = recorded({ seq_interval: '2' }).body as { results: Array<{ seq: string | null }> };
    const [first, second] = interval.results;
    // The connection breaks after a row with a seq and one without (no last_seq line).
    expect(first?.seq).toBe('<seq2>');
    expect(second?.seq).toBeNull();
    fake.reply({ status: 200, raw: `${JSON.stringify(first)}\n${JSON.stringify(second)}\n` });
    fake.reply({ status: 200, raw: `${JSON.stringify(interval.results[2])}\n` });
    const rows = await firstValueFrom(
      db.liveChanges({ since: '<seq1>', query_params: { seq_interval: '2' } }).pipe(take(3), toArray()),
    );
    expect(rows.map((row) => row.id)).toStrictEqual(['d3', 'd1', 'd2']);
    const resumed = new URLSearchParams(fake.seen[1]?.target.split('?')[1]);
    expect(resumed.get('since')).toBe('<seq2>');
  });
});
