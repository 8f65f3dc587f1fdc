/** Timed runs per case; the median is reported, so one run disturbed by another process does not decide. */
export const TIMED_RUNS = 3;
/** Warm-up size as a fraction of the case. */
export const WARMUP_SCALE = 0.1;
