/**
 * `npm run find --workspace=bench`: Mango `_find` on the Settee engine beside PouchDB 9 with pouchdb-find, memory
 * against memory and disk against disk, in one run. Three cases on 10,000 playlists with a numeric `rank`:
 * an indexed `find` returning 1,000 of them, the same query without an index, and building the index. Prints
 * medians, PouchDB/Settee ratios and whether the targets are met. A report, not a test: nothing asserts timings.
 */
import { cpus, loadavg } from 'node:os';
import { exposeGc, type Gc } from '../gc.js';
import { DOC_COUNT, makeRankedPlaylists, MATCHES, RANK_SELECTOR, type RankedPlaylist } from './find-docs.js';
import { pouchFindContender, setteeFindContender, type FindContender, type FindContenderId, type FindStore } from './find-stores.js';
import { median } from '../median.js';

const QUERY_RUNS = 15;
const QUERY_WARMUPS = 2;
const SCAN_RUNS = 7;
const BUILD_RUNS = 3;

interface Case {
  readonly key: 'indexed' | 'scan' | 'build';
  readonly label: string;
  /** Settee must be at least this many times faster than PouchDB. */
  readonly target: number;
}

const CASES: readonly Case[] = [
  { key: 'indexed', label: `find ${MATCHES} of ${DOC_COUNT}, indexed`, target: 10 },
  { key: 'scan', label: `find ${MATCHES} of ${DOC_COUNT}, no index`, target: 3 },
  { key: 'build', label: 'index build (createIndex + first query)', target: 10 },
];

const PAIRS = [
  { label: 'memory', settee: 'engine-memory', pouchdb: 'pouchdb-memory' },
  { label: 'disk', settee: 'engine-sqlite', pouchdb: 'pouchdb-leveldb' },
] as const;

type Results = Map<FindContenderId, Map<Case['key'], number | Error>>;

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

async function expectCount(store: FindStore, limit: number, expected: number): Promise<void> {
  const count = await store.find(RANK_SELECTOR, limit);
  if (count !== expected) throw new Error(`find returned ${count} documents, expected ${expected}`);
}

async function freshStore(contender: FindContender, docs: readonly RankedPlaylist[]): Promise<FindStore> {
  const store = await contender.openFresh();
  await store.insert(docs);
  return store;
}

/** Runs `measure` round-robin over the contenders, `runs` times each, so that load changes hit all of them. */
async function roundRobin(
  contenders: readonly FindContender[],
  runs: number,
  gc: Gc,
  measure: (contender: FindContender) => Promise<number>,
): Promise<Map<FindContenderId, number | Error>> {
  const times = new Map<FindContenderId, number[] | Error>(contenders.map((c) => [c.id, []]));
  for (let round = 0; round < runs; round++) {
    for (const contender of contenders) {
      const sofar = times.get(contender.id);
      if (sofar instanceof Error) continue;
      try {
        gc();
        sofar!.push(await measure(contender));
      } catch (error) {
        times.set(contender.id, error instanceof Error ? error : new Error(String(error)));
      }
    }
  }
  return new Map([...times].map(([id, values]) => [id, values instanceof Error ? values : median(values)]));
}

/**
 * Every case for every contender. Query cases run on one database per contender (first without, then with the
 * index); the build case on fresh databases (inserting is not timed). Contenders take turns run by run.
 */
