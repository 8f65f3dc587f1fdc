import type { CommitSignal } from './commit-signal.js';

/** Resolves true at the next commit, false after `timeoutMs` or when the database closes. */
export function waitForCommit(signal: CommitSignal, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => finish(false), timeoutMs);
    const stop = signal.subscribe(() => finish(true), () => finish(false));
    function finish(committed: boolean): void {
      clearTimeout(timer);
      stop();
      resolve(committed);
    }
  });
}
