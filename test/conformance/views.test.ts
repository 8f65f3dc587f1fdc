// Views (`query`): every `_view` exchange of shared/couchdb-reference/views.json and collation.json replayed in order
// through the adapter contract, on each backend: rows, keys, values, order (the collation test vector, ICU and raw),
// grouping, offsets and CouchDB's error reasons.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  isSetteeError,
  type DatabaseAdapter,
  type JsonObject,
  type JsonValue,
  type ViewQueryOptions,
  type ViewResponse,
} from '@settee/core';
import { backends, type Backend } from './backends.js';
import { useBackend } from './harness.js';
import { hasQuirk } from './quirks.js';

interface RecordedStep {
  note?: string;
  request?: { method: string; path: string; query?: Record<string, string>; body?: unknown };
  response?: { status: number; body?: unknown };
}

function recording(file: string): { steps: RecordedStep[] } {
  return JSON.parse(readFileSync(new URL(`../../../shared/couchdb-reference/${file}`, import.meta.url), 'utf8')) as { steps: RecordedStep[] };
}

/** Query parameters CouchDB parses as JSON. */
const JSON_PARAMS = new Set(['key', 'keys', 'startkey', 'endkey']);
const NUMBER_PARAMS = new Set(['limit', 'skip', 'group_level']);
const BOOLEAN_PARAMS = new Set(['reduce', 'group', 'descending', 'include_docs', 'inclusive_end', 'update_seq', 'conflicts']);

/** The recorded query string as contract options (what a caller of `query` would pass). */
function optionsOf(step: RecordedStep): ViewQueryOptions {
  const options: Record<string, unknown> = {};
  for (const [name, text] of Object.entries(step.request?.query ?? {})) {
    if (JSON_PARAMS.has(name)) options[name] = JSON.parse(text);
    else if (NUMBER_PARAMS.has(name) && /^\d+$/.test(text)) options[name] = Number(text);
    else if (BOOLEAN_PARAMS.has(name) && (text === 'true' || text === 'false')) options[name] = text === 'true';
    else if (name === 'stale' && text === 'ok') options['update'] = false;
    else options[name] = text;
  }
  const body = step.request?.body as { keys?: JsonValue[] } | undefined;
  if (body?.keys) options['keys'] = body.keys;
  return options as ViewQueryOptions;
}

/** `/{db}/_design/{ddoc}/_view/{view}` → [ddoc, view]. */
function viewOf(path: string): [string, string] | undefined {
  const match = /^\/\w+\/_design\/([^/]+)\/_view\/([^/]+)$/.exec(path);
  return match ? [decodeURIComponent(match[1]!), decodeURIComponent(match[2]!)] : undefined;
}

/** The recording's logical database name (`db`, `ids`) of a path. */
function dbOf(path: string): string {
  return /^\/(\w+)/.exec(path)![1]!;
}

type Action =
  | { kind: 'create' }
  | { kind: 'bulk'; docs: JsonObject[] }
  | { kind: 'put'; doc: JsonObject & { _id: string }; status: number; error?: JsonObject }
  | { kind: 'query'; ddoc: string; view: string; options: ViewQueryOptions; status: number; body: JsonObject };

/**
 * Steps that are not a view contract call: HTTP-only ones (raw query-string parsing, `/queries`, `_info`, exact
 * response text), and documents and `_all_docs` reads, which other files check.
 */
function isHttpOnly(step: RecordedStep): boolean {
  const { method, path, query } = step.request!;
  if (typeof step.response?.body === 'string') return true;
  if (method === 'GET' && !viewOf(path)) return true;
  if (method === 'PUT' && !path.includes('/_design/') && step.response!.status >= 400) return true;
  return path.endsWith('/queries') || path.endsWith('/_info') || query?.['startkey'] === 'notjson';
}

function actionOf(step: RecordedStep): Action | undefined {
  const request = step.request!;
  const response = step.response!;
  if (/^\/\w+$/.test(request.path)) return request.method === 'PUT' ? { kind: 'create' } : undefined;
  if (isHttpOnly(step)) return undefined;
  if (request.path.endsWith('/_bulk_docs')) {
    const body = typeof request.body === 'string' ? (JSON.parse(request.body) as unknown) : request.body;
    return { kind: 'bulk', docs: (body as { docs: JsonObject[] }).docs };
  }
  const view = viewOf(request.path);
  if (view) return { kind: 'query', ddoc: view[0], view: view[1], options: optionsOf(step), status: response.status, body: response.body as JsonObject };
  if (request.method === 'PUT') {
    const id = decodeURIComponent(request.path.slice(`/${dbOf(request.path)}/`.length));
    const doc = { ...(request.body as JsonObject), _id: id };
    return { kind: 'put', doc, status: response.status, ...(response.status >= 400 ? { error: response.body as JsonObject } : {}) };
  }
  return undefined;
}

