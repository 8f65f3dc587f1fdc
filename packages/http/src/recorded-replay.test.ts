// Replays the exchanges recorded against CouchDB 3.4.3 (shared/couchdb-reference): for every recorded request that
// an adapter method makes, the method is called against a fetch that answers with the recorded response. The
// request the adapter sends must be the recorded one (method, decoded path, query parameters, body), and what the
// method resolves or rejects with must be what that response means (the body, or CouchDB's status/error/reason).
// Requests no adapter method makes (batch=ok, If-Match, Range, malformed bodies, other content types) are left out.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SetteeError } from '@settee/core';
import { fakeFetch, type SeenRequest } from './fake-server.test-helper.js';
import { createHttpAdapter } from './index.js';
import type { HttpServer } from './http-server.js';

interface Step {
  note?: string;
  request?: {
    method: string;
    path: string;
    query?: Record<string, string>;
    headers?: Record<string, string>;
    body?: unknown;
    bodyEncoding?: 'base64';
  };
  response?: { status: number; headers: Record<string, string>; body?: unknown; bodyEncoding?: 'base64' };
}

type Request = NonNullable<Step['request']>;

/** The recorded answer's body encoding, for expectations on raw bodies. */
let encoding: 'base64' | undefined;

/** What to call for a recorded request, and what the call's result should equal for a 2xx answer. */
interface Mapped {
  call: (server: HttpServer) => Promise<unknown>;
  /** The expected result from the recorded 2xx body; the body itself when absent. */
  expected?: (body: unknown, headers: Record<string, string>) => unknown;
}

const REFERENCE = new URL('../../../../shared/couchdb-reference/', import.meta.url);
const FILES = ['server.json', 'databases.json', 'documents.json', 'bulk.json', 'all_docs.json', 'changes.json', 'attachments.json', 'views.json', 'find.json'];

const JSON_PARAMS = new Set(['key', 'keys', 'startkey', 'endkey', 'start_key', 'end_key', 'atts_since', 'doc_ids']);
const NUMBER_PARAMS = new Set(['limit', 'skip', 'q', 'n', 'timeout', 'count', 'heartbeat']);
const CHANGES_OPTIONS = new Set(['since', 'limit', 'descending', 'include_docs', 'conflicts', 'attachments', 'style', 'filter', 'doc_ids', 'selector', 'view', 'feed', 'timeout']);

/** A recorded query value as the typed option a caller would pass. */
function option(name: string, value: string): unknown {
  if (JSON_PARAMS.has(name)) return JSON.parse(value) as unknown;
  if (value === 'true' || value === 'false') return value === 'true';
  if (NUMBER_PARAMS.has(name) && /^-?\d+$/.test(value)) return Number(value);
  return value;
}

function options(query: Record<string, string> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(query ?? {})) out[name] = option(name, value);
  return out;
}

