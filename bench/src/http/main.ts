/**
 * `npm run http --workspace=bench`: per-operation cost of @settee/http beside nano 11 on the same server, run on two
 * servers one after the other: pouchdb-server started for it (or COUCHDB_URL), then settee-server (BENCH_SERVERS
 * keeps only some). pouchdb-server's own cost per request hides most of what a client costs; settee-server's is
 * smaller, so its table shows the clients' differences more plainly. Clients take turns step by step, so that drift
 * of the machine and of the server hits all alike; the median of the rounds is reported. A report: nothing asserts
 * timings.
 */
import { cpus, loadavg } from 'node:os';
import { createHttpAdapter } from '@settee/http';
import { BULK, httpCases, PRELOADED, song, type HttpCase } from './cases.js';
import { bareNodeHttp, nanoClient, setteeFetch, setteeNode, type BenchClient } from './clients.js';
import { wantedServers, type BenchServer } from './server.js';
import { median } from '../median.js';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const SEQUENTIAL = 300;
/** Bulk requests per run: each takes ~80 ms of server time, so a few more steady the median. */
const BULK_STEPS = 8;
const FINDS = 50;

const CASES = httpCases({ sequential: SEQUENTIAL, bulk: BULK_STEPS, finds: FINDS });

/**
 * One run of a case for every client, interleaved step by step (A, B, C, A, B, C...): the server's state and the
 * machine's load drift alike for all. Answers ops/s per client.
 */
/** One run's figures for one client: operations per second, and this process's CPU time per operation (µs). */
interface Measured {
  readonly rate: number;
  readonly cpu: number;
}

async function runInterleaved(c: HttpCase, clients: BenchClient[], round: number): Promise<Map<string, Measured>> {
  const spent = new Map<string, number>(clients.map((client) => [client.name, 0]));
  const cpu = new Map<string, number>(clients.map((client) => [client.name, 0]));
  for (const client of clients) await c.prepare?.(client, round);
  for (let i = 0; i < c.steps; i += 1) {
    // Rotate who goes first, so that no client always follows the same one.
    for (let k = 0; k < clients.length; k += 1) {
      const client = clients[(i + k) % clients.length] as BenchClient;
      const started = performance.now();
      // The server runs in another process, so the CPU this one spends during a step is the client's own cost.
      const cpuBefore = process.cpuUsage();
      await c.step(client, round, i);
      const used = process.cpuUsage(cpuBefore);
      spent.set(client.name, (spent.get(client.name) ?? 0) + performance.now() - started);
      cpu.set(client.name, (cpu.get(client.name) ?? 0) + used.user + used.system);
    }
  }
  const ops = c.steps * c.opsPerStep;
  return new Map([...spent].map(([name, ms]) => [name, { rate: (ops * 1000) / ms, cpu: (cpu.get(name) ?? 0) / ops }]));
}