async function runCases(contenders: readonly FindContender[], docs: readonly RankedPlaylist[], gc: Gc): Promise<Results> {
  const results: Results = new Map(contenders.map((c) => [c.id, new Map()]));
  const record = (key: Case['key'], outcomes: Map<FindContenderId, number | Error>) => {
    for (const [id, outcome] of outcomes) results.get(id)!.set(key, outcome);
  };
  const stores = new Map<FindContenderId, FindStore>();
  for (const contender of contenders) stores.set(contender.id, await freshStore(contender, docs));
  const query = (contender: FindContender) => timed(() => expectCount(stores.get(contender.id)!, MATCHES, MATCHES));

  for (const store of stores.values()) await expectCount(store, MATCHES, MATCHES);
  record('scan', await roundRobin(contenders, SCAN_RUNS, gc, query));
  for (const store of stores.values()) await store.createIndex();
  for (let i = 0; i < QUERY_WARMUPS; i++) for (const store of stores.values()) await expectCount(store, MATCHES, MATCHES);
  record('indexed', await roundRobin(contenders, QUERY_RUNS, gc, query));
  for (const store of stores.values()) await store.destroy();

  record('build', await roundRobin(contenders, BUILD_RUNS, gc, async (contender) => {
    // createIndex plus the first query: PouchDB builds its index on that query.
    const store = await freshStore(contender, docs);
    gc();
    const ms = await timed(async () => {
      await store.createIndex();
      await expectCount(store, 1, 1);
    });
    await store.destroy();
    return ms;
  }));
  return results;
}

function cell(value: number | Error | undefined): string {
  if (value === undefined) return 'not run';
  if (value instanceof Error) return `failed: ${value.message.split('\n')[0]}`;
  return `${value.toFixed(1)} ms`;
}

function printReport(results: Results): void {
  const header = ['case', ...PAIRS.flatMap((p) => [p.settee, p.pouchdb, `× (${p.label})`]), 'target'];
  const rows = CASES.map((c) => {
    const cells = [c.label];
    let met = true;
    for (const pair of PAIRS) {
      const settee = results.get(pair.settee)?.get(c.key);
      const pouch = results.get(pair.pouchdb)?.get(c.key);
      cells.push(cell(settee), cell(pouch));
      if (typeof settee === 'number' && typeof pouch === 'number') {
        const ratio = pouch / settee;
        met &&= ratio >= c.target;
        cells.push(`${ratio.toFixed(1)}×`);
      } else {
        met = false;
        cells.push('-');
      }
    }
    cells.push(`≥ ${c.target}× ${met ? 'met' : 'MISSED'}`);
    return cells;
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w, i) => (i === 0 ? ':' : '') + '-'.repeat(w + 1) + (i === 0 ? '' : ':')).join('|')}|`);
  for (const row of rows) console.log(line(row));
  console.log('');
  console.log('× = PouchDB time / Settee time (higher is better for Settee). Medians: indexed over ' +
    `${QUERY_RUNS} queries, no index over ${SCAN_RUNS}, build over ${BUILD_RUNS} fresh databases; the contenders take turns run by run.`);
}

async function main(): Promise<void> {
  const cpu = cpus();
  console.log('Mango _find: Settee engine vs PouchDB 9 + pouchdb-find');
  console.log(`  cpu:  ${cpu[0]?.model ?? 'unknown'} × ${cpu.length}, node ${process.version}`);
  console.log(`  load: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (1/5/15 min average at start)`);
  console.log(`  docs: ${DOC_COUNT} playlists with a numeric rank; the query selects ${MATCHES} (${JSON.stringify(RANK_SELECTOR)})`);
  console.log('');
  const gc = exposeGc();
  const docs = makeRankedPlaylists();
  const makers: Array<[FindContenderId, () => Promise<FindContender>]> = [
    ['engine-memory', () => setteeFindContender('memory')],
    ['pouchdb-memory', () => pouchFindContender('memory')],
    ['engine-sqlite', () => setteeFindContender('sqlite')],
    ['pouchdb-leveldb', () => pouchFindContender('leveldb')],
  ];
  const contenders: FindContender[] = [];
  for (const [id, make] of makers) {
    try {
      contenders.push(await make());
    } catch (error) {
      console.log(`  ${id} unavailable: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const started = performance.now();
  let results: Results;
  try {
    results = await runCases(contenders, docs, gc);
  } finally {
    for (const contender of contenders) await contender.close();
  }
  console.log(`  ran in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  console.log('');
  printReport(results);
}

await main();
