/** Bounds of the jittered exponential backoff between retries. */
export interface BackoffOptions {
  /**
   * The ceiling of the first delay, in milliseconds. Default: how long the failed attempt took (at least 4), so
   * that writers to a remote server pause in proportion to its latency.
   */
  readonly baseMs?: number;
  /** The largest delay, in milliseconds (default 20 times the base, at least 200). */
  readonly maxMs?: number;
}

/**
 * The delay before retry number `attempt` (0-based): uniformly random below `min(maxMs, baseMs * 2^attempt)`
 * ("full jitter"), so that writers colliding on one document spread out instead of colliding again in lockstep.
 * `attemptMs` is how long the failed attempt took, which sets the default base.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}, attemptMs = 0): number {
  const base = options.baseMs ?? Math.max(4, attemptMs);
  const max = options.maxMs ?? Math.max(200, base * 20);
  return Math.random() * Math.min(max, base * 2 ** Math.min(attempt, 30));
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
