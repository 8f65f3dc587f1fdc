/** Bounds of the jittered exponential backoff between retries. */
export interface BackoffOptions {
  /** The ceiling of the first delay, in milliseconds (default 4). */
  readonly baseMs?: number;
  /** The largest delay, in milliseconds (default 200). */
  readonly maxMs?: number;
}

/**
 * The delay before retry number `attempt` (0-based): uniformly random below `min(maxMs, baseMs * 2^attempt)`
 * ("full jitter"), so that writers colliding on one document spread out instead of colliding again in lockstep.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 4;
  const max = options.maxMs ?? 200;
  return Math.random() * Math.min(max, base * 2 ** Math.min(attempt, 30));
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
