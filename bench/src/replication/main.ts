/**
 * `npm run bench:replication`: 10k playlist documents replicated by Settee's `replicate` beside
 * `PouchDB.replicate`, in one run, on the same kinds of pairs: engine (memory) → engine (memory) beside PouchDB
 * (memory) → PouchDB (memory), and engine → pouchdb-server beside PouchDB → pouchdb-server (the same server, a
 * fresh database each time). Loading the source is not timed; a run is one one-shot replication into an empty
 * target, checkpoints included. Rounds alternate contenders; the median is reported. A report: nothing asserts.
 */
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { replicate, untilComplete, type ServerAdapter } from '@settee/core';
import { createEngine } from '@settee/engine';
import { createHttpAdapter } from '@settee/http';
import { makePlaylists } from '../docs.js';
import { benchServer } from '../http/server.js';

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

function loadPouchDb(): PouchConstructor {
  const require = createRequire(import.meta.url);
  const PouchDB = require('pouchdb') as PouchConstructor;
  PouchDB.plugin(require('pouchdb-adapter-memory'));
  return PouchDB;
}

/** One timed replication: prepares its source and empty target untimed, answers the milliseconds it took. */
type Run = (round: number) => Promise<number>;

interface Case {
  readonly name: string;
  readonly settee: Run;
  readonly pouchdb: Run;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function assertCount(actual: number, what: string): void {
  if (actual !== DOCS) throw new Error(`${what}: ${actual} documents replicated, expected ${DOCS}`);
}

async function timed(work: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

async function main(): Promise<void> {
  const PouchDB = loadPouchDb();
  const server = await benchServer();
  const remote = createHttpAdapter({ url: server.url });
  const engine: ServerAdapter = createEngine({ storage: 'memory' });
  const docs = makePlaylists(0, DOCS);
  const stamp = Date.now().toString(36);
  const remoteDbs: string[] = [];
  const pouches: PouchDatabase[] = [];

  // Sources are loaded once and reused by every round: each round replicates into a fresh, empty target.
  await engine.createDb('source');
  for (let i = 0; i < docs.length; i += 1000) await engine.db('source').bulkDocs(docs.slice(i, i + 1000));
  const pouchSource = new PouchDB(`bench-source-${stamp}`, { adapter: 'memory' });
  pouches.push(pouchSource);
  for (let i = 0; i < docs.length; i += 1000) await pouchSource.bulkDocs(docs.slice(i, i + 1000));

  const freshRemote = async (label: string, round: number): Promise<string> => {
    const name = `bench_repl_${label}_${stamp}_${round}`;
    await remote.createDb(name);
    remoteDbs.push(name);
    return name;
  };

  const cases: Case[] = [
    {
      name: 'engine → engine (memory)',
      async settee(round) {
        const name = `target-${round}`;
        await engine.createDb(name);
        const ms = await timed(async () => {
          await untilComplete(replicate(engine.db('source'), engine.db(name)));
        });
        assertCount((await engine.db(name).info()).doc_count, 'settee engine → engine');
        await engine.deleteDb(name);
        return ms;
      },
      async pouchdb(round) {
        const target = new PouchDB(`bench-target-${stamp}-${round}`, { adapter: 'memory' });
        const ms = await timed(async () => {
          await PouchDB.replicate(pouchSource, target);
        });
        assertCount((await target.info()).doc_count, 'PouchDB memory → memory');
        await target.destroy();
        return ms;
      },
    },
    {
      name: 'engine → pouchdb-server',
      async settee(round) {
        const name = await freshRemote('settee', round);
        const ms = await timed(async () => {
          await untilComplete(replicate(engine.db('source'), remote.db(name)));
        });
        assertCount((await remote.db(name).info()).doc_count, 'settee engine → pouchdb-server');
        return ms;
      },
      async pouchdb(round) {
        const name = await freshRemote('pouchdb', round);
        const ms = await timed(async () => {
          await PouchDB.replicate(pouchSource, `${server.url}${name}`);
        });
        assertCount((await remote.db(name).info()).doc_count, 'PouchDB memory → pouchdb-server');
        return ms;
      },
    },
  ];

  /** How fast the server takes these documents when nothing else happens: what the engine → server pair tops out at. */
  const serverCeiling = async (): Promise<number> => {
    const page = await engine.db('source').changes({ style: 'all_docs' });
    const fetched = await engine.db('source').bulkGet(page.results.map((row) => ({ id: row.id, rev: row.changes[0]?.rev ?? '' })), { revs: true });
    const revisions = fetched.results.flatMap((result) => result.docs.flatMap((entry) => ('ok' in entry ? [entry.ok] : [])));
    const runs: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const name = await freshRemote('ceiling', round);
      runs.push(
        await timed(async () => {
          for (let i = 0; i < revisions.length; i += 500) await remote.db(name).bulkDocs(revisions.slice(i, i + 500), { new_edits: false });
        }),
      );
    }
    return (DOCS * 1000) / median(runs);
  };

  try {
    console.log(`Replication of ${DOCS.toLocaleString('en')} documents: Settee replicate() vs PouchDB.replicate, same run`);
    console.log(`  server: ${server.label}`);
    console.log(`  cpu:    ${cpus()[0]?.model ?? '?'} × ${cpus().length}, node ${process.version}, load ${loadavg()[0]?.toFixed(2)}`);
    console.log(`  rounds: ${ROUNDS} (median reported), after one warm-up round`);
    console.log('');
    const results = new Map<string, { settee: number[]; pouchdb: number[] }>();
    for (let round = -1; round < ROUNDS; round += 1) {
      for (const c of cases) {
        // Alternate who goes first, so that neither always runs on a warmer (or more loaded) machine.
        const order: Array<'settee' | 'pouchdb'> = round % 2 === 0 ? ['settee', 'pouchdb'] : ['pouchdb', 'settee'];
        for (const who of order) {
          const ms = await c[who](round + 1);
          if (round < 0) continue;
          const entry = results.get(c.name) ?? { settee: [], pouchdb: [] };
          results.set(c.name, entry);
          entry[who].push(ms);
        }
      }
    }
    const header = ['pair', 'settee docs/s', 'pouchdb docs/s', 'settee/pouchdb', 'target'];
    const rows = cases.map((c) => {
      const entry = results.get(c.name);
      const settee = (DOCS * 1000) / median(entry?.settee ?? []);
      const pouchdb = (DOCS * 1000) / median(entry?.pouchdb ?? []);
      const ratio = settee / pouchdb;
      return [c.name, settee.toFixed(0), pouchdb.toFixed(0), `${ratio.toFixed(2)}×`, `≥ ${TARGET}× ${ratio >= TARGET ? 'met' : 'MISSED'}`];
    });
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
    const line = (cells: string[]): string =>
      cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
    console.log(line(header));
    console.log(widths.map((w) => '-'.repeat(w)).join('  '));
    for (const row of rows) console.log(line(row));
    console.log('');
    console.log('PouchDB pairs: PouchDB (memory) as the source in place of the engine; same documents, same server.');
    console.log(`Server ceiling: pouchdb-server stores ${(await serverCeiling()).toFixed(0)} docs/s with nothing but _bulk_docs`);
    console.log('(new_edits=false, the same documents with their revisions, 500 a request, one request at a time).');
  } finally {
    for (const name of remoteDbs) await remote.deleteDb(name).catch(() => undefined);
    for (const pouch of pouches) await pouch.destroy().catch(() => undefined);
    await remote.close();
    await engine.close();
    await server.stop();
  }
}

await main();
