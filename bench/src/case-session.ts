/**
 * A contender's part of each case, run inside its own child process: warm-up, timed runs, clean-up. The parent
 * (`run-case.ts`) decides the order; this file decides what one step does.
 */
import { CASES, type BenchCase, type CaseKey } from './cases.js';
import type { TimedRun } from './contender-protocol.js';
import type { Gc } from './gc.js';
import { WARMUP_SCALE } from './methodology.js';
import type { Contender, Store } from './store.js';

type Action = () => Promise<number>;

/** The steps the parent can ask for, on one open contender. */
export interface CaseSession {
  /** Warm-up run at WARMUP_SCALE on a throw-away store; a read-only case also loads its full-size store now. */
  prepare(key: CaseKey): Promise<void>;
  /** One timed run: a writing case gets a fresh full-size store (setup untimed), a read-only one reuses its store. */
  run(key: CaseKey): Promise<TimedRun>;
  /** Drops the read-only store of a case, if any. */
  finish(key: CaseKey): Promise<void>;
}

function caseOf(key: CaseKey): BenchCase {
  const found = CASES.find((c) => c.key === key);
  if (!found) throw new Error(`unknown bench case ${key}`);
  return found;
}

async function timeOnce(action: Action, gc: Gc): Promise<TimedRun> {
  // Collect the setup's garbage first so no run pays for loading or for an earlier run.
  gc();
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const ops = await action();
  const wallMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuBefore);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, ops };
}

/** Case steps for `contender`; `gc` runs before every timed action. */
export function createCaseSession(contender: Contender, gc: Gc): CaseSession {
  const readOnlyStores = new Map<CaseKey, { store: Store; action: Action }>();

  return {
    async prepare(key) {
      const benchCase = caseOf(key);
      const warm = await contender.openFresh();
      try {
        await (await benchCase.setup(warm, WARMUP_SCALE))();
      } finally {
        await warm.destroy();
      }
      if (!benchCase.readOnly) return;
      const store = await contender.openFresh();
      try {
        readOnlyStores.set(key, { store, action: await benchCase.setup(store, 1) });
      } catch (error) {
        await store.destroy();
        throw error;
      }
    },

    async run(key) {
      const prepared = readOnlyStores.get(key);
      if (prepared) return timeOnce(prepared.action, gc);
      const benchCase = caseOf(key);
      if (benchCase.readOnly) throw new Error(`case ${key} was not prepared`);
      const store = await contender.openFresh();
      try {
        return await timeOnce(await benchCase.setup(store, 1), gc);
      } finally {
        await store.destroy();
      }
    },

    async finish(key) {
      const prepared = readOnlyStores.get(key);
      readOnlyStores.delete(key);
      if (prepared) await prepared.store.destroy();
    },
  };
}
