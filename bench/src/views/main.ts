/**
 * `npm run views --workspace=bench` (or `npm run bench:views`): map/reduce views on the Settee engine beside
 * PouchDB 9's `query`, memory against memory and disk against disk, in one run. 10,000 sales documents; cases:
 * building the view (first query after the design document is written), 100 key-range queries of 100 rows each,
 * and 100 reduced range queries grouped by region. Prints medians and PouchDB/Settee ratios against the 3x target.
 * A report, not a test: nothing asserts timings.
 */
import { cpus, loadavg } from 'node:os';
import type { JsonObject, ViewQueryOptions } from '@settee/core';
import { pouchViewContender, setteeViewContender, type ViewContender, type ViewStore } from './view-stores.js';
import { median } from '../median.js';

const DOC_COUNT = 10_000;
const REGIONS = 100;
const BUILD_RUNS = 3;
const QUERY_RUNS = 5;
const TARGET = 3;

/** 100 regions × 100 sales each, years 2000-2024; `rNN` regions so that keys sort as strings. */
function makeSales(): JsonObject[] {
  return Array.from({ length: DOC_COUNT }, (_, i) => ({
    _id: `sale-${String(i).padStart(6, '0')}`,
    type: 'sale',
    region: `r${String(i % REGIONS).padStart(3, '0')}`,
    year: 2000 + ((i * 7) % 25),
    amount: (i * 13) % 1000,
  }));
}

const RANGE_QUERIES: ViewQueryOptions[] = Array.from({ length: REGIONS }, (_, r) => {
  const region = `r${String(r).padStart(3, '0')}`;
  return { startkey: [region], endkey: [region, {}], reduce: false };
});
const REDUCED_QUERIES: ViewQueryOptions[] = RANGE_QUERIES.map(({ startkey, endkey }) => ({ startkey, endkey, group_level: 1 }));

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

async function runQueries(store: ViewStore, queries: readonly ViewQueryOptions[], rowsEach: number): Promise<void> {
  for (const query of queries) {
    const rows = await store.query(query);
    if (rows !== rowsEach) throw new Error(`a query answered ${rows} rows, expected ${rowsEach}`);
  }
}

interface Measured {
  build: number;
  ranges: number;
  reduced: number;
}

async function measure(contender: ViewContender, docs: readonly JsonObject[]): Promise<Measured> {
  const builds: number[] = [];
  let store: ViewStore | undefined;
  for (let run = 0; run < BUILD_RUNS; run++) {
    await store?.close();
    store = await contender.openFresh();
    await store.insert(docs);
    await store.defineView();
    builds.push(await timed(() => store!.query({ limit: 1, reduce: false })));
  }
  const ranges: number[] = [];
  const reduced: number[] = [];
  for (let run = 0; run < QUERY_RUNS; run++) {
    ranges.push(await timed(() => runQueries(store!, RANGE_QUERIES, DOC_COUNT / REGIONS)));
    reduced.push(await timed(() => runQueries(store!, REDUCED_QUERIES, 1)));
  }
  await store?.close();
  return { build: median(builds), ranges: median(ranges), reduced: median(reduced) };
}

const PAIRS = [
  { label: 'memory', settee: () => setteeViewContender('memory'), pouchdb: () => pouchViewContender('memory') },
  { label: 'disk', settee: () => setteeViewContender('sqlite'), pouchdb: () => pouchViewContender('leveldb') },
] as const;

const docs = makeSales();
console.log(`views: ${DOC_COUNT} docs, Node ${process.version}, ${cpus().length} cpus, load ${loadavg()[0]!.toFixed(2)}`);
console.log('case'.padEnd(34) + 'settee ms'.padStart(11) + 'pouchdb ms'.padStart(12) + 'ratio'.padStart(8) + '  target');
for (const pair of PAIRS) {
  const settee = pair.settee();
  const pouch = pair.pouchdb();
  const ours = await measure(settee, docs);
  const theirs = await measure(pouch, docs);
  await settee.close();
  await pouch.close();
  const cases: Array<[string, keyof Measured]> = [
    [`build view over ${DOC_COUNT} (${pair.label})`, 'build'],
    [`${REGIONS} range queries (${pair.label})`, 'ranges'],
    [`${REGIONS} reduced ranges (${pair.label})`, 'reduced'],
  ];
  for (const [label, key] of cases) {
    const ratio = theirs[key] / ours[key];
    console.log(
      label.padEnd(34) +
        ours[key].toFixed(1).padStart(11) +
        theirs[key].toFixed(1).padStart(12) +
        `${ratio.toFixed(1)}x`.padStart(8) +
        `  ${ratio >= TARGET ? 'met' : 'MISSED'} (>= ${TARGET}x)`,
    );
  }
}