function bytesOf(body: unknown, encoding: 'base64' | undefined): Uint8Array {
  if (typeof body !== 'string') return new Uint8Array(0);
  return encoding === 'base64' ? new Uint8Array(Buffer.from(body, 'base64')) : new TextEncoder().encode(body);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Maps a recorded request to the adapter call that makes it, or undefined when none does. */
function mapRequest(request: Request): Mapped | undefined {
  const { method, body } = request;
  const headers = Object.fromEntries(Object.entries(request.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const extraHeaders = Object.keys(headers).filter((h) => h !== 'content-type' && h !== 'accept');
  const query = request.query ?? {};
  // A parameter that is not valid JSON where CouchDB expects JSON is nothing a typed option can produce.
  for (const [name, value] of Object.entries(query)) {
    if ((JSON_PARAMS.has(name) || (name === 'open_revs' && value !== 'all')) && safeJson(value) === value) return undefined;
  }
  const segments = request.path.split('?')[0]!.split('/').slice(1).map(decodeURIComponent);
  const [dbName, second, ...rest] = segments;
  if (request.path.includes('+') || (body !== undefined && typeof body === 'string' && request.bodyEncoding === undefined && method !== 'PUT')) {
    return undefined;
  }
  // Server level.
  if (request.path === '/' && method === 'GET' && extraHeaders.length === 0 && !headers['accept']) return { call: (s) => s.info() };
  if (dbName === '_all_dbs' && method === 'GET') return { call: (s) => s.allDbs(options(query)) };
  if (dbName === '_uuids' && method === 'GET') {
    return { call: (s) => s.uuids(query['count'] === undefined ? undefined : Number(query['count'])), expected: (b) => (b as { uuids: unknown }).uuids };
  }
  if (dbName === '_up' && method === 'GET') return { call: (s) => s.up() };
  if (dbName === '_membership' && method === 'GET') return { call: (s) => s.membership() };
  if (dbName === '_active_tasks' && method === 'GET') return { call: (s) => s.activeTasks() };
  if (dbName === '_dbs_info' && method === 'POST' && isObject(body) && Array.isArray(body['keys']) && headers['content-type']) {
    return { call: (s) => s.dbsInfo(body['keys'] as string[]) };
  }
  if (dbName === undefined || dbName === '' || dbName.startsWith('_')) return undefined;
  const db = (s: HttpServer) => s.db(dbName);
  if (second === undefined) {
    if (method === 'PUT' && body === undefined) return { call: (s) => s.createDb(dbName, options(query)) };
    if (method === 'GET') return { call: (s) => db(s).info() };
    if (method === 'DELETE' && Object.keys(query).length === 0) return { call: (s) => s.deleteDb(dbName) };
    if (method === 'POST' && isObject(body) && Object.keys(query).length === 0 && headers['content-type'] === 'application/json') {
      return { call: (s) => db(s).post(body) };
    }
    return undefined;
  }
  if (extraHeaders.some((h) => h !== 'destination' && h !== 'if-none-match')) return undefined;
  if (second === '_design' && rest[1] === '_view' && rest.length === 3) return mapViewQuery(request, dbName, rest[0]!, rest[2]!);
  switch (second) {
    case '_find':
    case '_explain': {
      if (method !== 'POST' || !isObject(body) || headers['content-type'] !== 'application/json') return undefined;
      return second === '_find' ? { call: (s) => db(s).find(body as never) } : { call: (s) => db(s).explain(body as never) };
    }
    case '_index': {
      if (method === 'GET' && rest.length === 0) return { call: (s) => db(s).getIndexes() };
      if (method === 'POST' && rest.length === 0 && isObject(body)) return { call: (s) => db(s).createIndex(body as never) };
      // The adapter names the design document without `_design/` and deletes json indexes only.
      if (method === 'DELETE' && rest.length === 3 && rest[1] === 'json') return { call: (s) => db(s).deleteIndex(rest[0]!, rest[2]!) };
      return undefined;
    }
    case '_all_docs':
    case '_local_docs': {
      if (rest.length > 0) return undefined;
      const list = second === '_all_docs' ? 'allDocs' : 'localDocs';
      // keys as a GET parameter: the adapter POSTs them instead (same answer, no URL length limit).
      if (method === 'GET' && query['keys'] === undefined) return { call: (s) => db(s)[list](options(query)) };
      if (method === 'POST' && isObject(body) && Object.keys(body).length === 1 && 'keys' in body) {
        return { call: (s) => db(s)[list]({ ...options(query), keys: body['keys'] as string[] }) };
      }
      return undefined;
    }
    case '_bulk_docs': {
      const bulkKeys = ['docs', 'new_edits', 'all_or_nothing'];
      if (method !== 'POST' || !isObject(body) || Object.keys(body).some((k) => !bulkKeys.includes(k))) return undefined;
      // `all_or_nothing` is no typed option; untyped callers pass it, and CouchDB 3 refuses it with 417.
      const edits = Object.fromEntries(Object.entries(body).filter(([k]) => k !== 'docs'));
      return { call: (s) => db(s).bulkDocs(body['docs'] as never, edits) };
    }
    case '_bulk_get':
      if (method !== 'POST' || !isObject(body) || !Array.isArray(body['docs'])) return undefined;
      return { call: (s) => db(s).bulkGet(body['docs'] as never, options(query)) };
    case '_revs_diff':
      return method === 'POST' && isObject(body) ? { call: (s) => db(s).revsDiff(body as never) } : undefined;
    case '_changes': {
      if (query['feed'] === 'continuous' || query['feed'] === 'eventsource') return undefined;
      const known: Record<string, unknown> = {};
      const params: Record<string, string> = {};
      for (const [name, value] of Object.entries(query)) {
        if (CHANGES_OPTIONS.has(name)) known[name] = option(name, value);
        else params[name] = value;
      }
      if (method === 'POST') {
        if (!isObject(body) || Object.keys(body).some((k) => k !== 'doc_ids' && k !== 'selector')) return undefined;
        Object.assign(known, body);
        // The adapter POSTs only when there is a list or a selector to send.
        if (body['doc_ids'] === undefined && body['selector'] === undefined) return undefined;
      } else if (known['doc_ids'] !== undefined) {
        return undefined;
      }
      return { call: (s) => db(s).changes({ ...known, ...(Object.keys(params).length > 0 ? { query_params: params } : {}) }) };
    }
    case '_security':
      if (method === 'GET') return { call: (s) => db(s).getSecurity() };
      return method === 'PUT' && isObject(body) ? { call: (s) => db(s).putSecurity(body) } : undefined;
    case '_revs_limit':
      if (method === 'GET') return { call: (s) => db(s).getRevsLimit() };
      return method === 'PUT' && typeof body === 'number' ? { call: (s) => db(s).putRevsLimit(body) } : undefined;
    case '_compact':
      return method === 'POST' && headers['content-type'] === 'application/json' ? { call: (s) => db(s).compact() } : undefined;
    case '_partition':
      return undefined;
    default:
      break;
  }
  // Documents: `_design/x` and `_local/x` take two segments, an attachment name everything after the id.
  const prefixed = second === '_design' || second === '_local';
  if (second.startsWith('_') && !prefixed && !second.startsWith('_design/') && !second.startsWith('_local/')) return undefined;
  const id = prefixed ? `${second}/${rest[0] ?? ''}` : second;
  const attachment = (prefixed ? rest.slice(1) : rest).join('/');
  // `_design/x/_info`, `_design/x/_show/...`: design endpoints, not attachments.
  if (second === '_design' && attachment.startsWith('_')) return undefined;
  const ifNoneMatch = headers['if-none-match'];
  if (attachment !== '') {
    if (ifNoneMatch !== undefined || headers['destination'] !== undefined) return undefined;
    const rev = query['rev'];
    if (method === 'GET' && Object.keys(query).every((k) => k === 'rev')) {
      return {
        call: (s) => db(s).getAttachment(id, attachment, rev === undefined ? {} : { rev }),
        expected: (b, h) => {
          const data = bytesOf(b, encoding);
          return { data, content_type: h['Content-Type'], digest: `md5-${(h['ETag'] ?? '').replace(/"/g, '')}`, length: data.byteLength };
        },
      };
    }
    if (method === 'PUT' && headers['content-type'] !== undefined && Object.keys(query).every((k) => k === 'rev')) {
      const data = bytesOf(body, request.bodyEncoding);
      return { call: (s) => db(s).putAttachment(id, attachment, data, headers['content-type']!, rev) };
    }
    if (method === 'DELETE' && rev !== undefined) return { call: (s) => db(s).removeAttachment(id, attachment, rev) };
    return undefined;
  }
  if (method === 'GET') {
    const { open_revs, ...others } = query;
    if (ifNoneMatch !== undefined) {
      return {
        call: (s) => db(s).getIfNoneMatch(id, ifNoneMatch, options(others)),
        expected: (b, h) => (b === undefined ? { modified: false, etag: h['ETag'] } : { modified: true, etag: h['ETag'], doc: b }),
      };
    }
    if (open_revs !== undefined) {
      if (headers['accept'] !== 'application/json') return undefined;
      const revs = open_revs === 'all' ? 'all' : (safeJson(open_revs) as string[]);
      if (revs !== 'all' && !Array.isArray(revs)) return undefined;
      return { call: (s) => db(s).getOpenRevs(id, revs, options(others)) };
    }
    return { call: (s) => db(s).get(id, options(query)) };
  }
  if (method === 'HEAD') {
    return { call: (s) => db(s).head(id), expected: (_b, h) => h['ETag']?.replace(/"/g, '') };
  }
  if (method === 'PUT') {
    if (!isObject(body) || Object.keys(query).some((k) => k !== 'rev' && k !== 'new_edits')) return undefined;
    if (headers['content-type'] !== 'application/json' || (body['_id'] !== undefined && body['_id'] !== id)) return undefined;
    return { call: (s) => db(s).put({ ...body, _id: id }, options(query)) };
  }
  if (method === 'DELETE' && query['rev'] !== undefined && Object.keys(query).length === 1) {
    return { call: (s) => db(s).remove(id, query['rev']!) };
  }
  if (method === 'COPY' && headers['destination'] !== undefined) {
    const [destination, revQuery] = headers['destination'].split('?');
    const destinationRev = revQuery?.startsWith('rev=') ? revQuery.slice(4) : undefined;
    return {
      call: (s) => db(s).copy(id, destination!, { ...(query['rev'] ? { rev: query['rev'] } : {}), ...(destinationRev ? { destinationRev } : {}) }),
    };
  }
  return undefined;
}

/** `GET` or `POST {keys}` on `/{db}/_design/{ddoc}/_view/{view}`: the adapter's `query`. */
function mapViewQuery(request: Request, dbName: string, ddoc: string, view: string): Mapped | undefined {
  const { method, body } = request;
  const query = request.query ?? {};
  // keys as a GET parameter: the adapter POSTs them instead.
  if (method === 'GET' && query['keys'] === undefined) return { call: (s) => s.db(dbName).query(ddoc, view, options(query)) };
  if (method === 'POST' && isObject(body) && Object.keys(body).length === 1 && Array.isArray(body['keys'])) {
    return { call: (s) => s.db(dbName).query(ddoc, view, { ...options(query), keys: body['keys'] as never[] }) };
  }
  return undefined;
}

/** The path of a sent request, decoded segment by segment (so `%2F` inside a segment stays distinguishable). */
function decodedPath(target: string): string[] {
  return target.split('?')[0]!.split('/').map(decodeURIComponent);
}

function sentQuery(target: string): Record<string, unknown> {
  const search = new URLSearchParams(target.split('?')[1] ?? '');
  const out: Record<string, unknown> = {};
  for (const [name, value] of search) out[name] = JSON_PARAMS.has(name) || name === 'open_revs' ? safeJson(value) : value;
  return out;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function expectSameRequest(sent: SeenRequest, recorded: Request): void {
  expect(sent.method).toBe(recorded.method);
  // `_design/x` and `_local/x` are sent with their slash; CouchDB routes `_design%2Fx` to the same document.
  const recordedSegments = recorded.path.split('?')[0]!.split('/').map(decodeURIComponent).join('/').split('/');
  expect(decodedPath(sent.target).join('/').split('/')).toStrictEqual(recordedSegments);
  const recordedQuery: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(recorded.query ?? {})) {
    recordedQuery[name] = JSON_PARAMS.has(name) || (name === 'open_revs' && value !== 'all') ? safeJson(value) : value;
  }
  expect(sentQuery(sent.target)).toStrictEqual(recordedQuery);
  if (recorded.body === undefined) {
    expect(sent.body).toBe('');
  } else if (recorded.bodyEncoding === 'base64' || typeof recorded.body === 'string') {
    // Attachment bytes go as they are: no base64, no re-encoding.
    expect(Array.from(sent.bytes)).toStrictEqual(Array.from(bytesOf(recorded.body, recorded.bodyEncoding)));
  } else {
    const body = JSON.parse(sent.body) as unknown;
    // A PUT carries the id in the path; the adapter's document also has it in the body.
    if (recorded.method === 'PUT' && isObject(body) && isObject(recorded.body) && !('_id' in recorded.body)) delete body['_id'];
    expect(body).toStrictEqual(recorded.body);
  }
}

function replyOf(response: NonNullable<Step['response']>): { status: number; raw?: string | Uint8Array; headers: Record<string, string> } {
  const headers = Object.fromEntries(Object.entries(response.headers).map(([k, v]) => [k.toLowerCase(), v]));
  // The recording shows decompressed bodies; the fake answers them as they are.
  delete headers['content-encoding'];
  if (response.body === undefined) return { status: response.status, raw: '', headers };
  const isJson = (headers['content-type'] ?? '').startsWith('application/json');
  if (response.bodyEncoding === 'base64') return { status: response.status, raw: bytesOf(response.body, 'base64'), headers };
  return { status: response.status, raw: isJson ? JSON.stringify(response.body) : String(response.body), headers };
}

for (const file of FILES) {
  const steps = (JSON.parse(readFileSync(new URL(file, REFERENCE), 'utf8')) as { steps: Step[] }).steps;
  const cases = steps.flatMap((step, index) => {
    if (step.request === undefined || step.response === undefined) return [];
    if (step.request.headers?.['Authorization'] !== undefined || (step.request as { auth?: string }).auth !== undefined) return [];
    // The adapter always sends Accept: application/json; a recorded multipart answer is not what it would get.
    if ((step.response.headers['Content-Type'] ?? '').startsWith('multipart/')) return [];
    const mapped = mapRequest(step.request);
    return mapped === undefined ? [] : [{ index, step, mapped }];
  });

  describe(`recorded exchanges of ${file}`, () => {
    it.each(cases)('step $index: $step.request.method $step.request.path', async ({ step, mapped }) => {
      const request = step.request!;
      const response = step.response!;
      encoding = response.bodyEncoding;
      const fake = fakeFetch();
      fake.reply(replyOf(response));
      const server = createHttpAdapter({ url: 'http://127.0.0.1:5984', fetch: fake.fetch, retry: false });
      let outcome: { value: unknown } | { error: unknown };
      try {
        outcome = { value: await mapped.call(server) };
      } catch (error) {
        outcome = { error };
      }
      const sent = fake.seen[0];
      expect(sent, 'a request was sent').toBeDefined();
      expectSameRequest(sent!, request);
      const ok = (response.status >= 200 && response.status < 300) || response.status === 304;
      const isHeadMiss = request.method === 'HEAD' && response.status === 404;
      if (ok || isHeadMiss) {
        if ('error' in outcome) throw outcome.error;
        const expected = isHeadMiss ? undefined : mapped.expected ? mapped.expected(response.body, response.headers) : response.body;
        expect(outcome.value).toStrictEqual(expected);
      } else {
        expect('error' in outcome, `status ${response.status} rejects`).toBe(true);
        const error = (outcome as { error: unknown }).error;
        expect(error).toBeInstanceOf(SetteeError);
        // A 417 from `_bulk_docs` lists one error per document: the first one names the rejection.
        const body = (Array.isArray(response.body) ? response.body[0] : response.body) as { error?: string; reason?: string } | undefined;
        expect({ status: (error as SetteeError).status, error: (error as SetteeError).error, reason: (error as SetteeError).reason }).toMatchObject({
          status: response.status,
          ...(body?.error === undefined ? {} : { error: body.error }),
          ...(typeof body?.reason === 'string' ? { reason: body.reason } : {}),
        });
      }
    });
  });
}
