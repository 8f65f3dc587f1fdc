/**
 * Child process of `db-updates-kill.test.ts`: creates databases `db-1`, `db-2`... in a SQLite engine, each followed
 * by a write, printing `ack N` after each, until the parent kills it with SIGKILL.
 *
 * Usage: node --import tsx db-updates-kill-child.ts <dir>
 */
import { writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createEngine } from '../engine.js';

/** After this many databases the child pauses once, letting the record's delayed write happen. */
export const SETTLED_AT = 10;

async function main(): Promise<void> {
  const dir = process.argv[2];
  if (dir === undefined) throw new Error('usage: db-updates-kill-child.ts <dir>');
  const engine = createEngine({ storage: 'sqlite', dir, hashThread: false });
  for (let n = 1; ; n++) {
    await engine.createDb(`db-${n}`);
    await engine.db(`db-${n}`).put({ _id: 'doc' });
    // Past the record's write delay, so the first SETTLED_AT databases' events are on disk when this ack is seen.
    if (n === SETTLED_AT) await new Promise((resolve) => setTimeout(resolve, 100));
    writeSync(1, `ack ${n}\n`);
  }
}

// Run only as the child's entry point, not when the test imports SETTLED_AT.
if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
