import type { BenchCase, CaseKey } from './cases.js';
import { PAIRS } from './contenders.js';
import { renderCpuTable, type CpuOutcome } from './cpu-report.js';
import { TIMED_RUNS, WARMUP_SCALE } from './methodology.js';
import type { ContenderId } from './store.js';
import { table } from './text-table.js';

/** A contender's figure on one row, or why it has none. */
export type Outcome = { value: number } | { error: string };

export interface BenchResults {
  /** Per case: ops/s or ms (as the case's unit says) per contender. */
  cases: Map<CaseKey, Map<ContenderId, Outcome>>;
  /** Per case: median CPU and wall time of the timed action per contender (information beside the wall times). */
  cpu: Map<CaseKey, Map<ContenderId, CpuOutcome>>;
  /** RSS growth in MB after loading the RSS documents, per contender. */
  rss: Map<ContenderId, Outcome>;
  /** V8 heap growth in MB in the same children: steadier than RSS, and shows what is JavaScript objects. */
  heap: Map<ContenderId, Outcome>;
  rssDocs: number;
}

/** The most RSS Settee may use, as a fraction of PouchDB's. */
const RSS_TARGET = 0.5;

interface Row {
  title: string;
  unit: 'ops/s' | 'ms' | 'MB';
  outcomes: Map<ContenderId, Outcome> | undefined;
  /** Speed rows need ratio >= target; the RSS row needs ratio <= target; no target: information only. */
  target: number | undefined;
  higherRatioIsBetter: boolean;
}

function rows(cases: readonly BenchCase[], results: BenchResults): Row[] {
  const caseRows = cases.map<Row>((c) => ({
    title: c.title,
    unit: c.unit,
    outcomes: results.cases.get(c.key),
    target: c.target,
    higherRatioIsBetter: true,
  }));
  const rssTitle = `RSS growth, ${(results.rssDocs / 1000).toFixed(0)}k docs (child)`;
  const heapTitle = 'V8 heap growth, same children';
  return [
    ...caseRows,
    { title: rssTitle, unit: 'MB', outcomes: results.rss, target: RSS_TARGET, higherRatioIsBetter: false },
    { title: heapTitle, unit: 'MB', outcomes: results.heap, target: undefined, higherRatioIsBetter: false },
  ];
}

/**
 * Settee/PouchDB for a row: throughput divided (ops/s), time inverted so bigger still means faster (ms), memory
 * divided as is (MB, smaller is better).
 */
function ratio(row: Row, settee: Outcome | undefined, pouchdb: Outcome | undefined): number | undefined {
  if (!settee || !pouchdb || !('value' in settee) || !('value' in pouchdb)) return undefined;
  if (row.unit === 'ms') return pouchdb.value / settee.value;
  // Growth of a megabyte or less is noise, not a basis for a ratio.
  if (row.unit === 'MB' && pouchdb.value <= 1) return undefined;
  return settee.value / pouchdb.value;
}

function formatValue(outcome: Outcome | undefined, unit: Row['unit']): string {
  if (!outcome) return 'n/a';
  if (!('value' in outcome)) return 'failed';
  if (unit === 'ops/s') return `${Math.round(outcome.value).toLocaleString('en-US')} ops/s`;
  return `${outcome.value.toFixed(1)} ${unit}`;
}

function formatRatio(value: number | undefined): string {
  return value === undefined ? '-' : `${value.toFixed(2)}×`;
}

function verdictLines(all: readonly Row[]): string[] {
  const lines: string[] = [];
  for (const row of all) {
    const target = row.target;
    if (target === undefined) continue;
    for (const pair of PAIRS) {
      const r = ratio(row, row.outcomes?.get(pair.settee), row.outcomes?.get(pair.pouchdb));
      const met = r !== undefined && (row.higherRatioIsBetter ? r >= target : r <= target);
      const verdict = r === undefined ? 'NO DATA' : met ? 'met    ' : 'NOT MET';
      const wanted = row.higherRatioIsBetter ? `≥ ${target}×` : `≤ ${target}× of PouchDB`;
      lines.push(`  [${verdict}] ${row.title}, ${pair.storageClass}: ${formatRatio(r)} (target ${wanted})`);
    }
  }
  return lines;
}

function failureLines(all: readonly Row[]): string[] {
  const lines: string[] = [];
  for (const row of all) {
    if (row.target === undefined) continue; // the heap row repeats the RSS row's failures
    for (const [id, outcome] of row.outcomes ?? []) {
      if ('error' in outcome) lines.push(`  ${row.title} / ${id}: ${outcome.error}`);
    }
  }
  return lines;
}

/**
 * The comparison table and how it was measured, the CPU-time table, then one met/not-met line per target and
 * storage class.
 */
export function renderReport(cases: readonly BenchCase[], results: BenchResults): string {
  const all = rows(cases, results);
  const header = ['Case'];
  for (const pair of PAIRS) header.push(pair.settee, pair.pouchdb, `${pair.storageClass} S/P`);
  const body = all.map((row) => {
    const cells = [row.title];
    for (const pair of PAIRS) {
      const settee = row.outcomes?.get(pair.settee);
      const pouchdb = row.outcomes?.get(pair.pouchdb);
      cells.push(formatValue(settee, row.unit), formatValue(pouchdb, row.unit), formatRatio(ratio(row, settee, pouchdb)));
    }
    return cells;
  });
  const failures = failureLines(all);
  const warmup = `${Math.round(WARMUP_SCALE * 100)}%`;
  return [
    table(header, body),
    'S/P = Settee/PouchDB as a speed factor (ops/s divided, ms inverted); for RSS, Settee MB / PouchDB MB.',
    `Timings: median of ${TIMED_RUNS} timed runs after a ${warmup}-size warm-up (write cases: a fresh database per run).`,
    "Each contender runs in its own process (one library per process, as in an application): no other library's GC slows it;",
    "every timed run starts once all the contender processes are idle (no library's leftover background work lands in it).",
    `RSS: growth while loading ${results.rssDocs.toLocaleString('en-US')} docs in batches of 1k, in a fresh process per contender,`,
    'after gc(), from a baseline taken after 5k warm-up docs (start-up and V8 young-generation growth excluded).',
    '',
    renderCpuTable(cases, results.cpu),
    '',
    'Targets:',
    ...verdictLines(all),
    ...(failures.length > 0 ? ['', 'Failures:', ...failures] : []),
  ].join('\n');
}
