import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isSetteeError, normalizeSelector, type JsonObject, type JsonValue } from '@settee/core';
import { collate } from '../collate/collate.js';
import { compareRawStrings } from '../collate/compare-raw.js';
import { BAD_PATH, compilePath, getField, NOT_FOUND } from './get-field.js';
import { parseFields, projectFields } from './find-fields.js';
import { parseSort } from './find-sort.js';
import { compileSelector } from './match-selector.js';
import { parseField } from './parse-field.js';

/**
 * Replays find.json (137 steps recorded from CouchDB 3.4.3) against the normaliser and matcher: every recorded
 * `_find` is run over the documents the recording inserted, and must return the ids CouchDB returned.
 *
 * What the matcher alone cannot decide is emulated minimally: unsorted queries scan in _id order (the _all_docs
 * fallback) with limit (default 25), skip and bookmarks (a bookmark continues after the rows already returned);
 * sorted queries keep only documents that have the sort fields (a json index holds nothing else) and order them
 * by collation, ties by id. Once indexes exist, unsorted queries may come back in index order, so those are
 * compared as sets. Errors must match CouchDB's status, error and reason.
 */

interface Step {
  note?: string;
  request?: { method: string; path: string; body?: unknown };
  response?: { status: number; body?: unknown };
}

const recording = JSON.parse(
  readFileSync(new URL('../../../../../shared/couchdb-reference/find.json', import.meta.url), 'utf8'),
) as { steps: Step[] };

type Doc = JsonObject & { _id: string };

/** The documents of each database, with the `_rev` CouchDB gave them, in _id order. */
const databases = new Map<string, Doc[]>();
for (const step of recording.steps) {
  const match = /^\/(\w+)\/_bulk_docs$/.exec(step.request?.path ?? '');
  if (!match) continue;
  const docs = (step.request!.body as { docs: Doc[] }).docs;
  const results = step.response!.body as { id: string; rev: string }[];
  const withRevs = docs.map((doc, i) => ({ ...doc, _rev: results[i]!.rev }) as Doc);
  databases.set(match[1]!, withRevs.sort((a, b) => compareRawStrings(a._id, b._id)));
}

interface FindRequest {
  selector?: JsonValue;
  sort?: (string | Record<string, 'asc' | 'desc'>)[];
  limit?: number;
  skip?: number;
  bookmark?: string;
}

function sortSpec(sort: NonNullable<FindRequest['sort']>): { field: string; descending: boolean }[] {
  return sort.map((entry) => {
    if (typeof entry === 'string') return { field: entry, descending: false };
    const [field, direction] = Object.entries(entry)[0]!;
    return { field, descending: direction === 'desc' };
  });
}

function fieldValue(doc: Doc, field: string): JsonValue | undefined {
  const found = getField(doc, compilePath(parseField(field)));
  return found === NOT_FOUND || found === BAD_PATH ? undefined : found;
}

function errorOf(run: () => unknown): { status: number; error: string; reason: string } | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (!isSetteeError(error)) throw error;
    return { status: error.status, error: error.error, reason: error.reason };
  }
}

const findSteps = recording.steps.filter((s) => s.request?.method === 'POST' && /^\/\w+\/_find$/.test(s.request.path) && typeof s.request.body === 'object');
/** After this step the "db" database has json indexes, so unsorted results may come back in index order. */
const firstIndexStep = recording.steps.findIndex((s) => s.request?.path === '/db/_index' && s.request.method === 'POST');

