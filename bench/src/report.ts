import type { BenchCase, CaseKey } from './cases.js';
import { PAIRS } from './contenders.js';
import type { ContenderId } from './store.js';

/** A contender's figure on one row, or why it has none. */
export type Outcome = { value: number } | { error: string };

export interface BenchResults {
  /** Per case: ops/s or ms (as the case's unit says) per contender. */
  cases: Map<CaseKey, Map<ContenderId, Outcome>>;
  /** RSS growth in MB after loading the RSS documents, per contender. */
  rss: Map<ContenderId, Outcome>;
  rssDocs: number;
}

/** The most RSS Settee may use, as a fraction of PouchDB's. */
const RSS_TARGET = 0.5;

interface Row {
  title: string;
  unit: 'ops/s' | 'ms' | 'MB';
  outcomes: Map<ContenderId, Outcome> | undefined;
  /** Speed rows need ratio >= target; the RSS row needs ratio <= target. */
  target: number;
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
  return [...caseRows, { title: rssTitle, unit: 'MB', outcomes: results.rss, target: RSS_TARGET, higherRatioIsBetter: false }];
}

/**
 * Settee/PouchDB for a row: throughput divided (ops/s), time inverted so bigger still means faster (ms), memory
 * divided as is (MB, smaller is better).
 */
function ratio(row: Row, settee: Outcome | undefined, pouchdb: Outcome | undefined): number | undefined {
  if (!settee || !pouchdb || !('value' in settee) || !('value' in pouchdb)) return undefined;
  if (row.unit === 'ms') return pouchdb.value / settee.value;
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

function table(header: string[], body: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  return [line(header), rule, ...body.map(line)].join('\n');
}

/** The comparison table followed by one met/not-met line per target and storage class. */
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

  const verdicts: string[] = [];
  for (const row of all) {
    for (const pair of PAIRS) {
      const r = ratio(row, row.outcomes?.get(pair.settee), row.outcomes?.get(pair.pouchdb));
      const wanted = row.higherRatioIsBetter ? `≥ ${row.target}×` : `≤ ${row.target}× of PouchDB`;
      const verdict = r === undefined ? 'NO DATA' : (row.higherRatioIsBetter ? r >= row.target : r <= row.target) ? 'met    ' : 'NOT MET';
      verdicts.push(`  [${verdict}] ${row.title}, ${pair.storageClass}: ${formatRatio(r)} (target ${wanted})`);
    }
  }

  const failures: string[] = [];
  for (const row of all) {
    for (const [id, outcome] of row.outcomes ?? []) {
      if ('error' in outcome) failures.push(`  ${row.title} / ${id}: ${outcome.error}`);
    }
  }

  return [
    table(header, body),
    'S/P = Settee/PouchDB as a speed factor (ops/s divided, ms inverted); for RSS, Settee MB / PouchDB MB.',
    '',
    'Targets:',
    ...verdicts,
    ...(failures.length > 0 ? ['', 'Failures:', ...failures] : []),
  ].join('\n');
}
