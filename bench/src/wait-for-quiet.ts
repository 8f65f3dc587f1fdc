import { readFile } from 'node:fs/promises';

/** Poll step, and the window over which the other processes must stay (almost) idle. */
const STEP_MS = 50;
const QUIET_WINDOW_MS = 150;
/** CPU the processes may use inside the window: one 10 ms clock tick (IPC, timers), not real work. */
const QUIET_CPU_MS = 10;
/** A process that never settles (a busy library thread) delays a run by at most this much. */
const MAX_WAIT_MS = 5_000;

/** User + system CPU time of a process, all its threads, in ms; undefined where /proc is missing (not Linux). */
async function processCpuMs(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at ") "; utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** Linux's USER_HZ, the unit of /proc/<pid>/stat times, is 100 on every mainstream architecture. */
const CLOCK_TICKS_PER_SECOND = 100;

async function totalCpuMs(pids: readonly number[]): Promise<number | undefined> {
  let total = 0;
  for (const pid of pids) {
    const ms = await processCpuMs(pid);
    if (ms === undefined) return undefined;
    total += ms;
  }
  return total;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until the given processes have been idle for a moment. A contender's library may keep working after its
 * step has answered (LevelDB compacts in background threads, V8 sweeps and shrinks heaps); on two cores that work
 * would land inside the next contender's timed run. Returns the ms waited; where CPU times cannot be read it
 * returns at once.
 */
export async function waitForQuiet(pids: readonly number[]): Promise<number> {
  const started = performance.now();
  const window: Array<{ at: number; cpu: number }> = [];
  while (performance.now() - started < MAX_WAIT_MS) {
    const cpu = await totalCpuMs(pids);
    if (cpu === undefined) return 0;
    const at = performance.now();
    window.push({ at, cpu });
    while (window.length > 1 && at - window[1]!.at >= QUIET_WINDOW_MS) window.shift();
    const first = window[0]!;
    if (at - first.at >= QUIET_WINDOW_MS && cpu - first.cpu <= QUIET_CPU_MS) break;
    await sleep(STEP_MS);
  }
  return performance.now() - started;
}