interface ReplayStep {
  readonly title: string;
  readonly db: string;
  readonly action: Action;
}

function replayOf(file: string): ReplayStep[] {
  return recording(file)
    .steps.filter((step) => step.request !== undefined)
    .map((step) => ({ title: step.note ?? `${step.request!.method} ${step.request!.path}`, db: dbOf(step.request!.path), action: actionOf(step) }))
    .filter((entry): entry is ReplayStep => entry.action !== undefined);
}

/** Seqs are opaque: only their presence is compared. */
function withoutSeq(body: JsonObject | ViewResponse): JsonObject {
  const { update_seq: seq, ...rest } = body as JsonObject;
  return seq === undefined ? rest : { ...rest, update_seq: '<seq>' };
}


for (const file of ['views.json', 'collation.json']) {
  describe.each(backends)(`views, replayed from ${file} [$name]`, (backend) => {
    const h = useBackend(backend);
    const dbs = new Map<string, DatabaseAdapter>();
    const names: string[] = [];

    afterAll(async () => {
      for (const name of names) await h.server.deleteDb(name);
    });

    for (const { title, db: logical, action } of replayOf(file)) {
      it(title, async () => {
        if (action.kind === 'create') {
          const name = `sc_views_${logical}_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
          await h.server.createDb(name, { q: 1 });
          names.push(name);
          dbs.set(logical, h.server.db(name));
          return;
        }
        const database = dbs.get(logical);
        if (!database) throw new Error(`database ${logical} was not created`);
        await runAction(backend, database, action);
      });
    }
  });
}

async function runAction(backend: Backend, database: DatabaseAdapter, action: Exclude<Action, { kind: 'create' }>): Promise<void> {
  switch (action.kind) {
    case 'bulk':
      await database.bulkDocs(action.docs);
      return;
    case 'put': {
      const outcome = await database.put(action.doc).then(
        (result) => ({ ok: result }),
        (error: unknown) => ({ error }),
      );
      if (action.error) {
        expect('error' in outcome && isSetteeError(outcome.error)).toBe(true);
        const error = (outcome as { error: { status: number; error: string; reason: string } }).error;
        expect(error.status).toBe(action.status);
        expect(error.error).toBe(action.error['error']);
        // Compile errors quote the JavaScript engine's own message (QuickJS in the recording): compare the prefix.
        if (action.error['error'] === 'compilation_error') expect(error.reason).toMatch(/^Compilation of the (map|reduce) function in the 'v' view failed: SyntaxError/);
        else expect(error.reason).toBe(action.error['reason']);
      } else {
        expect(outcome).toHaveProperty('ok');
      }
      return;
    }
    case 'query': {
      const outcome = await database.query(action.ddoc, action.view, action.options).then(
        (result) => ({ ok: result }),
        (error: unknown) => ({ error }),
      );
      if (action.status >= 400) {
        if (!('error' in outcome)) throw new Error(`expected ${action.status}, got ${JSON.stringify(outcome.ok)}`);
        const error = outcome.error as { status: number; error: string; reason: string };
        expect({ status: error.status, error: error.error, reason: error.reason }).toEqual({
          status: action.status,
          error: action.body['error'],
          reason: action.body['reason'],
        });
        return;
      }
      if ('error' in outcome) throw outcome.error;
      if (hasQuirk(backend, 'rev-hashes')) {
        // The server's own revision hashes differ: compare included documents without `_rev`.
        const strip = (body: JsonObject | ViewResponse): unknown =>
          JSON.parse(JSON.stringify(withoutSeq(body)), (key, value: unknown) => (key === '_rev' ? undefined : value));
        expect(strip(outcome.ok)).toEqual(strip(action.body));
        return;
      }
      expect(withoutSeq(outcome.ok)).toEqual(withoutSeq(action.body));
      return;
    }
  }
}
