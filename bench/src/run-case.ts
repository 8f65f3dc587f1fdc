import type { BenchCase } from './cases.js';
import type { ContenderProcess } from './contender-process.js';
import type { TimedRun } from './contender-protocol.js';
import { TIMED_RUNS } from './methodology.js';
import type { ContenderId } from './store.js';
import { median } from './median.js';
import { waitForQuiet } from './wait-for-quiet.js';

/** What one contender achieved on one case: median wall and CPU time of the timed action, and its operation count. */
export interface Measurement {
  ms: number;
  cpuMs: number;
  ops: number;
}

/**
 * Times one case on every contender, each in its own process. Runs go round-robin (run 1 of each contender, then
 * run 2 of each, ...) so a burst of load from another process spreads over all contenders instead of sinking one;
 * each step is awaited, and every timed run waits until all children are idle, so two children never work at the
 * same time.
 */
export async function runCase(
  benchCase: BenchCase,
  contenders: readonly ContenderProcess[],
): Promise<Map<ContenderId, Measurement | Error>> {
  const runs = new Map<ContenderId, TimedRun[]>();
  const failed = new Map<ContenderId, Error>();

  const attempt = async (contender: ContenderProcess, work: () => Promise<void>) => {
    if (failed.has(contender.id)) return;
    try {
      await work();
    } catch (error) {
      failed.set(contender.id, error instanceof Error ? error : new Error(String(error)));
    }
  };

  for (const contender of contenders) await attempt(contender, () => contender.prepare(benchCase.key));

  for (let run = 0; run < TIMED_RUNS; run++) {
    for (const contender of contenders) {
      await attempt(contender, async () => {
        // No contender's leftover background work (LevelDB compaction, heap shrinking) may fall into this run.
        await waitForQuiet(contenders.map((c) => c.pid));
        const timed = await contender.run(benchCase.key);
        runs.set(contender.id, [...(runs.get(contender.id) ?? []), timed]);
      });
    }
  }

  // Even after a failure: a read-only store kept by `prepare` must go before the next case.
  for (const contender of contenders) {
    try {
      await contender.finish(benchCase.key);
    } catch (error) {
      if (!failed.has(contender.id)) failed.set(contender.id, error instanceof Error ? error : new Error(String(error)));
    }
  }

  const results = new Map<ContenderId, Measurement | Error>();
  for (const contender of contenders) {
    const error = failed.get(contender.id);
    const timed = runs.get(contender.id) ?? [];
    results.set(
      contender.id,
      error ?? {
        ms: median(timed.map((r) => r.wallMs)),
        cpuMs: median(timed.map((r) => r.cpuMs)),
        ops: timed.at(-1)?.ops ?? 0,
      },
    );
  }
  return results;
}

