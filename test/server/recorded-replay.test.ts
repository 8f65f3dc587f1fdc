// Replays CouchDB 3.4.3's recorded exchanges (shared/couchdb-reference) against settee-server, step by step on a
// fresh server per file, and compares status codes, Content-Type, ETag, Location, Allow, Content-Encoding, Set-Cookie's attributes and the
// JSON bodies (revision ids must match; uuids, seqs, times and sizes are placeholders). Steps this server cannot
// reproduce are listed in KNOWN_DIFFERENCES with the reason; every other step must match.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, startServer } from './start.js';
import { bind, diffJson, loadRecording, type Bindings, type RecordedStep } from './replay.js';

/**
 * Recorded steps whose answers differ on purpose, by file and note prefix. Each says why; see also
 * docs/architecture.md ("settee-server").
 */
const KNOWN_DIFFERENCES: Record<string, Record<string, string>> = {
  'server.json': {
    'GET /_utils': 'no Fauxton: /_utils is not served',
    'GET /_membership': 'the node is named settee@localhost, not couchdb@<host>',
    'GET /_node/_local: the local node name': 'the node is named settee@localhost',
  },
  'databases.json': {
    'PUT /db/_revs_limit with a non-number': "CouchDB's 500 function_clause is a crash; the engine answers 400 bad_request",
  },
  'bulk.json': {
    'POST /db/_bulk_get with "docs" not an array': "CouchDB's 500 function_clause is a crash; 400 bad_request here",
    'POST /db/_revs_diff with a non-array value': "CouchDB's 500 function_clause is a crash; 400 bad_request here",
  },
  'all_docs.json': {
    'GET /db/_design_docs': "offset counts the design documents before the range; CouchDB's value (1 for the first row) is not derivable",
  },
  'changes.json': {
    'GET /db/_changes?since=3': "the engine's seqs are decimal strings, so a bare integer is a valid since",
    'GET /db/_changes?limit=abc': "CouchDB's 500 badarg is a crash; 400 bad_request here",
    'GET /db/_changes?style=bogus': "CouchDB's 500 badarg is a crash; 400 bad_request here",
  },
};

/**
 * auth.json is not replayed: its passwords are redacted, so right and wrong ones cannot be told apart. Its flows are
 * checked with real passwords, and the recorded answers, in auth.test.ts.
 */
const FILES = ['server.json', 'databases.json', 'documents.json', 'attachments.json', 'bulk.json', 'all_docs.json', 'changes.json', 'find.json'];

function requestHeaders(step: RecordedStep, bindings: Bindings, cookie: string | undefined): Headers {
  const request = step.request!;
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers ?? {})) headers.set(name, bind(value, bindings));
  if (headers.get('cookie')?.includes('AuthSession=<redacted>') && cookie !== undefined) headers.set('cookie', cookie);
  const auth = request.auth;
  if (auth === undefined) headers.set('authorization', basic('admin', 'test-admin-pw'));
  else if (auth.startsWith('basic:')) headers.set('authorization', basic(auth.slice(6), '<redacted>'));
  // Node's fetch sends no Accept by default; the recorder's fetch sent */*.
  if (!headers.has('accept')) headers.set('accept', '*/*');
  return headers;
}

function requestBody(step: RecordedStep): RequestInit['body'] {
  const { body, bodyEncoding } = step.request!;
  if (body === undefined) return undefined;
  if (typeof body === 'string') return bodyEncoding === 'base64' ? Buffer.from(body, 'base64') : body;
  return JSON.stringify(body);
}

