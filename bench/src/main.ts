/**
 * `npm run bench`: the Settee engine beside PouchDB 9, memory against memory and disk against disk, printed as one
 * table with Settee/PouchDB ratios and the targets met or missed. A report, not a test: nothing here asserts timings.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { CASES } from './cases.js';
import { startContenderProcess, type ContenderProcess } from './contender-process.js';
import { CONTENDER_IDS } from './contenders.js';
import type { CpuOutcome } from './cpu-report.js';
import { makePlaylists, meanJsonBytes } from './docs.js';
import { measureRss } from './measure-rss.js';
import { renderReport, type BenchResults, type Outcome } from './report.js';
import { runCase } from './run-case.js';
import type { ContenderId } from './store.js';

const RSS_DOCS = 100_000;

function message(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}

function printMachine(): void {
  const cpu = cpus();
  console.log('Settee engine vs PouchDB 9');
  console.log(`  cpu:    ${cpu[0]?.model ?? 'unknown'} × ${cpu.length}`);
  console.log(`  node:   ${process.version} (${process.platform}-${process.arch}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM`);
  // Other processes on a small machine move every figure; the load average says how busy it was.
  console.log(`  load:   ${loadavg().map((l) => l.toFixed(2)).join(' ')} (1/5/15 min average at start)`);
  console.log(`  docs:   playlists of ${meanJsonBytes(makePlaylists(0, 1000)).toFixed(0)} bytes of JSON on average`);
  console.log('');
}

/** One child process per contender, started one after another; a contender that cannot start is reported. */
async function openContenders(): Promise<Map<ContenderId, ContenderProcess | Error>> {
  const opened = new Map<ContenderId, ContenderProcess | Error>();
  for (const id of CONTENDER_IDS) {
    try {
      opened.set(id, await startContenderProcess(id));
    } catch (error) {
      opened.set(id, error instanceof Error ? error : new Error(String(error)));
      console.log(`  ${id} unavailable: ${message(error)}`);
    }
  }
  return opened;
}

async function runCases(contenders: Map<ContenderId, ContenderProcess | Error>, results: BenchResults): Promise<void> {
  const available = [...contenders.values()].filter((c): c is ContenderProcess => !(c instanceof Error));
  for (const benchCase of CASES) {
    const outcomes = new Map<ContenderId, Outcome>();
    const cpu = new Map<ContenderId, CpuOutcome>();
    results.cases.set(benchCase.key, outcomes);
    results.cpu.set(benchCase.key, cpu);
    const measured = await runCase(benchCase, available);
    const progress: string[] = [];
    for (const [id, contender] of contenders) {
      const m = contender instanceof Error ? contender : measured.get(id);
      if (m === undefined || m instanceof Error) {
        outcomes.set(id, { error: m ? message(m) : 'not run' });
        cpu.set(id, { error: m ? message(m) : 'not run' });
        progress.push(`${id} failed`);
      } else {
        outcomes.set(id, { value: benchCase.unit === 'ms' ? m.ms : (m.ops * 1000) / m.ms });
        cpu.set(id, { cpuMs: m.cpuMs, wallMs: m.ms });
        progress.push(`${id} ${m.ms.toFixed(0)}ms`);
      }
    }
    console.log(`  ${benchCase.title.padEnd(34)} ${progress.join(', ')}`);
  }
}

async function closeContenders(contenders: Map<ContenderId, ContenderProcess | Error>): Promise<void> {
  for (const [id, contender] of contenders) {
    if (contender instanceof Error) continue;
    // A contender that fails to close has its figures already; say so and go on to the RSS children.
    await contender.close().catch((error: unknown) => console.log(`  ${id} did not close cleanly: ${message(error)}`));
  }
}

async function runRss(results: BenchResults): Promise<void> {
  // One child at a time: on two cores, children running together would slow each other's loads.
  for (const id of CONTENDER_IDS) {
    try {
      const r = await measureRss(id, RSS_DOCS);
      results.rss.set(id, { value: r.loadedMb - r.baselineMb });
      results.heap.set(id, { value: r.loadedHeapMb - r.baselineHeapMb });
      console.log(
        `  RSS ${id.padEnd(16)} ${r.baselineMb.toFixed(1)} -> ${r.loadedMb.toFixed(1)} MB` +
          ` (V8 heap ${r.baselineHeapMb.toFixed(1)} -> ${r.loadedHeapMb.toFixed(1)} MB, load ${(r.loadMs / 1000).toFixed(1)} s)`,
      );
    } catch (error) {
      results.rss.set(id, { error: message(error) });
      results.heap.set(id, { error: message(error) });
      console.log(`  RSS ${id.padEnd(16)} failed: ${message(error)}`);
    }
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  printMachine();
  const results: BenchResults = { cases: new Map(), cpu: new Map(), rss: new Map(), heap: new Map(), rssDocs: RSS_DOCS };
  const contenders = await openContenders();
  await runCases(contenders, results);
  await closeContenders(contenders);
  await runRss(results);
  console.log('');
  console.log(renderReport(CASES, results));
  console.log('');
  console.log(`Total run time ${((performance.now() - started) / 1000).toFixed(1)} s.`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
