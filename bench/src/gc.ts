import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Options V8's `gc()` accepts; `flavor: 'last-resort'` also returns freed memory to the OS (V8 >= 11). */
export interface GcOptions {
  type: 'major';
  execution: 'sync';
  flavor?: 'regular' | 'last-resort';
}

export type Gc = (options?: GcOptions) => void;

/**
 * A callable garbage collector even when node was started without `--expose-gc` (the `npm run bench` script cannot
 * pass node flags through tsx): setting the flag at run time makes `gc` appear in contexts created afterwards.
 */
export function exposeGc(): Gc {
  const gc = (globalThis as { gc?: unknown }).gc ?? gcFromNewContext();
  if (typeof gc !== 'function') return () => undefined;
  return (options) => void (options ? gc(options) : gc());
}

function gcFromNewContext(): unknown {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc');
}
