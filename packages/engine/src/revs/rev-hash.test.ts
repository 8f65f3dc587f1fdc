import { fileURLToPath } from 'node:url';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { attachmentDigest } from '../database/attachment-meta.js';
import { ErlangFloat } from './erlang-term.js';
import { computeRevHash, computeRevHashFromJson, type RevHashInput } from './rev-hash.js';

/*
 * Test vectors come from the recorded CouchDB 3.4.3 exchanges: the files are replayed against a small model of each
 * database (revisions with their bodies, attachments and leaves), and every successful write whose response gives
 * a real revision becomes a vector: the rev CouchDB answered must be the rev computed from the request.
 */

const REFERENCE_DIR = fileURLToPath(new URL('../../../../../shared/couchdb-reference', import.meta.url));
const REAL_REV = /^(\d+)-([0-9a-f]{32})$/;

type Json = null | boolean | number | string | ErlangFloat | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };
type Attachment = RevHashInput['attachments'][number];

interface Request {
  method: string;
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: unknown;
  bodyEncoding?: string;
}
interface Step {
  request?: Request;
  response?: { status: number; headers?: Record<string, string>; body?: unknown };
}

interface StoredRev {
  pos: number;
  hash: string;
  deleted: boolean;
  body: JsonObject;
  attachments: Attachment[];
}
interface DocState {
  revs: Map<string, StoredRev>;
  leaves: Set<string>;
}

interface Vector {
  where: string;
  input: RevHashInput;
  expectedRev: string;
  /** The generation the model expects (parent + 1): checks the parent the model picked. */
  generation: number;
}

/** What a replay found: vectors, plus steps that wrote a real rev but could not be turned into one (and why). */
interface Replay {
  vectors: Vector[];
  unmodelled: string[];
}

// ---------------------------------------------------------------------------------------------------------------
// A JSON reader that keeps `1e3` and `3.0` floats (JSON.parse cannot), for request bodies recorded as raw text.

function parseJsonKeepingFloats(text: string): Json {
  let at = 0;
  const skipSpace = (): void => {
    while (/\s/.test(text[at] ?? '')) at++;
  };
  const value = (): Json => {
    skipSpace();
    const char = text[at];
    if (char === '{') {
      at++;
      const object: JsonObject = {};
      skipSpace();
      if (text[at] === '}') return at++, object;
      for (;;) {
        skipSpace();
        const key = string();
        skipSpace();
        if (text[at++] !== ':') throw new SyntaxError(`expected : at ${at}`);
        object[key] = value();
        skipSpace();
        const next = text[at++];
        if (next === '}') return object;
        if (next !== ',') throw new SyntaxError(`expected , or } at ${at}`);
      }
    }
    if (char === '[') {
      at++;
      const array: Json[] = [];
      skipSpace();
      if (text[at] === ']') return at++, array;
      for (;;) {
        array.push(value());
        skipSpace();
        const next = text[at++];
        if (next === ']') return array;
        if (next !== ',') throw new SyntaxError(`expected , or ] at ${at}`);
      }
    }
    if (char === '"') return string();
    const literal = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(at))?.[0];
    if (literal === undefined) throw new SyntaxError(`unexpected token at ${at}`);
    at += literal.length;
    const parsed = JSON.parse(literal) as Json;
    return typeof parsed === 'number' && /[.eE]/.test(literal) ? new ErlangFloat(parsed) : parsed;
  };
  const string = (): string => {
    const match = /^"(?:[^"\\]|\\.)*"/s.exec(text.slice(at));
    if (match === null) throw new SyntaxError(`expected a string at ${at}`);
    at += match[0].length;
    return JSON.parse(match[0]) as string;
  };
  const result = value();
  skipSpace();
  if (at !== text.length) throw new SyntaxError(`trailing text at ${at}`);
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// The replay.

const couchDigest = (data: Uint8Array, contentType: string): string => attachmentDigest(data, contentType);
const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof ErlangFloat);

function splitRev(rev: string): { pos: number; hash: string } {
  const dash = rev.indexOf('-');
  return { pos: Number(rev.slice(0, dash)), hash: rev.slice(dash + 1) };
}

/** CouchDB's winning revision: live before deleted, then the highest generation, then the highest rev id. */
function winner(doc: DocState): StoredRev | undefined {
  let best: StoredRev | undefined;
  for (const rev of doc.leaves) {
    const candidate = doc.revs.get(rev);
    if (candidate === undefined) continue;
    if (
      best === undefined ||
      (best.deleted && !candidate.deleted) ||
      (best.deleted === candidate.deleted &&
        (candidate.pos > best.pos || (candidate.pos === best.pos && candidate.hash > best.hash)))
    ) {
      best = candidate;
    }
  }
  return best;
}

