import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * A callable garbage collector even when node was started without `--expose-gc` (the `npm run bench` script cannot
 * pass node flags through tsx): setting the flag at run time makes `gc` appear in contexts created afterwards.
 */
export function exposeGc(): () => void {
  const existing: unknown = (globalThis as { gc?: unknown }).gc;
  if (typeof existing === 'function') return () => void existing();
  setFlagsFromString('--expose-gc');
  const gc: unknown = runInNewContext('gc');
  if (typeof gc !== 'function') return () => undefined;
  return () => void gc();
}
