// Replays recorded CouchDB 3.4.3 exchanges (shared/couchdb-reference/*.json) against a running server and lists
// where the answers differ: status, the headers that matter, and the body's shape with exact values except the
// placeholders the recorder put in for volatile values (uuids, seqs, times, sizes, generated ids).
import { readFileSync } from 'node:fs';

/** One recorded request. */
export interface RecordedRequest {
  method: string;
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: unknown;
  bodyEncoding?: string;
  auth?: string;
}

/** One recorded answer. */
export interface RecordedResponse {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
  bodyEncoding?: string;
}

/** One step of a recording (steps with only a note are comments). */
export interface RecordedStep {
  note?: string;
  request?: RecordedRequest;
  response?: RecordedResponse;
}

/** Reads a recording next to the repository (`shared/` beside the checkout). */
export function loadRecording(file: string): RecordedStep[] {
  const url = new URL(`../../../shared/couchdb-reference/${file}`, import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { steps: RecordedStep[] }).steps;
}

const PLACEHOLDER = /<[a-z]+[0-9]*(?::[A-Za-z_]+)?>/g;

/** Members whose values legitimately differ between CouchDB and this server (build, cluster, storage details). */
// `bookmark`: same Erlang term as CouchDB, but zlib compresses it to other bytes (docs/architecture.md); `ref`: the id of a CouchDB 500.
const FREE_MEMBERS: ReadonlySet<string> = new Set(["bookmark", "ref", 'git_sha', 'vendor', 'features', 'uuid', 'file', 'active', 'external', 'cluster', 'props', 'disk_format_version', 'compact_running', 'instance_start_time']);

/** Placeholder → value seen on this server, so later requests can reuse generated ids and seqs. */
export type Bindings = Map<string, string>;

/** Puts the values bound to placeholders back into a request string. */
export function bind(text: string, bindings: Bindings): string {
  return text.replace(PLACEHOLDER, (placeholder) => bindings.get(placeholder) ?? placeholder);
}

function matchString(expected: string, actual: unknown, bindings: Bindings): boolean {
  if (!expected.includes('<')) return expected === actual;
  const actualText = typeof actual === 'string' ? actual : JSON.stringify(actual);
  const placeholders = expected.match(PLACEHOLDER) ?? [];
  if (placeholders.length === 0) return expected === actual;
  const pattern = expected.split(PLACEHOLDER).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('(.*?)');
  const match = new RegExp(`^${pattern}$`, 's').exec(actualText);
  if (!match) return false;
  placeholders.forEach((placeholder, i) => {
    const value = match[i + 1] ?? '';
    if (!bindings.has(placeholder)) bindings.set(placeholder, value);
  });
  return true;
}

/** The differences between a recorded JSON value and this server's, as `path: expected vs actual` lines. */
export function diffJson(expected: unknown, actual: unknown, bindings: Bindings, path = '$'): string[] {
  if (typeof expected === 'string') {
    return matchString(expected, actual, bindings) ? [] : [`${path}: ${JSON.stringify(expected)} vs ${JSON.stringify(actual)}`];
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      return [`${path}: array of ${expected.length} vs ${JSON.stringify(actual)?.slice(0, 200)}`];
    }
    return expected.flatMap((item, i) => diffJson(item, actual[i], bindings, `${path}[${i}]`));
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return [`${path}: object vs ${JSON.stringify(actual)?.slice(0, 200)}`];
    const out: string[] = [];
    const actualObject = actual as Record<string, unknown>;
    for (const [key, value] of Object.entries(expected)) {
      if (FREE_MEMBERS.has(key)) continue;
      if (!(key in actualObject)) out.push(`${path}.${key}: missing`);
      else out.push(...diffJson(value, actualObject[key], bindings, `${path}.${key}`));
    }
    for (const key of Object.keys(actualObject)) {
      if (!(key in expected) && !FREE_MEMBERS.has(key)) out.push(`${path}.${key}: unexpected`);
    }
    return out;
  }
  return Object.is(expected, actual) ? [] : [`${path}: ${JSON.stringify(expected)} vs ${JSON.stringify(actual)}`];
}
