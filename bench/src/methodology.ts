/** Timed runs per case; the median is reported, so one run disturbed by another process does not decide. */
export const TIMED_RUNS = 5;
/**
 * Warm-up size as a fraction of the case. A full-size run lets the JIT and the heap settle on the workload (V8 grows
 * its young generation only as an application allocates), so the timed runs measure the steady state every
 * contender reaches in a running application, not its first minutes.
 */
export const WARMUP_SCALE = 1;
