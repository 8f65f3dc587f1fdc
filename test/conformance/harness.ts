import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { NotFoundError, type DatabaseAdapter, type ServerAdapter } from '@settee/core';
import type { Backend } from './backends.js';
import { quirkThatSkips } from './quirks.js';

/** What a conformance test uses: the backend's server and scratch databases that clean up after themselves. */
export interface Harness {
  /** The backend's server adapter (opened once per file). */
  readonly server: ServerAdapter;
  /** The backend under test. */
  readonly backend: Backend;
  /**
   * A fresh legal database name, unique across runs (lowercase, starts with a letter); deleted after the test if
   * something created it. `label` only makes failures readable.
   */
  dbName(label?: string): string;
  /** Registers `name` for deletion after the test and returns it (for names built from `dbName`). */
  track(name: string): string;
  /**
   * `name` itself on a private backend, where each test file has its own server; a unique name starting with
   * `name` on a shared server. Either way the database is deleted after the test.
   */
  literalDbName(name: string): string;
  /** Creates a scratch database (one shard, so that feed and row order is deterministic) and returns its handle. */
  createDb(label?: string): Promise<DatabaseAdapter>;
}

let counter = 0;

/** A random lowercase suffix, so that parallel runs against one shared server never collide. */
function uniqueSuffix(): string {
  counter += 1;
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}${counter}`;
}

/**
 * Registers the hooks that open `backend` for this describe block, skip its tests when the backend is pending,
 * and delete every scratch database a test created. Call it once at the top of a `describe.each(backends)` body.
 */
export function useBackend(backend: Backend): Harness {
  let server: ServerAdapter | undefined;
  const toDelete = new Set<string>();

  beforeAll(async () => {
    if (backend.pending === undefined) server = await backend.open();
  });

  beforeEach((ctx) => {
    if (backend.pending !== undefined) ctx.skip(backend.pending);
    const quirk = quirkThatSkips(backend, ctx.task.file.name, ctx.task.name);
    if (quirk !== undefined) ctx.skip(quirk);
  });

  afterEach(async () => {
    if (server === undefined) return;
    const names = [...toDelete];
    toDelete.clear();
    for (const name of names) {
      try {
        await server.deleteDb(name);
      } catch (err) {
        // Tests may delete their databases themselves, or fail before creating them.
        if (!(err instanceof NotFoundError)) throw err;
      }
    }
  });

  afterAll(async () => {
    if (server !== undefined) await backend.close(server);
    server = undefined;
  });

  const harness: Harness = {
    backend,
    get server(): ServerAdapter {
      if (server === undefined) throw new Error(`backend ${backend.name} is not open`);
      return server;
    },
    dbName(label = 'db') {
      const name = `sc_${label}_${uniqueSuffix()}`;
      toDelete.add(name);
      return name;
    },
    track(name) {
      toDelete.add(name);
      return name;
    },
    literalDbName(name) {
      return harness.track(backend.shared ? `${name}_${uniqueSuffix()}` : name);
    },
    async createDb(label) {
      const name = harness.dbName(label);
      await harness.server.createDb(name, { q: 1 });
      return harness.server.db(name);
    },
  };
  return harness;
}
