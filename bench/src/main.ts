/**
 * `npm run bench`: the Settee engine beside PouchDB 9, memory against memory and disk against disk, printed as one
 * table with Settee/PouchDB ratios and the targets met or missed. A report, not a test: nothing here asserts timings.
 */
import { cpus, totalmem } from 'node:os';
import { CASES } from './cases.js';
import { CONTENDER_IDS, createContender } from './contenders.js';
import { makePlaylists, meanJsonBytes } from './docs.js';
import { exposeGc } from './gc.js';
import { measureRss } from './measure-rss.js';
import { renderReport, type BenchResults, type Outcome } from './report.js';
import { runCase } from './run-case.js';
import type { Contender, ContenderId } from './store.js';

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
  console.log(`  docs:   playlists of ${meanJsonBytes(makePlaylists(0, 1000)).toFixed(0)} bytes of JSON on average`);
  console.log('');
}

async function openContenders(): Promise<Map<ContenderId, Contender | Error>> {
  const opened = new Map<ContenderId, Contender | Error>();
  for (const id of CONTENDER_IDS) {
    try {
      opened.set(id, await createContender(id));
    } catch (error) {
      opened.set(id, error instanceof Error ? error : new Error(String(error)));
      console.log(`  ${id} unavailable: ${message(error)}`);
    }
  }
  return opened;
}

async function runCases(contenders: Map<ContenderId, Contender | Error>, results: BenchResults): Promise<void> {
  const gc = exposeGc();
  for (const benchCase of CASES) {
    const outcomes = new Map<ContenderId, Outcome>();
    results.cases.set(benchCase.key, outcomes);
    const progress: string[] = [];
    for (const [id, contender] of contenders) {
      if (contender instanceof Error) {
        outcomes.set(id, { error: message(contender) });
        continue;
      }
      try {
        const { ms, ops } = await runCase(benchCase, contender, gc);
        outcomes.set(id, { value: benchCase.unit === 'ms' ? ms : (ops * 1000) / ms });
        progress.push(`${id} ${ms.toFixed(0)}ms`);
      } catch (error) {
        outcomes.set(id, { error: message(error) });
        progress.push(`${id} failed`);
      }
    }
    console.log(`  ${benchCase.title.padEnd(34)} ${progress.join(', ')}`);
  }
}

async function runRss(results: BenchResults): Promise<void> {
  // One child at a time: two cores, and a concurrent child would slow the other's load and skew nothing else.
  for (const id of CONTENDER_IDS) {
    try {
      const { baselineMb, loadedMb, loadMs } = await measureRss(id, RSS_DOCS);
      results.rss.set(id, { value: loadedMb - baselineMb });
      console.log(
        `  RSS ${id.padEnd(16)} ${baselineMb.toFixed(1)} MB -> ${loadedMb.toFixed(1)} MB (load ${(loadMs / 1000).toFixed(1)} s)`,
      );
    } catch (error) {
      results.rss.set(id, { error: message(error) });
      console.log(`  RSS ${id.padEnd(16)} failed: ${message(error)}`);
    }
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  printMachine();
  const results: BenchResults = { cases: new Map(), rss: new Map(), rssDocs: RSS_DOCS };
  const contenders = await openContenders();
  await runCases(contenders, results);
  for (const contender of contenders.values()) if (!(contender instanceof Error)) await contender.close();
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
