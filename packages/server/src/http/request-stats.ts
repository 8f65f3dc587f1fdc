import type { RequestContext } from './context.js';
import type { ServerState } from '../server-state.js';

/** CouchDB's `couchdb.request_time` histogram covers a sliding window (`[stats] interval`, 10 s by default). */
const WINDOW_MS = 10_000;
/** At most this many samples are kept, so a burst of requests cannot grow memory. */
const MAX_SAMPLES = 4096;

/** Request durations (ms) of the last window, in a fixed ring. */
export class DurationWindow {
  private readonly values = new Float64Array(MAX_SAMPLES);
  private readonly times = new Float64Array(MAX_SAMPLES);
  private next = 0;
  private size = 0;

  /** Adds one sample taken at `now` (ms since the epoch). */
  add(value: number, now: number): void {
    this.values[this.next] = value;
    this.times[this.next] = now;
    this.next = (this.next + 1) % MAX_SAMPLES;
    if (this.size < MAX_SAMPLES) this.size += 1;
  }

  /** The samples taken within the window ending at `now`. */
  recent(now: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.size; i += 1) {
      if (now - (this.times[i] ?? 0) <= WINDOW_MS) out.push(this.values[i] ?? 0);
    }
    return out;
  }
}

/**
 * What this server counts of CouchDB's `couch_stats` metrics. Counters only grow, as CouchDB's do; they live as long as
 * the server process (CouchDB's reset on restart too).
 */
export class RequestStats {
  /** `couchdb.httpd.requests`. */
  requests = 0;
  /** `couchdb.httpd_request_methods.{METHOD}`. */
  readonly methods = new Map<string, number>();
  /** `couchdb.httpd_status_codes.{code}`. */
  readonly statuses = new Map<number, number>();
  /** `couchdb.database_reads`: successful document (and attachment) reads. */
  databaseReads = 0;
  /** `couchdb.database_writes`: successful requests that changed a database. */
  databaseWrites = 0;
  /** `couchdb.document_writes`: successful single-document writes (PUT, POST /db, DELETE, attachments). */
  documentWrites = 0;
  /** `couchdb.local_document_writes`: writes of `_local/` documents. */
  localDocumentWrites = 0;
  /** `couchdb.httpd.bulk_requests`: `_bulk_docs` requests. */
  bulkRequests = 0;
  /** `couchdb.httpd.view_reads`: view queries answered. */
  viewReads = 0;
  /** `couchdb.request_time`, in milliseconds like CouchDB's. */
  readonly requestTime = new DurationWindow();
}

const STATS = new WeakMap<ServerState, RequestStats>();

/** The counters of one running server. */
export function statsOf(state: ServerState): RequestStats {
  let stats = STATS.get(state);
  if (stats === undefined) {
    stats = new RequestStats();
    STATS.set(state, stats);
  }
  return stats;
}

function bump<K>(map: Map<K, number>, key: K): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** A database name in the first segment: user databases and the system ones a client can address. */
function isDbPath(first: string): boolean {
  return first !== '' && (!first.startsWith('_') || first === '_users' || first === '_replicator' || first === '_global_changes');
}

/** Segments after the database that name one document (and maybe an attachment), or undefined. */
function docPath(rest: readonly string[]): { local: boolean } | undefined {
  const head = rest[0];
  if (head === undefined) return undefined;
  if (head === '_local') return rest.length === 2 ? { local: true } : undefined;
  if (head === '_design') return rest.length >= 2 ? { local: false } : undefined;
  return head.startsWith('_') ? undefined : { local: false };
}

/** Counts what a finished request did to the database counters (by its path, method and status). */
function countDatabaseWork(stats: RequestStats, method: string, segments: readonly string[], status: number): void {
  const first = segments[0] ?? '';
  if (!isDbPath(first) || status >= 300) return;
  const rest = segments.slice(1);
  if (rest[0] === '_bulk_docs' && method === 'POST') {
    stats.bulkRequests += 1;
    stats.databaseWrites += 1;
    return;
  }
  if (rest[0] === '_design' && rest[2] === '_view') {
    stats.viewReads += 1;
    return;
  }
  const doc = rest.length === 0 ? (method === 'POST' ? { local: false } : undefined) : docPath(rest);
  if (doc === undefined) return;
  if (method === 'GET' || method === 'HEAD') {
    if (rest.length > 0) stats.databaseReads += 1;
    return;
  }
  if (method !== 'PUT' && method !== 'POST' && method !== 'DELETE' && method !== 'COPY') return;
  stats.databaseWrites += 1;
  if (doc.local) stats.localDocumentWrites += 1;
  else stats.documentWrites += 1;
}

/**
 * Counts one request as CouchDB's `couch_stats` does: its method when it arrives, its status code, duration and
 * database work when the answer has been sent.
 */
export function trackRequest(ctx: RequestContext): void {
  const stats = statsOf(ctx.state);
  const started = performance.now();
  stats.requests += 1;
  bump(stats.methods, ctx.method);
  ctx.res.once('finish', () => {
    const status = ctx.res.statusCode;
    bump(stats.statuses, status);
    stats.requestTime.add(performance.now() - started, Date.now());
    countDatabaseWork(stats, ctx.method, ctx.segments, status);
  });
}
