import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isSetteeError, type DatabaseAdapter, type JsonValue } from '@settee/core';
import { createEngine } from '../engine.js';
import { decodeBookmark } from './bookmark.js';

/**
 * Replays every step of find.json (CouchDB 3.4.3) through the engine, in order, on one engine: the same writes,
 * `_find`, `_explain` and `_index` calls, compared with CouchDB's answers. Bookmarks are compared by what they
 * decode to (the compressed bytes differ between zlib builds); `execution_time_ms` is not compared. HTTP-only
 * steps (a non-JSON body, a missing Content-Type, GET on `_find`) belong to the HTTP adapter and are skipped.
 */
interface Step {
  note?: string;
  request?: { method: string; path: string; query?: Record<string, string>; body?: unknown };
  response?: { status: number; body?: unknown };
}

const recording = JSON.parse(
  readFileSync(new URL('../../../../../shared/couchdb-reference/find.json', import.meta.url), 'utf8'),
) as { steps: Step[] };

type Answer = { status: number; body: unknown };

async function call(engine: ReturnType<typeof createEngine>, step: Step): Promise<Answer | undefined> {
  const { method, path, body } = step.request!;
  const parts = path.split('/').slice(1).map(decodeURIComponent);
  const db = (): DatabaseAdapter => engine.db(parts[0]!);
  try {
    if (method === 'PUT' && parts.length === 1) return { status: 201, body: await engine.createDb(parts[0]!, { q: 1 }) };
    if (typeof body === 'string') return undefined;
    if (method === 'POST' && parts[1] === '_bulk_docs') return { status: 201, body: await db().bulkDocs((body as { docs: [] }).docs) };
    if (method === 'POST' && parts[1] === '_find') return { status: 200, body: await db().find(body as never) };
    if (method === 'POST' && parts[1] === '_explain') return { status: 200, body: await db().explain(body as never) };
    if (method === 'POST' && parts[1] === '_index') return { status: 200, body: await db().createIndex(body as never) };
    if (method === 'GET' && parts[1] === '_index') return { status: 200, body: await db().getIndexes() };
    if (method === 'DELETE' && parts[1] === '_index') {
      const rest = parts.slice(2);
      const ddoc = rest[0] === '_design' ? `_design/${rest[1]}` : rest[0]!;
      return { status: 200, body: await db().deleteIndex(ddoc, rest[rest.length - 1]!) };
    }
    if (method === 'GET' && parts[1] === '_design') return { status: 200, body: await db().get(`_design/${parts[2]}`) };
    return undefined;
  } catch (error) {
    if (!isSetteeError(error)) throw error;
    return { status: error.status, body: { error: error.error, reason: error.reason } };
  }
}

/** CouchDB's answer made comparable: bookmarks decoded, execution time and error refs dropped. */
function comparable(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const copy = { ...(body as Record<string, JsonValue>) };
  if (typeof copy['bookmark'] === 'string' && copy['bookmark'] !== 'nil') copy['bookmark'] = decodeBookmark(copy['bookmark']) as never;
  if (typeof copy['execution_stats'] === 'object' && copy['execution_stats'] !== null) {
    copy['execution_stats'] = { ...(copy['execution_stats'] as Record<string, JsonValue>), execution_time_ms: 0 };
  }
  delete copy['ref'];
  return copy;
}

describe('find.json replayed through the engine', () => {
  const engine = createEngine({ storage: 'memory' });
  const steps = recording.steps.filter((s) => s.request !== undefined);
  let compared = 0;

  it.each(steps.map((s, i) => [`${i} ${s.note}`, s] as const))('%s', async (_name, step) => {
    const answer = await call(engine, step);
    if (answer === undefined) return;
    const expected = step.response!;
    expect(answer.status).toBe(expected.status);
    expect(comparable(answer.body)).toEqual(comparable(expected.body));
    compared++;
  });

  it('compared every step but the three HTTP-only ones', () => {
    expect(steps).toHaveLength(137);
    expect(compared).toBe(134);
  });
});
