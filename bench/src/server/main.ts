/**
 * `npm run bench:server`: settee-server against pouchdb-server, each in its own process over an in-memory store,
 * driven by the same clients (@settee/http and nano 11) in one run. The cases are the HTTP adapter bench's
 * (bench/src/http); steps are interleaved across the four client × server pairs so that machine drift hits all
 * alike, and the median of the rounds is reported. Beside the rates, each server's own CPU time per request (read
 * from /proc) shows what the server costs, whatever the clients and the machine's load cost. A report: nothing
 * asserts timings.
 */
import { cpus, loadavg } from 'node:os';
import { createHttpAdapter } from '@settee/http';
import { BULK, httpCases, PRELOADED, song, type HttpCase } from '../http/cases.js';
import { nanoClient, setteeNode, type BenchClient } from '../http/clients.js';
import { cpuMs, startPouchDbServer, startSetteeServer, type ServerProcess } from './servers.js';
import { median } from '../median.js';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const SEQUENTIAL = 200;
const BULK_STEPS = 4;
const FINDS = 40;
const TARGET = 5;

/** The HTTP adapter bench's cases (bench/src/http/cases.ts), sized for two servers × two clients. */
const CASES = httpCases({ sequential: SEQUENTIAL, bulk: BULK_STEPS, finds: FINDS });

/** A client bound to one server; its name says both. */
interface Pair {
  readonly client: BenchClient;
  readonly clientName: string;
  readonly serverName: string;
}

async function runInterleaved(c: HttpCase, pairs: Pair[], round: number): Promise<Map<BenchClient, number>> {
  const spent = new Map<BenchClient, number>(pairs.map((p) => [p.client, 0]));
  for (const p of pairs) await c.prepare?.(p.client, round);
  for (let i = 0; i < c.steps; i += 1) {
    for (let k = 0; k < pairs.length; k += 1) {
      const { client } = pairs[(i + k) % pairs.length] as Pair;
      const started = performance.now();
      await c.step(client, round, i);
      spent.set(client, (spent.get(client) ?? 0) + performance.now() - started);
    }
  }
  return new Map([...spent].map(([client, ms]) => [client, (c.steps * c.opsPerStep * 1000) / ms]));
}

async function prepareServer(server: ServerProcess, dbs: { read: string; write: string }): Promise<void> {
  const admin = createHttpAdapter({ url: server.url });
  try {
    await admin.createDb(dbs.read);
    await admin.createDb(dbs.write);
    const read = admin.db(dbs.read);
    await read.bulkDocs(Array.from({ length: PRELOADED }, (_, i) => song(`pre${i}`, i)));
    // Reported, not fatal: the find case then measures a full scan on that server.
    await read.createIndex({ index: { fields: ['year'] }, ddoc: 'by-year', name: 'year' }).catch((error: unknown) => {
      console.log(`  note: creating the year index failed on ${server.label}: ${error instanceof Error ? error.message : String(error)}`);
    });
  } finally {
    await admin.close();
  }
}

async function main(): Promise<void> {
  const servers: { settee: ServerProcess; pouchdb: ServerProcess } = { settee: await startSetteeServer(), pouchdb: await startPouchDbServer() };
  const stamp = Date.now().toString(36);
  const dbs = { read: `bench_server_read_${stamp}`, write: `bench_server_write_${stamp}` };
  const pairs: Pair[] = [];
  try {
    for (const [serverName, server] of Object.entries(servers)) {
      await prepareServer(server, dbs);
      // Client names become document id prefixes, so each pair writes its own documents.
      const settee = setteeNode(server.url, dbs);
      const nano = nanoClient(server.url, dbs);
      pairs.push(
        { client: { ...settee, name: `settee-${serverName}` }, clientName: '@settee/http', serverName },
        { client: { ...nano, name: `nano-${serverName}` }, clientName: 'nano', serverName },
      );
    }
    console.log('settee-server vs pouchdb-server, same clients, same run');
    console.log(`  servers: ${servers.settee.label}; ${servers.pouchdb.label}`);
    console.log(`  cpu:     ${cpus()[0]?.model ?? '?'} × ${cpus().length}, node ${process.version}, load ${loadavg()[0]?.toFixed(2)}`);
    console.log(`  rounds:  ${ROUNDS} (median), ${SEQUENTIAL} sequential ops, bulk ${BULK_STEPS} × ${BULK}, ${FINDS} finds per run`);
    console.log('');

    for (const c of CASES) await runInterleaved(c, pairs, -1);
    const rates = new Map<string, Map<BenchClient, number[]>>();
    /** Server CPU ms per case, summed over rounds, and the requests that cost it. */
    const cpu = new Map<string, { settee: number; pouchdb: number; requests: number }>();
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const c of CASES) {
        const before = { settee: cpuMs(servers.settee.pid), pouchdb: cpuMs(servers.pouchdb.pid) };
        const measured = await runInterleaved(c, pairs, round);
        const spent = cpu.get(c.name) ?? { settee: 0, pouchdb: 0, requests: 0 };
        // Two clients per server; a step is one request except get+update (two).
        const perStep = c.name.startsWith('get+update') ? 2 : 1;
        cpu.set(c.name, {
          settee: spent.settee + cpuMs(servers.settee.pid) - before.settee,
          pouchdb: spent.pouchdb + cpuMs(servers.pouchdb.pid) - before.pouchdb,
          requests: spent.requests + 2 * c.steps * perStep,
        });
        const byClient = rates.get(c.name) ?? new Map<BenchClient, number[]>();
        rates.set(c.name, byClient);
        for (const [client, rate] of measured) byClient.set(client, [...(byClient.get(client) ?? []), rate]);
      }
    }

    const header = ['operation', 'client', 'settee-server ops/s', 'pouchdb-server ops/s', 'ratio', `target ≥ ${TARGET}×`, 'server CPU ms/request (settee | pouchdb | ratio)'];
    const rows: string[][] = [];
    for (const c of CASES) {
      for (const clientName of ['@settee/http', 'nano']) {
        const rate = (serverName: string): number => {
          const pair = pairs.find((p) => p.clientName === clientName && p.serverName === serverName);
          return pair === undefined ? Number.NaN : median(rates.get(c.name)?.get(pair.client) ?? []);
        };
        const s = rate('settee');
        const p = rate('pouchdb');
        const ratio = s / p;
        const spent = cpu.get(c.name);
        const per = (ms: number): string => (spent === undefined ? '?' : (ms / spent.requests).toFixed(3));
        const cpuRatio = spent === undefined ? Number.NaN : spent.pouchdb / spent.settee;
        const cpuCell = clientName === 'nano' ? '' : `${per(spent?.settee ?? Number.NaN)} | ${per(spent?.pouchdb ?? Number.NaN)} | ${cpuRatio.toFixed(1)}×`;
        rows.push([c.name, clientName, s.toFixed(0), p.toFixed(0), `${ratio.toFixed(2)}×`, ratio >= TARGET ? 'met' : 'MISSED', cpuCell]);
      }
    }
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
    const line = (cells: string[]): string =>
      cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
    console.log(line(header));
    console.log(widths.map((w) => '-'.repeat(w)).join('  '));
    for (const row of rows) console.log(line(row));
    console.log('');
    console.log('ratio: settee-server over pouchdb-server with the same client (round trips include the client\'s own cost).');
    console.log('server CPU: each server process\'s CPU time over all rounds of the case, per request (both clients).');
  } finally {
    for (const p of pairs) await p.client.close();
    for (const server of Object.values(servers)) await server.stop();
  }
}

await main();