/** Splits `/db/doc/att` into database, doc id and attachment name (design and local ids take two segments). */
function parsePath(path: string): { db: string; docId: string; rest: string[] } | undefined {
  const segments = path.split('/').slice(1);
  const [db, first, second, ...others] = segments;
  if (db === undefined || first === undefined || first === '') return undefined;
  if (first === '_design' || first === '_local') {
    if (second === undefined) return undefined;
    return { db, docId: `${first}/${decodeURIComponent(second)}`, rest: others.map(decodeURIComponent) };
  }
  const rest = second === undefined ? [] : [second, ...others].map(decodeURIComponent);
  return { db, docId: decodeURIComponent(first), rest };
}

function replay(steps: readonly Step[], file: string): Replay {
  const databases = new Map<string, Map<string, DocState>>();
  const vectors: Vector[] = [];
  const unmodelled: string[] = [];

  const docOf = (db: string, id: string): DocState => {
    let docs = databases.get(db);
    if (docs === undefined) databases.set(db, (docs = new Map()));
    let doc = docs.get(id);
    if (doc === undefined) docs.set(id, (doc = { revs: new Map(), leaves: new Set() }));
    return doc;
  };

  const store = (doc: DocState, rev: StoredRev, parentRev: string | undefined): void => {
    const key = `${rev.pos}-${rev.hash}`;
    if (doc.revs.has(key)) return;
    doc.revs.set(key, rev);
    if (parentRev !== undefined) doc.leaves.delete(parentRev);
    doc.leaves.add(key);
  };

  /**
   * One interactive write: finds the parent the way couch_db does (the given rev, or for a doc that exists only
   * as a tombstone, its winning deleted rev), records the vector and stores the new revision.
   */
  const write = (
    where: string,
    doc: DocState,
    givenParent: string | undefined,
    content: { deleted: boolean; body: JsonObject; attachments: Attachment[] | undefined },
    responseRev: unknown,
  ): void => {
    if (typeof responseRev !== 'string' || !REAL_REV.test(responseRev)) return;
    let parentRev = givenParent;
    if (parentRev === undefined) {
      const current = winner(doc);
      if (current?.deleted === true) parentRev = `${current.pos}-${current.hash}`;
    }
    const parent = parentRev === undefined ? null : splitRev(parentRev);
    const { pos, hash } = splitRev(responseRev);
    if (content.attachments === undefined) {
      unmodelled.push(`${where}: attachments not known`);
    } else {
      vectors.push({
        where,
        input: { deleted: content.deleted, parent, body: content.body, attachments: content.attachments },
        expectedRev: responseRev,
        generation: (parent?.pos ?? 0) + 1,
      });
    }
    const attachments = content.attachments ?? [];
    store(doc, { pos, hash, deleted: content.deleted, body: content.body, attachments }, parentRev);
  };

  /** The attachments a JSON doc names: inline data is digested, stubs are taken from the parent revision. */
  const jsonAttachments = (json: JsonObject, parent: StoredRev | undefined): Attachment[] | undefined => {
    const declared = json._attachments;
    if (declared === undefined) return [];
    if (!isObject(declared)) return undefined;
    const attachments: Attachment[] = [];
    for (const [name, spec] of Object.entries(declared)) {
      if (!isObject(spec)) return undefined;
      if (spec.stub === true) {
        const stored = parent?.attachments.find((attachment) => attachment.name === name);
        if (stored === undefined) return undefined;
        attachments.push(stored);
      } else if (typeof spec.data === 'string') {
        const contentType = typeof spec.content_type === 'string' ? spec.content_type : 'application/octet-stream';
        attachments.push({ name, contentType, digest: couchDigest(Buffer.from(spec.data, 'base64'), contentType) });
      } else {
        return undefined;
      }
    }
    return attachments;
  };

  /** A JSON document write; the parent is its `_rev`, else the `?rev=`/If-Match given. */
  const writeJsonDoc = (
    where: string,
    doc: DocState,
    json: JsonObject,
    givenRev: string | undefined,
    responseRev: unknown,
  ): void => {
    const parentRev = typeof json._rev === 'string' ? json._rev : givenRev;
    const parent = parentRev === undefined ? undefined : doc.revs.get(parentRev);
    const content = { deleted: json._deleted === true, body: json, attachments: jsonAttachments(json, parent) };
    write(where, doc, parentRev, content, responseRev);
  };

  steps.forEach((step, index) => {
    const { request, response } = step;
    if (request === undefined || response === undefined || response.status >= 300) return;
    const where = `${file} step ${index} ${request.method} ${request.path}`;
    const target = parsePath(request.path);
    if (target === undefined) {
      // POST /db: a new document with a generated or given id.
      const db = request.path.split('/')[1] ?? '';
      if (request.method === 'POST' && isObject(request.body) && isObject(response.body)) {
        const id = String(response.body.id);
        writeJsonDoc(where, docOf(db, id), request.body, undefined, response.body.rev);
      }
      return;
    }
    const { db, docId, rest } = target;
    const responseRev = isObject(response.body) ? response.body.rev : undefined;
    const givenRev = request.query?.rev ?? request.headers?.['If-Match'];

    if (docId === '_bulk_docs' && request.method === 'POST') {
      const body = typeof request.body === 'string' ? parseJsonKeepingFloats(request.body) : (request.body as Json);
      if (!isObject(body) || !Array.isArray(body.docs) || !Array.isArray(response.body)) return;
      const results = response.body as unknown[];
      body.docs.forEach((json, i) => {
        if (!isObject(json)) return;
        if (body.new_edits === false) {
          // Replicated revisions: stored as given, so later edits can find their parents and winners.
          const revisions = json._revisions;
          const rev = isObject(revisions) && Array.isArray(revisions.ids)
            ? `${String(revisions.start)}-${String(revisions.ids[0])}`
            : String(json._rev);
          const parentRev = isObject(revisions) && Array.isArray(revisions.ids) && revisions.ids.length > 1
            ? `${Number(revisions.start) - 1}-${String(revisions.ids[1])}`
            : undefined;
          const { pos, hash } = splitRev(rev);
          const attachments = jsonAttachments(json, undefined) ?? [];
          const stored = { pos, hash, deleted: json._deleted === true, body: json, attachments };
          store(docOf(db, String(json._id)), stored, parentRev);
          return;
        }
        const result = results[i];
        if (!isObject(result) || result.ok !== true) return;
        writeJsonDoc(`${where} doc ${i}`, docOf(db, String(result.id)), json, undefined, result.rev);
      });
      return;
    }
    if (docId.startsWith('_local/') || (docId.startsWith('_') && !docId.startsWith('_design/'))) return;
    if (rest.length > 0 && rest[0]?.startsWith('_') === true) return; // _update, _show, ... handlers

    const doc = docOf(db, docId);
    if (rest.length > 0) {
      // Standalone attachment PUT/DELETE: the prior revision's body and attachments, edited.
      const name = rest.join('/');
      const prior = givenRev === undefined ? undefined : doc.revs.get(givenRev);
      if (givenRev !== undefined && prior === undefined) {
        unmodelled.push(`${where}: prior revision not known`);
        return;
      }
      const kept = (prior?.attachments ?? []).filter((attachment) => attachment.name !== name);
      let attachments = kept;
      if (request.method === 'PUT') {
        const data = request.bodyEncoding === 'base64'
          ? Buffer.from(String(request.body), 'base64')
          : Buffer.from(String(request.body ?? ''), 'utf8');
        const contentType = request.headers?.['Content-Type'] ?? 'application/octet-stream';
        attachments = [{ name, contentType, digest: couchDigest(data, contentType) }, ...kept];
      } else if (request.method !== 'DELETE') {
        return;
      }
      const content = { deleted: prior?.deleted ?? false, body: prior?.body ?? {}, attachments };
      write(where, doc, givenRev, content, responseRev);
      return;
    }

    switch (request.method) {
      case 'PUT': {
        const body = typeof request.body === 'string' ? parseJsonKeepingFloats(request.body) : (request.body as Json);
        if (isObject(body)) writeJsonDoc(where, doc, body, givenRev, responseRev);
        return;
      }
      case 'DELETE':
        // chttpd turns DELETE into {"_rev": Rev, "_deleted": true}: an empty body, no attachments.
        write(where, doc, givenRev, { deleted: true, body: {}, attachments: [] }, responseRev);
        return;
      case 'COPY': {
        const source = request.query?.rev === undefined ? winner(doc) : doc.revs.get(request.query.rev);
        const destination = request.headers?.Destination ?? '';
        const [destinationId = '', destinationQuery] = destination.split('?');
        const destinationRev = new URLSearchParams(destinationQuery ?? '').get('rev') ?? undefined;
        if (source === undefined) {
          unmodelled.push(`${where}: source revision not known`);
          return;
        }
        const content = { deleted: false, body: source.body, attachments: source.attachments };
        write(where, docOf(db, decodeURIComponent(destinationId)), destinationRev, content, responseRev);
        return;
      }
      default:
        return;
    }
  });
  return { vectors, unmodelled };
}

