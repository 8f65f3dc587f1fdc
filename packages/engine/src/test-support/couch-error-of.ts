import { isSetteeError } from '@settee/core';

/** Runs `run` and returns what it threw as `[status, error, reason]` (other throws as they are), or undefined. */
export function couchErrorOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return isSetteeError(error) ? [error.status, error.error, error.reason] : error;
  }
  return undefined;
}