describe('Mango matcher replays find.json', () => {
  const bookmarks = new Map<string, number>();
  const outcome = { rows: 0, queries: 0, errors: 0, plannerOnly: [] as string[] };

  for (const step of findSteps) {
    const request = step.request!.body as FindRequest;
    const response = step.response!;
    const database = /^\/(\w+)\//.exec(step.request!.path)![1]!;
    const docs = databases.get(database)!;
    const body = response.body as { docs?: { _id: string }[]; bookmark?: string; error?: string; reason?: string };

    it(`${step.note}`, () => {
      if (response.status !== 200) {
        const error = errorOf(() => {
          if (request.selector === undefined) return;
          const predicate = compileSelector(normalizeSelector(request.selector));
          docs.forEach((doc) => predicate(doc));
        });
        if (error === undefined) {
          // Refused for something other than the selector (sort without index, bad limit, bookmark, ...).
          outcome.plannerOnly.push(step.note!);
          return;
        }
        expect(error).toEqual({ status: response.status, error: body.error, reason: body.reason });
        outcome.errors++;
        return;
      }

      const predicate = compileSelector(normalizeSelector(request.selector!));
      let matched = docs.filter((doc) => predicate(doc));
      const expected = body.docs!.map((d) => d._id);

      if (JSON.stringify(request.selector) === '{"$or":[]}') {
        // CouchDB's matcher says true here, but its planner finds an empty key range and returns nothing.
        expect(matched).toHaveLength(docs.length);
        expect(expected).toEqual([]);
        outcome.plannerOnly.push(step.note!);
        return;
      }

      let ordered = true;
      if (request.sort) {
        const spec = sortSpec(request.sort);
        matched = matched.filter((doc) => spec.every(({ field }) => fieldValue(doc, field) !== undefined));
        matched.sort((a, b) => {
          for (const { field, descending } of spec) {
            const order = collate(fieldValue(a, field)!, fieldValue(b, field)!);
            if (order !== 0) return descending ? -order : order;
          }
          const idOrder = compareRawStrings(a._id, b._id);
          return spec[0]?.descending ? -idOrder : idOrder;
        });
      } else if (database === 'db' && recording.steps.indexOf(step) > firstIndexStep) {
        ordered = false;
      }

      const skip = (request.bookmark === undefined ? 0 : bookmarks.get(request.bookmark)!) + (request.skip ?? 0);
      const ids = matched.slice(skip, skip + (request.limit ?? 25)).map((d) => d._id);
      if (body.bookmark !== undefined) bookmarks.set(body.bookmark, skip + ids.length);

      if (ordered) expect(ids).toEqual(expected);
      else expect([...ids].sort()).toEqual([...expected].sort());
      outcome.rows += docs.length;
      outcome.queries++;
    });
  }

  it('checked every recorded query', () => {
    // 108 recorded _find requests: 79 answered queries compared row by row (76 on the 20-doc "db", 3 on the
    // 30-doc "many"), 14 selector errors compared, `$or: []` (planner) and 14 refusals that are not about the
    // selector (sort without index, limit/skip/fields/sort/bookmark/use_index checks, missing selector).
    expect(findSteps).toHaveLength(108);
    expect(outcome.queries).toBe(79);
    expect(outcome.errors).toBe(14);
    expect(outcome.rows).toBe(76 * 20 + 3 * 30);
    expect(outcome.plannerOnly).toHaveLength(15);
    console.info(`find.json: ${outcome.queries} queries over ${outcome.rows} document rows, ${outcome.errors} selector errors; planner-only: ${outcome.plannerOnly.join(' | ')}`);
  });
});

describe('normalizeSelector gives the selector CouchDB _explain shows', () => {
  const explains = recording.steps.filter((s) => s.request?.path === '/db/_explain');
  it.each(explains.map((s) => [s.note!, s] as const))('%s', (_note, step) => {
    const request = step.request!.body as FindRequest;
    expect(normalizeSelector(request.selector!)).toEqual((step.response!.body as { selector: JsonValue }).selector);
  });
});

describe('projection and request parsing replay find.json', () => {
  const answered = findSteps.filter((s) => s.response!.status === 200);

  it('projects every returned document exactly like CouchDB (fields, nested fields, whole docs)', () => {
    let projected = 0;
    for (const step of answered) {
      const request = step.request!.body as FindRequest & { fields?: JsonValue };
      const database = /^\/(\w+)\//.exec(step.request!.path)![1]!;
      const byId = new Map(databases.get(database)!.map((d) => [d._id, d]));
      const fields = parseFields(request.fields);
      for (const returned of (step.response!.body as { docs: Doc[] }).docs) {
        expect(projectFields(byId.get(returned._id)!, fields), step.note).toEqual(returned);
        projected++;
      }
    }
    expect(projected).toBeGreaterThan(300);
  });

  it.each(
    findSteps
      .filter((s) => /^(fields is|sort is|sort direction)/.test(s.note ?? ''))
      .map((s) => [s.note!, s] as const),
  )('%s', (_note, step) => {
    const request = step.request!.body as { fields?: JsonValue; sort?: JsonValue };
    const body = step.response!.body as { error: string; reason: string };
    const error = errorOf(() => {
      parseFields(request.fields);
      parseSort(request.sort);
    });
    expect(error).toEqual({ status: 400, error: body.error, reason: body.reason });
  });

  it('reads sort specs', () => {
    expect(parseSort(['a', { b: 'asc' }])).toEqual([
      { field: 'a', direction: 'asc' },
      { field: 'b', direction: 'asc' },
    ]);
    expect(errorOf(() => parseSort([{ a: 'asc' }, { b: 'desc' }]))).toMatchObject({ error: 'unsupported_mixed_sort' });
    expect(errorOf(() => parseSort([''])))
      .toEqual({ status: 400, error: 'invalid_sort_field', reason: 'Invalid sort field: <<>>' });
  });
});
