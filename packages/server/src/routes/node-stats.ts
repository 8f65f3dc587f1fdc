import { NotFoundError } from '@settee/core';
import { requireServerAdmin } from '../auth/security.js';
import type { RequestContext } from '../http/context.js';
import { statsOf, type RequestStats } from '../http/request-stats.js';
import { sendJson } from '../http/respond.js';
import { isRead, methodNotAllowed } from '../http/method.js';
import { nodeConfig } from './node-config.js';
import { summarise } from './histogram.js';
import { NODE_NAME } from '../server-state.js';

type Metric = { readonly value: unknown; readonly type: 'counter' | 'gauge' | 'histogram'; readonly desc: string };
type StatsTree = { readonly [key: string]: StatsTree | Metric };

function counter(value: number, desc: string): Metric {
  return { value, type: 'counter', desc };
}

/** CouchDB's `httpd_request_methods` members, each counted even before its first request. */
const METHODS = ['COPY', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT'];

/** CouchDB's `httpd_status_codes` members and the words of their descriptions. */
const STATUS_DESCRIPTIONS: ReadonlyMap<number, string> = new Map([
  [200, '200 OK responses'],
  [201, '201 Created responses'],
  [202, '202 Accepted responses'],
  [204, '204 No Content responses'],
  [206, '206 Partial Content'],
  [301, '301 Moved Permanently responses'],
  [302, '302 Found responses'],
  [304, '304 Not Modified responses'],
  [400, '400 Bad Request responses'],
  [401, '401 Unauthorized responses'],
  [403, '403 Forbidden responses'],
  [404, '404 Not Found responses'],
  [405, '405 Method Not Allowed responses'],
  [406, '406 Not Acceptable responses'],
  [409, '409 Conflict responses'],
  [412, '412 Precondition Failed responses'],
  [413, '413 Request Entity Too Long responses'],
  [414, '414 Request URI Too Long responses'],
  [415, '415 Unsupported Media Type responses'],
  [416, '416 Requested Range Not Satisfiable responses'],
  [417, '417 Expectation Failed responses'],
  [500, '500 Internal Server Error responses'],
  [501, '501 Not Implemented responses'],
  [503, '503 Service unavailable responses'],
  [507, '507 Insufficient Storage responses'],
]);

function methodCounters(stats: RequestStats): StatsTree {
  const tree: Record<string, Metric> = {};
  for (const method of METHODS) tree[method] = counter(stats.methods.get(method) ?? 0, `number of HTTP ${method} requests`);
  return tree;
}

function statusCounters(stats: RequestStats): StatsTree {
  const tree: Record<string, Metric> = {};
  for (const [code, words] of STATUS_DESCRIPTIONS) tree[String(code)] = counter(stats.statuses.get(code) ?? 0, `number of HTTP ${words}`);
  return tree;
}

/**
 * The metrics this server really counts, under CouchDB's names and descriptions (`stats_descriptions.cfg`). Metrics
 * of machinery it does not have (couch_file, query server processes, btree nodes, fsync...) are left out rather than
 * reported as zeros.
 */
async function statsTree(ctx: RequestContext): Promise<StatsTree> {
  const stats = statsOf(ctx.state);
  // Approximation: the engine keeps every database open, so the open count is the number of databases.
  const openDatabases = (await ctx.engine.allDbs()).length;
  return {
    couchdb: {
      database_reads: counter(stats.databaseReads, 'number of times a document was read from a database'),
      database_writes: counter(stats.databaseWrites, 'number of times a database was changed'),
      document_writes: counter(stats.documentWrites, 'number of document write operations'),
      local_document_writes: counter(stats.localDocumentWrites, 'number of _local document write operations'),
      open_databases: counter(openDatabases, 'number of open databases'),
      request_time: {
        value: summarise(stats.requestTime.recent(Date.now())),
        type: 'histogram',
        desc: 'length of a request inside CouchDB without MochiWeb',
      },
      httpd: {
        bulk_requests: counter(stats.bulkRequests, 'number of bulk requests'),
        requests: counter(stats.requests, 'number of HTTP requests'),
        view_reads: counter(stats.viewReads, 'number of view reads'),
      },
      httpd_request_methods: methodCounters(stats),
      httpd_status_codes: statusCounters(stats),
    },
  };
}

/** CouchDB's `extract_path`: the sub-tree at `path`, or `null` when a step is missing. */
function extractPath(tree: StatsTree, path: readonly string[]): unknown {
  let node: unknown = tree;
  for (const key of path) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return null;
    if (!Object.hasOwn(node, key)) return null;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/**
 * `/_node/{node}/_system`: the members of CouchDB's answer that Node can report. `memory` maps Erlang's areas onto
 * V8's: `processes`/`processes_used` are the JS heap's total/used bytes, `binary` the bytes of ArrayBuffers (Buffers),
 * `other` the rest of the resident set (approximations; Erlang's `atom`, `code` and `ets` have no counterpart).
 * `context_switches` adds voluntary and involuntary switches of the process. `uptime` counts from this server's start.
 * A single node has no internal replication jobs and no distribution connections.
 */
function systemInfo(ctx: RequestContext): Record<string, unknown> {
  const memory = process.memoryUsage();
  const usage = process.resourceUsage();
  const startedMs = Number(ctx.state.startTime) / 1000;
  return {
    uptime: Math.max(0, Math.floor((Date.now() - startedMs) / 1000)),
    memory: {
      other: Math.max(0, memory.rss - memory.heapTotal - memory.arrayBuffers),
      processes: memory.heapTotal,
      processes_used: memory.heapUsed,
      binary: memory.arrayBuffers,
    },
    context_switches: usage.voluntaryContextSwitches + usage.involuntaryContextSwitches,
    internal_replication_jobs: 0,
    distribution: {},
  };
}

/**
 * `/_node/{node}/_stats[/path...]`, `/_node/{node}/_system`, `/_node/{node}/_restart`, `_config` and any other path under a node
 * (segments from index 2 on). Server admins only, checked before the node name, as CouchDB authorises `/_node/...`
 * before handling it.
 */
export async function nodeResource(ctx: RequestContext): Promise<void> {
  requireServerAdmin(ctx.user);
  const name = ctx.segments[1] ?? '';
  if (name !== '_local' && name !== NODE_NAME) throw new NotFoundError(`no such node: ${name}`);
  const resource = ctx.segments[2];
  if (resource === '_config') return nodeConfig(ctx, ctx.segments.slice(3));
  if (resource === '_stats') {
    if (!isRead(ctx)) throw methodNotAllowed('GET');
    sendJson(ctx, 200, extractPath(await statsTree(ctx), ctx.segments.slice(3)));
    return;
  }
  if (resource === '_system' && ctx.segments.length === 3) {
    if (!isRead(ctx)) throw methodNotAllowed('GET');
    sendJson(ctx, 200, systemInfo(ctx));
    return;
  }
  if (resource === '_restart' && ctx.segments.length === 3) {
    if (ctx.method !== 'POST') throw methodNotAllowed('POST');
    // CouchDB restarts its Erlang VM here. An embedded server cannot restart the process that hosts it, so the
    // request is acknowledged with CouchDB's answer and nothing restarts (nothing needs to: there is no config to reload).
    sendJson(ctx, 200, { ok: true });
    return;
  }
  throw new NotFoundError('missing');
}