function readRecording(file: string): Step[] {
  return (JSON.parse(readFileSync(join(REFERENCE_DIR, file), 'utf8')) as { steps: Step[] }).steps;
}

function loadReference(): Map<string, Replay> {
  const replays = new Map<string, Replay>();
  for (const file of readdirSync(REFERENCE_DIR).filter((name) => name.endsWith('.json')).sort()) {
    replays.set(file, replay(readRecording(file), file));
  }
  return replays;
}

/**
 * Revisions written by `_update` handlers (design_functions.json), which the replay cannot derive from requests:
 * the bodies are what the handlers in the step-1 design doc return (the second one is confirmed by step 32's GET).
 * The expected revs are read from each step's X-Couch-Update-NewRev header.
 */
function updateHandlerVectors(): Vector[] {
  const file = 'design_functions.json';
  const steps = readRecording(file);
  const newRev = (step: number): string => steps[step]?.response?.headers?.['X-Couch-Update-NewRev'] ?? '';
  const created = { _id: 'newdoc', created_by: 'update handler', body: 'raw body' };
  const writes = [
    { step: 30, parentStep: undefined, body: created },
    { step: 31, parentStep: 30, body: { ...created, count: 1 } },
    { step: 33, parentStep: undefined, body: { _id: '<id1>', made_by: 'with_uuid' } },
  ];
  return writes.map(({ step, parentStep, body }) => {
    const parent = parentStep === undefined ? null : splitRev(newRev(parentStep));
    return {
      where: `${file} step ${step} _update handler`,
      input: { deleted: false, parent, body, attachments: [] },
      expectedRev: newRev(step),
      generation: (parent?.pos ?? 0) + 1,
    };
  });
}