function urlOf(base: string, step: RecordedStep, bindings: Bindings): string {
  const request = step.request!;
  const query = Object.entries(request.query ?? {})
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(bind(value, bindings))}`)
    .join('&');
  return `${base}${bind(request.path, bindings)}${query === '' ? '' : `?${query}`}`;
}

/** Compares one answer with the recording; returns the differences. */
async function compare(step: RecordedStep, res: Response, bindings: Bindings, base: string): Promise<string[]> {
  const expected = step.response!;
  const out: string[] = [];
  if (res.status !== expected.status) out.push(`status ${expected.status} vs ${res.status}`);
  const type = expected.headers['Content-Type'];
  const actualType = res.headers.get('content-type') ?? undefined;
  if (type !== undefined && type.split(';')[0] !== actualType?.split(';')[0]) out.push(`content-type ${type} vs ${actualType}`);
  const etag = expected.headers['ETag'];
  if (etag !== undefined && etag !== '"<etag>"' && !diffJsonOk(etag, res.headers.get('etag'), bindings)) {
    out.push(`etag ${etag} vs ${res.headers.get('etag')}`);
  }
  const location = expected.headers['Location'];
  if (location !== undefined && !diffJsonOk(location.replace('http://<host>', base), res.headers.get('location'), bindings)) {
    out.push(`location ${location} vs ${res.headers.get('location')}`);
  }
  // Content-Encoding: CouchDB sends gzip-stored attachments gzipped when the client (fetch here, as for the recorder)
  // accepts gzip; fetch decodes the body but keeps the header.
  const encoding = expected.headers['Content-Encoding'];
  if ((encoding ?? null) !== res.headers.get('content-encoding')) out.push(`content-encoding ${encoding} vs ${res.headers.get('content-encoding')}`);
  const allow = expected.headers['Allow'];
  if (allow !== undefined && allow !== res.headers.get('allow')) out.push(`allow ${allow} vs ${res.headers.get('allow')}`);
  const cookie = expected.headers['Set-Cookie'];
  if (cookie !== undefined) {
    const actual = res.headers.get('set-cookie') ?? '';
    const shape = (text: string): string => text.replace(/AuthSession=[^;]*/, (m) => (m === 'AuthSession=' ? m : 'AuthSession=x')).replace(/Expires=[^;]*/, 'Expires=t');
    if (shape(cookie.replace('<redacted>', 'x')) !== shape(actual)) out.push(`set-cookie ${cookie} vs ${actual}`);
  }
  const text = await res.text();
  if (expected.body !== undefined && type?.startsWith('application/json') && typeof expected.body !== 'string') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      out.push(`body is not JSON: ${text.slice(0, 120)}`);
      return out;
    }
    const descending = step.request?.query?.['descending'] === 'true';
    out.push(...diffJson(withBoundRowOrder(expected.body, bindings, descending), parsed, bindings).slice(0, 5));
  }
  return out;
}

/**
 * `_all_docs` rows sort by id, and a server-generated id (`<id1>` in the recording) sorts wherever its random
 * prefix puts it: the recorded rows are put in the order their ids have once the placeholders are bound to this
 * server's ids (ids compare by their bytes, as `_all_docs` does).
 */
function withBoundRowOrder(body: unknown, bindings: Bindings, descending: boolean): unknown {
  if (typeof body !== 'object' || body === null || !('rows' in body) || !Array.isArray(body.rows)) return body;
  const rows: unknown[] = body.rows;
  const keyOf = (row: unknown): string | undefined =>
    typeof row === 'object' && row !== null && 'key' in row && typeof row.key === 'string' && 'id' in row ? bind(row.key, bindings) : undefined;
  const keys = rows.map(keyOf);
  if (!keys.every((key): key is string => key !== undefined) || !rows.some((row, i) => keys[i] !== (row as { key: string }).key)) return body;
  const order = rows.map((row, i) => ({ row, key: Buffer.from(keys[i]!, 'utf8') }));
  order.sort((a, b) => (descending ? -1 : 1) * Buffer.compare(a.key, b.key));
  return { ...body, rows: order.map((entry) => entry.row) };
}

function diffJsonOk(expected: string, actual: string | null, bindings: Bindings): boolean {
  return diffJson(expected, actual, bindings).length === 0;
}

describe.each(FILES)('recorded CouchDB exchanges: %s', (file) => {
  let server: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server.closeAll();
  });

  it('every step answers like CouchDB 3.4.3, except the documented differences', async () => {
    const bindings: Bindings = new Map();
    const known = KNOWN_DIFFERENCES[file] ?? {};
    const differences: string[] = [];
    let cookie: string | undefined;
    for (const [index, step] of loadRecording(file).entries()) {
      if (step.request === undefined || step.response === undefined) continue;
      const note = step.note ?? '';
      const res = await fetch(urlOf(server.url, step, bindings), {
        method: step.request.method,
        headers: requestHeaders(step, bindings, cookie),
        body: requestBody(step),
        redirect: 'manual',
      });
      const setCookie = res.headers.get('set-cookie');
      if (setCookie?.startsWith('AuthSession=') && !setCookie.startsWith('AuthSession=;')) cookie = setCookie.split(';')[0];
      const diff = await compare(step, res, bindings, server.url);
      const excused = Object.keys(known).some((prefix) => note.startsWith(prefix));
      if (diff.length > 0 && !excused) differences.push(`#${index} ${note}\n    ${diff.join('\n    ')}`);
    }
    expect(differences).toStrictEqual([]);
  });
});
