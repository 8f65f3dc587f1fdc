/**
 * `npm run bench:replication`: 10k playlist documents replicated by Settee's `replicate` beside
 * `PouchDB.replicate`, in one run, on the same kinds of pairs: engine (memory) → engine (memory) beside PouchDB
 * (memory) → PouchDB (memory); engine → server beside PouchDB (memory) → the same server, on pouchdb-server (or
 * COUCHDB_URL) and on settee-server, each in its own process (a fresh database each time); and a pull,
 * settee-server → engine beside settee-server → PouchDB (memory), from one database loaded once. BENCH_SERVERS
 * (comma-separated `pouchdb`, `settee`) keeps only some servers. Loading the source is not timed; a run is one
 * one-shot replication into an empty target, checkpoints included. Rounds alternate contenders; the median is
 * reported. A report: nothing asserts.
 */
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { replicate, untilComplete, type ServerAdapter } from '@settee/core';
import { createEngine } from '@settee/engine';
import { createHttpAdapter, type HttpServer } from '@settee/http';
import { makePlaylists } from '../docs.js';
import { cpuMs } from '../server/servers.js';
import { wantedServers, type BenchServer } from '../http/server.js';
import { median } from '../median.js';

const DOCS = Number(process.env['BENCH_DOCS'] ?? 10_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
/** The speed Settee aims for, as a multiple of PouchDB's. */
const TARGET = 5;

interface PouchDatabase {
  bulkDocs(docs: readonly object[]): Promise<object[]>;
  info(): Promise<{ doc_count: number }>;
  destroy(): Promise<unknown>;
}
interface PouchConstructor {
  new (name: string, options?: { adapter?: string }): PouchDatabase;
  plugin(plugin: unknown): PouchConstructor;
  replicate(source: PouchDatabase | string, target: PouchDatabase | string): Promise<{ docs_written: number }>;
}

/** A running server and Settee's adapter on it (which also creates and counts the bench's databases there). */
interface Remote {
  readonly server: BenchServer;
  readonly adapter: HttpServer;
  /** Databases the run created there, deleted at the end. */
  readonly dbs: string[];
}

function loadPouchDb(): PouchConstructor {
  const require = createRequire(import.meta.url);
  const PouchDB = require('pouchdb') as PouchConstructor;
  PouchDB.plugin(require('pouchdb-adapter-memory'));
  return PouchDB;
}

/** What one replication cost: wall time, this process's CPU time, and the server process's CPU time (NaN if none). */
interface Timing {
  readonly ms: number;
  readonly localCpuMs: number;
  readonly serverCpuMs: number;
}

/** One timed replication: prepares its source and empty target untimed, answers what it cost. */
type Run = (round: number) => Promise<Timing>;

interface Case {
  readonly name: string;
  readonly settee: Run;
  readonly pouchdb: Run;
}

function assertCount(actual: number, what: string): void {
  if (actual !== DOCS) throw new Error(`${what}: ${actual} documents replicated, expected ${DOCS}`);
}

/**
 * Times `work`; with a server's pid, also reads that process's CPU time (from /proc) around it. The local CPU time
 * is the replicator's and the local database's (the engine or PouchDB); the server's is what the remote side costs.
 */
async function timed(work: () => Promise<void>, serverPid?: number): Promise<Timing> {
  const serverBefore = serverPid === undefined ? Number.NaN : cpuMs(serverPid);
  const localBefore = process.cpuUsage();
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  const local = process.cpuUsage(localBefore);
  const serverCpuMs = serverPid === undefined ? Number.NaN : cpuMs(serverPid) - serverBefore;
  return { ms, localCpuMs: (local.user + local.system) / 1000, serverCpuMs };
}

async function main(): Promise<void> {
  const PouchDB = loadPouchDb();
  const remotes: Remote[] = [];
  for (const start of wantedServers()) {
    const server = await start();
    remotes.push({ server, adapter: createHttpAdapter({ url: server.url }), dbs: [] });
  }
  const engine: ServerAdapter = createEngine({ storage: 'memory' });
  const docs = makePlaylists(0, DOCS);
  const stamp = Date.now().toString(36);
  const pouches: PouchDatabase[] = [];

  // Sources are loaded once and reused by every round: each round replicates into a fresh, empty target.
  await engine.createDb('source');
  for (let i = 0; i < docs.length; i += 1000) await engine.db('source').bulkDocs(docs.slice(i, i + 1000));
  const pouchSource = new PouchDB(`bench-source-${stamp}`, { adapter: 'memory' });
  pouches.push(pouchSource);
  for (let i = 0; i < docs.length; i += 1000) await pouchSource.bulkDocs(docs.slice(i, i + 1000));

  const freshRemote = async (remote: Remote, label: string, round: number): Promise<string> => {
    const name = `bench_repl_${label}_${stamp}_${round}`;
    await remote.adapter.createDb(name);
    remote.dbs.push(name);
    return name;
  };

  /** engine → server beside PouchDB (memory) → the same server, each into a fresh database. */
  const pushTo = (remote: Remote): Case => ({
    name: `engine → ${remote.server.name}`,
    async settee(round) {
      const name = await freshRemote(remote, 'settee', round);
      const timing = await timed(async () => {
        await untilComplete(replicate(engine.db('source'), remote.adapter.db(name)));
      }, remote.server.pid);
      assertCount((await remote.adapter.db(name).info()).doc_count, `settee engine → ${remote.server.name}`);
      return timing;
    },
    async pouchdb(round) {
      const name = await freshRemote(remote, 'pouchdb', round);
      const timing = await timed(async () => {
        await PouchDB.replicate(pouchSource, `${remote.server.url}${name}`);
      }, remote.server.pid);
      assertCount((await remote.adapter.db(name).info()).doc_count, `PouchDB memory → ${remote.server.name}`);
      return timing;
    },
  });

  /** server → engine beside the same server → PouchDB (memory), from one source database loaded once. */
  const pullFrom = async (remote: Remote): Promise<Case> => {
    const source = await freshRemote(remote, 'source', 0);
    for (let i = 0; i < docs.length; i += 1000) await remote.adapter.db(source).bulkDocs(docs.slice(i, i + 1000));
    return {
      name: `${remote.server.name} → engine (pull)`,
      async settee(round) {
        const name = `pulled-${round}`;
        await engine.createDb(name);
        const timing = await timed(async () => {
          await untilComplete(replicate(remote.adapter.db(source), engine.db(name)));
        }, remote.server.pid);
        assertCount((await engine.db(name).info()).doc_count, `settee ${remote.server.name} → engine`);
        await engine.deleteDb(name);
        return timing;
      },
      async pouchdb(round) {
        const target = new PouchDB(`bench-pulled-${stamp}-${round}`, { adapter: 'memory' });
        const timing = await timed(async () => {
          await PouchDB.replicate(`${remote.server.url}${source}`, target);
        }, remote.server.pid);
        assertCount((await target.info()).doc_count, `PouchDB ${remote.server.name} → memory`);
        await target.destroy();
        return timing;
      },
    };
  };

  /**
   * How fast a server takes these documents when nothing else happens, and its CPU per document doing so: what the
   * engine → server pair tops out at.
   */
  const serverCeiling = async (remote: Remote): Promise<{ rate: number; serverCpuUs: number }> => {
    const page = await engine.db('source').changes({ style: 'all_docs' });
    const fetched = await engine.db('source').bulkGet(page.results.map((row) => ({ id: row.id, rev: row.changes[0]?.rev ?? '' })), { revs: true });
    const revisions = fetched.results.flatMap((result) => result.docs.flatMap((entry) => ('ok' in entry ? [entry.ok] : [])));
    const runs: Timing[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const name = await freshRemote(remote, 'ceiling', round);
      const db = remote.adapter.db(name);
      runs.push(
        await timed(async () => {
          for (let i = 0; i < revisions.length; i += 500) await db.bulkDocs(revisions.slice(i, i + 500), { new_edits: false });
        }, remote.server.pid),
      );
    }
    return { rate: (DOCS * 1000) / median(runs.map((t) => t.ms)), serverCpuUs: (median(runs.map((t) => t.serverCpuMs)) * 1000) / DOCS };
  };

  try {
    const cases: Case[] = [
      {
        name: 'engine → engine (memory)',
        async settee(round) {
          const name = `target-${round}`;
          await engine.createDb(name);
          const timing = await timed(async () => {
            await untilComplete(replicate(engine.db('source'), engine.db(name)));
          });
          assertCount((await engine.db(name).info()).doc_count, 'settee engine → engine');
          await engine.deleteDb(name);
          return timing;
        },
        async pouchdb(round) {
          const target = new PouchDB(`bench-target-${stamp}-${round}`, { adapter: 'memory' });
          const timing = await timed(async () => {
            await PouchDB.replicate(pouchSource, target);
          });
          assertCount((await target.info()).doc_count, 'PouchDB memory → memory');
          await target.destroy();
          return timing;
        },
      },
      ...remotes.map(pushTo),
    ];
    const settee = remotes.find((remote) => remote.server.name === 'settee-server');
    if (settee !== undefined) cases.push(await pullFrom(settee));

    console.log(`Replication of ${DOCS.toLocaleString('en')} documents: Settee replicate() vs PouchDB.replicate, same run`);
    for (const remote of remotes) console.log(`  server: ${remote.server.label}`);
    console.log(`  cpu:    ${cpus()[0]?.model ?? '?'} × ${cpus().length}, node ${process.version}, load ${loadavg()[0]?.toFixed(2)}`);
    console.log(`  rounds: ${ROUNDS} (median reported), after one warm-up round`);
    console.log('');
    const results = new Map<string, { settee: Timing[]; pouchdb: Timing[] }>();
    for (let round = -1; round < ROUNDS; round += 1) {
      for (const c of cases) {
        // Alternate who goes first, so that neither always runs on a warmer (or more loaded) machine.
        const order: Array<'settee' | 'pouchdb'> = round % 2 === 0 ? ['settee', 'pouchdb'] : ['pouchdb', 'settee'];
        for (const who of order) {
          const timing = await c[who](round + 1);
          if (round < 0) continue;
          const entry = results.get(c.name) ?? { settee: [], pouchdb: [] };
          results.set(c.name, entry);
          entry[who].push(timing);
        }
      }
      // Targets of finished rounds are not needed again: the servers keep them in memory otherwise.
      for (const remote of remotes) await dropTargets(remote);
    }
    const header = ['pair', 'settee docs/s', 'pouchdb docs/s', 'settee/pouchdb', 'target', 'local CPU µs/doc S | P', 'server CPU µs/doc S | P', 'CPU P/S'];
    /** Median over the rounds of one figure, per document. */
    const perDoc = (timings: readonly Timing[] | undefined, figure: (t: Timing) => number): number =>
      (median((timings ?? []).map(figure)) * 1000) / DOCS;
    const cpuCell = (entry: { settee: Timing[]; pouchdb: Timing[] } | undefined, figure: (t: Timing) => number): string => {
      const s = perDoc(entry?.settee, figure);
      const p = perDoc(entry?.pouchdb, figure);
      return Number.isNaN(s) ? '' : `${s.toFixed(0)} | ${p.toFixed(0)}`;
    };
    /** PouchDB's CPU over Settee's, both processes summed where there is a server: the factor the machine's load hides least. */
    const cpuRatio = (entry: { settee: Timing[]; pouchdb: Timing[] } | undefined): number => {
      const total = (t: Timing): number => t.localCpuMs + (Number.isNaN(t.serverCpuMs) ? 0 : t.serverCpuMs);
      return perDoc(entry?.pouchdb, total) / perDoc(entry?.settee, total);
    };
    const rows = cases.map((c) => {
      const entry = results.get(c.name);
      const settee = (DOCS * 1000) / median((entry?.settee ?? []).map((t) => t.ms));
      const pouchdb = (DOCS * 1000) / median((entry?.pouchdb ?? []).map((t) => t.ms));
      const ratio = settee / pouchdb;
      return [
        c.name,
        settee.toFixed(0),
        pouchdb.toFixed(0),
        `${ratio.toFixed(2)}×`,
        `≥ ${TARGET}× ${ratio >= TARGET ? 'met' : 'MISSED'}`,
        cpuCell(entry, (t) => t.localCpuMs),
        cpuCell(entry, (t) => t.serverCpuMs),
        `${cpuRatio(entry).toFixed(2)}×`,
      ];
    });
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
    const line = (cells: string[]): string =>
      cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
    console.log(line(header));
    console.log(widths.map((w) => '-'.repeat(w)).join('  '));
    for (const row of rows) console.log(line(row));
    console.log('');
    console.log('Push pairs: PouchDB (memory) as the source in place of the engine; same documents, same server.');
    console.log('Pull pair: both replicate the same server database into an empty local one (engine, PouchDB memory).');
    console.log('CPU per document, median of the rounds (S: Settee, P: PouchDB): local is this process (the replicator and');
    console.log('its local database), server is the server process read from /proc (empty where there is no server).');
    console.log('CPU P/S: PouchDB\'s CPU time over Settee\'s, local + server: on a loaded machine it moves less than the rates.');
    for (const remote of remotes) {
      const ceiling = await serverCeiling(remote);
      const cpu = Number.isNaN(ceiling.serverCpuUs) ? '' : ` (server CPU ${ceiling.serverCpuUs.toFixed(0)} µs/doc)`;
      console.log(`Server ceiling: ${remote.server.name} stores ${ceiling.rate.toFixed(0)} docs/s${cpu} with nothing but _bulk_docs`);
      await dropTargets(remote);
    }
    console.log('(new_edits=false, the same documents with their revisions, 500 a request, one request at a time).');
  } finally {
    for (const remote of remotes) {
      for (const name of remote.dbs) await remote.adapter.deleteDb(name).catch(() => undefined);
      await remote.adapter.close();
    }
    for (const pouch of pouches) await pouch.destroy().catch(() => undefined);
    await engine.close();
    for (const remote of remotes) await remote.server.stop();
  }
}

/** Deletes a server's bench databases except the pull source, which later rounds read again. */
async function dropTargets(remote: Remote): Promise<void> {
  const kept = remote.dbs.filter((name) => name.startsWith('bench_repl_source_'));
  for (const name of remote.dbs) if (!kept.includes(name)) await remote.adapter.deleteDb(name).catch(() => undefined);
  remote.dbs.splice(0, remote.dbs.length, ...kept);
}

await main();