// ---------------------------------------------------------------------------------------------------------------

describe('computeRevHash against recorded CouchDB 3.4.3 revisions', () => {
  const replays = loadReference();
  const vectors = [...[...replays.values()].flatMap((replayed) => replayed.vectors), ...updateHandlerVectors()];
  const unmodelled = [...replays.values()].flatMap((replayed) => replayed.unmodelled);
  const count = (test: (input: RevHashInput) => boolean): number => vectors.filter((v) => test(v.input)).length;
  const hasFloat = (body: RevHashInput['body'], test: (value: number) => boolean): boolean =>
    Object.values(body).some((value) => value instanceof ErlangFloat && test(value.value));

  it('extracts vectors of every kind from the recordings', () => {
    const kinds = {
      first: count((input) => input.parent === null),
      updates: count((input) => input.parent !== null && !input.deleted),
      deletes: count((input) => input.deleted),
      withAttachments: count((input) => input.attachments.length > 0),
    };
    console.info(
      `rev-hash: ${vectors.length} recorded vectors (${kinds.first} first revisions, ${kinds.updates} updates, ` +
        `${kinds.deletes} deletes, ${kinds.withAttachments} with attachments); not modelled: ${unmodelled.length}`,
    );
    expect(kinds.first).toBeGreaterThan(100);
    expect(kinds.updates).toBeGreaterThan(10);
    expect(kinds.deletes).toBeGreaterThan(5);
    expect(count((input) => input.attachments.length > 1)).toBeGreaterThan(0);
    expect(count((input) => input.deleted && input.parent !== null && input.parent.pos > 3)).toBeGreaterThan(0);
    expect(unmodelled).toEqual([]);
  });

  it('reproduces every recorded revision', () => {
    const mismatches = vectors
      .map((vector) => ({ vector, rev: `${vector.generation}-${computeRevHash(vector.input)}` }))
      .filter(({ vector, rev }) => rev !== vector.expectedRev)
      .map(({ vector, rev }) => `${vector.where}: expected ${vector.expectedRev}, computed ${rev}`);
    console.info(`rev-hash: ${vectors.length - mismatches.length} of ${vectors.length} recorded revisions match`);
    expect(mismatches).toEqual([]);
  });

  it('reproduces every recorded revision from the stored JSON text (the write path), integral floats aside', () => {
    const unmark = (_key: string, value: unknown): unknown => (value instanceof ErlangFloat ? value.value : value);
    const textVectors = vectors.filter((vector) => !hasFloat(vector.input.body, Number.isInteger));
    const mismatches = textVectors
      .map(({ input, generation, expectedRev }) => {
        // The body as the engine stores it: no `_` members, as JSON text.
        const stored = Object.fromEntries(Object.entries(input.body).filter(([key]) => !key.startsWith('_')));
        const rev = `${generation}-${computeRevHashFromJson({ ...input, bodyJson: JSON.stringify(stored, unmark) })}`;
        return rev === expectedRev ? undefined : `expected ${expectedRev}, computed ${rev}`;
      })
      .filter((mismatch) => mismatch !== undefined);
    expect(textVectors.length).toBeGreaterThan(100);
    expect(mismatches).toEqual([]);
  });

  it('differs from CouchDB for integral floats unless they are marked (the documented 3.0 edge)', () => {
    const floatVectors = vectors.filter((vector) => hasFloat(vector.input.body, () => true));
    expect(floatVectors.length).toBeGreaterThan(0);
    for (const { input, generation, expectedRev } of floatVectors) {
      // The body as JSON.parse would give it: every float a plain number.
      const unmark = (_key: string, value: unknown): unknown => (value instanceof ErlangFloat ? value.value : value);
      const body = JSON.parse(JSON.stringify(input.body, unmark)) as JsonObject;
      const plainRev = `${generation}-${computeRevHash({ ...input, body })}`;
      expect(plainRev === expectedRev).toBe(!hasFloat(input.body, Number.isInteger));
    }
  });
});