/** The whole bench on one server: loads it, measures every client, prints the two tables, cleans up. */
async function benchOn(server: BenchServer): Promise<void> {
  const stamp = Date.now().toString(36);
  const dbs = { read: `bench_http_read_${stamp}`, write: `bench_http_write_${stamp}` };
  const admin = createHttpAdapter({ url: server.url });
  const clients: BenchClient[] = [
    setteeNode(server.url, dbs),
    nanoClient(server.url, dbs),
    setteeFetch(server.url, dbs),
    bareNodeHttp(server.url, dbs),
  ];
  try {
    await admin.createDb(dbs.read);
    await admin.createDb(dbs.write);
    const read = admin.db(dbs.read);
    await read.bulkDocs(Array.from({ length: PRELOADED }, (_, i) => song(`pre${i}`, i)));
    await read.createIndex({ index: { fields: ['year'] }, ddoc: 'by-year', name: 'year' });

    console.log('@settee/http vs nano 11, same server, same run');
    console.log(`  server: ${server.label}`);
    console.log(`  cpu:    ${cpus()[0]?.model ?? '?'} × ${cpus().length}, node ${process.version}, load ${loadavg()[0]?.toFixed(2)}`);
    console.log(`  rounds: ${ROUNDS} (median reported), ${SEQUENTIAL} sequential ops per run, bulk ${BULK_STEPS} × ${BULK}, ${FINDS} finds`);
    console.log('');

    // Warm-up: connections, JIT, and the server's own caches.
    for (const c of CASES) await runInterleaved(c, clients, -1);
    const rates = new Map<string, Map<string, number[]>>();
    const cpuCosts = new Map<string, Map<string, number[]>>();
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const c of CASES) {
        const measured = await runInterleaved(c, clients, round);
        const byClient = rates.get(c.name) ?? new Map<string, number[]>();
        const cpuByClient = cpuCosts.get(c.name) ?? new Map<string, number[]>();
        rates.set(c.name, byClient);
        cpuCosts.set(c.name, cpuByClient);
        for (const [name, { rate, cpu }] of measured) {
          byClient.set(name, [...(byClient.get(name) ?? []), rate]);
          cpuByClient.set(name, [...(cpuByClient.get(name) ?? []), cpu]);
        }
      }
    }

    const header = ['operation', 'settee ops/s', 'nano ops/s', 'settee/nano', 'target', 'settee/fetch', 'node:http floor'];
    const rows = CASES.map((c) => {
      const byClient = rates.get(c.name);
      const s = median(byClient?.get('settee') ?? []);
      const n = median(byClient?.get('nano') ?? []);
      const f = median(byClient?.get('settee/fetch') ?? []);
      const floor = median(byClient?.get('node:http') ?? []);
      const ratio = s / n;
      return [
        c.name,
        s.toFixed(0),
        n.toFixed(0),
        `${ratio.toFixed(2)}×`,
        `≥ ${c.target.toFixed(1)}× ${ratio >= c.target ? 'met' : 'MISSED'}`,
        `${f.toFixed(0)} (${(f / n).toFixed(2)}×)`,
        `${floor.toFixed(0)} (${(floor / n).toFixed(2)}×)`,
      ];
    });
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
    const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
    console.log(line(header));
    console.log(widths.map((w) => '-'.repeat(w)).join('  '));
    for (const row of rows) console.log(line(row));
    console.log('');
    console.log('settee/fetch: @settee/http over Node\'s built-in fetch. node:http floor: no library, the most any client');
    console.log('could reach on this server (ratios in parentheses are to nano).');
    console.log('');
    const cpuHeader = ['client CPU µs per op', 'settee', 'nano', 'nano/settee', 'settee/fetch', 'node:http'];
    const cpuRows = CASES.map((c) => {
      const byClient = cpuCosts.get(c.name);
      const of = (name: string): number => median(byClient?.get(name) ?? []);
      return [c.name, of('settee').toFixed(0), of('nano').toFixed(0), `${(of('nano') / of('settee')).toFixed(2)}×`, of('settee/fetch').toFixed(0), of('node:http').toFixed(0)];
    });
    const cpuWidths = cpuHeader.map((h, i) => Math.max(h.length, ...cpuRows.map((r) => (r[i] ?? '').length)));
    const cpuLine = (cells: string[]) =>
      cells.map((cell, i) => (i === 0 ? cell.padEnd(cpuWidths[i] ?? 0) : cell.padStart(cpuWidths[i] ?? 0))).join('  ');
    console.log(cpuLine(cpuHeader));
    console.log(cpuWidths.map((w) => '-'.repeat(w)).join('  '));
    for (const row of cpuRows) console.log(cpuLine(row));
    console.log('');
    console.log('Client CPU: what this process spent per operation (the server runs apart), the part of the cost a client');
    console.log('library controls; the rates above also hold the server\'s time, which no client can cut.');
  } finally {
    for (const name of [dbs.read, dbs.write]) await admin.deleteDb(name).catch(() => undefined);
    await admin.close();
    for (const client of clients) await client.close();
  }
}

async function main(): Promise<void> {
  const starts = wantedServers();
  for (const [index, start] of starts.entries()) {
    // One server at a time: the one measured is the only one running.
    const server = await start();
    try {
      if (index > 0) console.log('');
      await benchOn(server);
    } finally {
      await server.stop();
    }
  }
}

await main();
