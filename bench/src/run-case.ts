import type { BenchCase } from './cases.js';
import type { Contender } from './store.js';

/** What one contender achieved on one case: the median time of the timed action and its operation count. */
export interface Measurement {
  ms: number;
  ops: number;
}

const WARMUP_SCALE = 0.1;

/** Warms up on a throwaway small database, then times the case on a fresh full-size one. */
export async function runCase(
  benchCase: BenchCase,
  contender: Contender,
  gc: () => void,
  warmupScale = WARMUP_SCALE,
): Promise<Measurement> {
  const warm = await contender.openFresh();
  const warmAction = await benchCase.setup(warm, warmupScale);
  for (let i = 0; i < benchCase.repeats; i++) await warmAction();
  await warm.destroy();

  const store = await contender.openFresh();
  try {
    const action = await benchCase.setup(store, 1);
    const times: number[] = [];
    let ops = 0;
    for (let i = 0; i < benchCase.repeats; i++) {
      // Collect the setup's garbage first so one contender does not pay for another's (or its own loading).
      gc();
      const start = performance.now();
      ops = await action();
      times.push(performance.now() - start);
    }
    return { ms: median(times), ops };
  } finally {
    await store.destroy();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}
