import type { BenchCase, CaseKey } from './cases.js';
import { PAIRS } from './contenders.js';
import type { ContenderId } from './store.js';
import { table } from './text-table.js';

/** A contender's median CPU and wall time on one case, or why it has none. */
export type CpuOutcome = { cpuMs: number; wallMs: number } | { error: string };

function formatCpu(outcome: CpuOutcome | undefined): string {
  if (!outcome) return 'n/a';
  if (!('cpuMs' in outcome)) return 'failed';
  return `${outcome.cpuMs.toFixed(1)} ms (${(outcome.cpuMs / outcome.wallMs).toFixed(2)})`;
}

function cpuRatio(settee: CpuOutcome | undefined, pouchdb: CpuOutcome | undefined): string {
  if (!settee || !pouchdb || !('cpuMs' in settee) || !('cpuMs' in pouchdb) || pouchdb.cpuMs <= 0) return '-';
  return `${(settee.cpuMs / pouchdb.cpuMs).toFixed(2)}×`;
}

/**
 * CPU time per case beside the wall-time table: how much processor work each contender spent, and whether it
 * spread over more than one core. Information only; the targets are judged on wall time.
 */
export function renderCpuTable(cases: readonly BenchCase[], cpu: ReadonlyMap<CaseKey, ReadonlyMap<ContenderId, CpuOutcome>>): string {
  const header = ['CPU time per timed run'];
  for (const pair of PAIRS) header.push(pair.settee, pair.pouchdb, `${pair.storageClass} S/P CPU`);
  const body = cases.map((c) => {
    const outcomes = cpu.get(c.key);
    const cells = [c.title];
    for (const pair of PAIRS) {
      const settee = outcomes?.get(pair.settee);
      const pouchdb = outcomes?.get(pair.pouchdb);
      cells.push(formatCpu(settee), formatCpu(pouchdb), cpuRatio(settee, pouchdb));
    }
    return cells;
  });
  return [
    table(header, body),
    "CPU: user + system time of the contender's whole process during the timed action (all threads: V8's GC helpers,",
    'LevelDB/SQLite, worker threads), median of the runs. (n) = CPU / wall time, the cores busy on average: above 1.00',
    'the contender used more than one core; well below 1.00 it waited for a core another process held, so its wall time',
    'is disturbed. S/P CPU = Settee CPU ms / PouchDB CPU ms (below 1×: Settee used less CPU). Targets use wall time only.',
  ].join('\n');
}
