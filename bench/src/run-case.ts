import type { BenchCase } from './cases.js';
import type { Contender, ContenderId, Store } from './store.js';

/** What one contender achieved on one case: the median time of the timed action and its operation count. */
export interface Measurement {
  ms: number;
  ops: number;
}

/** Timed runs per case; the median is reported, so one run disturbed by another process does not decide. */
export const TIMED_RUNS = 3;
/** Warm-up size as a fraction of the case. */
export const WARMUP_SCALE = 0.1;

type Action = () => Promise<number>;

/**
 * Times one case on every contender. Runs go round-robin (run 1 of each contender, then run 2 of each, ...) so a
 * burst of load from another process spreads over all contenders instead of sinking one. A writing case gets a
 * fresh full-size database per run; a read-only one repeats on one fresh database per contender.
 */
export async function runCase(
  benchCase: BenchCase,
  contenders: readonly Contender[],
  gc: () => void,
): Promise<Map<ContenderId, Measurement | Error>> {
  const times = new Map<ContenderId, number[]>();
  const ops = new Map<ContenderId, number>();
  const failed = new Map<ContenderId, Error>();
  const readOnlyStores = new Map<ContenderId, { store: Store; action: Action }>();

  const attempt = async (contender: Contender, work: () => Promise<void>) => {
    if (failed.has(contender.id)) return;
    try {
      await work();
    } catch (error) {
      failed.set(contender.id, error instanceof Error ? error : new Error(String(error)));
    }
  };

  const timeOnce = async (contender: Contender, action: Action) => {
    // Collect the setup's garbage first so no run pays for loading or for an earlier run.
    gc();
    const start = performance.now();
    const count = await action();
    const elapsed = performance.now() - start;
    times.set(contender.id, [...(times.get(contender.id) ?? []), elapsed]);
    ops.set(contender.id, count);
  };

  for (const contender of contenders) {
    await attempt(contender, async () => {
      const warm = await contender.openFresh();
      try {
        await (await benchCase.setup(warm, WARMUP_SCALE))();
      } finally {
        await warm.destroy();
      }
      if (benchCase.readOnly) {
        const store = await contender.openFresh();
        readOnlyStores.set(contender.id, { store, action: await benchCase.setup(store, 1) });
      }
    });
  }

  for (let run = 0; run < TIMED_RUNS; run++) {
    for (const contender of contenders) {
      await attempt(contender, async () => {
        const prepared = readOnlyStores.get(contender.id);
        if (prepared) return timeOnce(contender, prepared.action);
        const store = await contender.openFresh();
        try {
          await timeOnce(contender, await benchCase.setup(store, 1));
        } finally {
          await store.destroy();
        }
      });
    }
  }

  for (const { store } of readOnlyStores.values()) await store.destroy();

  const results = new Map<ContenderId, Measurement | Error>();
  for (const contender of contenders) {
    const error = failed.get(contender.id);
    results.set(contender.id, error ?? { ms: median(times.get(contender.id) ?? []), ops: ops.get(contender.id) ?? 0 });
  }
  return results;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}
