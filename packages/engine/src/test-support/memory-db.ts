import type { DatabaseAdapter } from '@settee/core';
import { afterEach } from 'vitest';
import { createEngine, type Engine } from '../engine.js';

/**
 * For a test file: `openDb(hashThread)` gives a fresh database `db` in a new memory engine, with or without the
 * revision-hashing thread; every engine opened is closed after each test.
 */
export function useMemoryDbs(): (hashThread: boolean) => Promise<DatabaseAdapter> {
  const engines: Engine[] = [];
  afterEach(async () => {
    for (const engine of engines.splice(0)) await engine.close();
  });
  return async (hashThread) => {
    const engine = createEngine({ storage: 'memory', hashThread });
    engines.push(engine);
    await engine.createDb('db');
    return engine.db('db');
  };
}
