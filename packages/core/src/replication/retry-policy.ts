import { SetteeError } from '../errors/settee-error.js';
import { InternalServerError } from '../errors/internal-server-error.js';
import type { RetryOptions } from './types.js';

/** Resolved retry settings. */
export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

/** Defaults: a one-shot replication gives up after 5 failed sessions in a row, a continuous one never. */
export function retryPolicy(options: RetryOptions | undefined, continuous: boolean): RetryPolicy {
  if (options === false) return { maxAttempts: 0, initialDelayMs: 0, maxDelayMs: 0 };
  return {
    maxAttempts: options?.maxAttempts ?? (continuous ? Number.POSITIVE_INFINITY : 5),
    initialDelayMs: options?.initialDelayMs ?? 250,
    maxDelayMs: options?.maxDelayMs ?? 10_000,
  };
}

/** The delay before retry `attempt` (1-based): full jitter below an exponentially growing ceiling. */
export function retryDelay(policy: RetryPolicy, attempt: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/**
 * Failures that may pass by themselves: the network (`network_error`, `invalid_response`), timeouts, rate limits
 * and server errors. Bad requests, missing databases and refused credentials will fail the same way again.
 */
export function isTransient(error: SetteeError): boolean {
  return error.status >= 500 || error.status === 408 || error.status === 429;
}

/** Every failure as a typed error; an unexpected one (a bug, not CouchDB) becomes a 500 that is not retried. */
export function asSetteeError(error: unknown): { error: SetteeError; retryable: boolean } {
  if (error instanceof SetteeError) return { error, retryable: isTransient(error) };
  const reason = error instanceof Error ? error.message : String(error);
  return { error: new InternalServerError(reason, { error: 'replication_failed', cause: error }), retryable: false };
}