describe('computeRevHash', () => {
  const base: RevHashInput = { deleted: false, parent: null, body: { a: 1 }, attachments: [] };

  it('returns 32 lowercase hex characters and ignores `_` members', () => {
    const hash = computeRevHash(base);
    expect(hash).toMatch(/^[0-9a-f]{32}$/);
    expect(computeRevHash({ ...base, body: { _id: 'x', _rev: '1-abc', a: 1, _attachments: {} } })).toBe(hash);
  });

  it('keeps the _replication_* members CouchDB keeps in _replicator bodies', () => {
    const hash = computeRevHash(base);
    expect(computeRevHash({ ...base, body: { a: 1, _replication_state: 'completed' } })).not.toBe(hash);
  });

  it('depends on every input', () => {
    const hash = computeRevHash(base);
    const parent = { pos: 1, hash: '967a00dff5e02add41819138abb3284d' };
    const attachment = { name: 'a.txt', contentType: 'text/plain', digest: attachmentDigest(Buffer.from('a'), 'application/octet-stream') };
    const variants = [
      computeRevHash({ ...base, deleted: true }),
      computeRevHash({ ...base, parent }),
      computeRevHash({ ...base, parent: { ...parent, pos: 2 } }),
      computeRevHash({ ...base, body: { a: 2 } }),
      computeRevHash({ ...base, body: { a: 1.5 } }),
      computeRevHash({ ...base, attachments: [attachment] }),
      computeRevHash({ ...base, attachments: [{ ...attachment, contentType: 'text/html' }] }),
    ];
    expect(new Set([hash, ...variants]).size).toBe(variants.length + 1);
  });

  it('hashes the attachments in the reverse of the given order, as new_revid folds them', () => {
    const a = { name: 'a', contentType: 'text/plain', digest: attachmentDigest(Buffer.from('a'), 'application/octet-stream') };
    const b = { name: 'b', contentType: 'text/plain', digest: attachmentDigest(Buffer.from('b'), 'application/octet-stream') };
    expect(computeRevHash({ ...base, attachments: [a, b] })).not.toBe(computeRevHash({ ...base, attachments: [b, a] }));
  });

  it('reads a 32-character parent rev id as 16 bytes, case-insensitively, and a shorter one as its text', () => {
    const lower = computeRevHash({ ...base, parent: { pos: 1, hash: 'abcdef0123456789abcdef0123456789' } });
    expect(computeRevHash({ ...base, parent: { pos: 1, hash: 'ABCDEF0123456789ABCDEF0123456789' } })).toBe(lower);
    expect(computeRevHash({ ...base, parent: { pos: 1, hash: 'abc' } })).toMatch(/^[0-9a-f]{32}$/);
    expect(computeRevHash({ ...base, parent: { pos: 1, hash: 'abc' } })).not.toBe(
      computeRevHash({ ...base, parent: { pos: 1, hash: 'abd' } }),
    );
    expect(() => computeRevHash({ ...base, parent: { pos: 1, hash: 'x'.repeat(32) } })).toThrow(RangeError);
  });

  it('rejects attachments without an md5 digest', () => {
    const attachment = { name: 'a', contentType: 'text/plain', digest: 'sha-xyz' };
    expect(() => computeRevHash({ ...base, attachments: [attachment] })).toThrow(RangeError);
  });
});
