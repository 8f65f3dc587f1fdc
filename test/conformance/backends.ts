import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerAdapter } from '@settee/core';
import { createEngine } from '@settee/engine';

/** One Settee backend the conformance suite runs against. */
export interface Backend {
  /** Shown in test names, e.g. `engine:memory`. */
  readonly name: string;
  /** Opens a fresh server adapter; called once per test file. */
  open(): Promise<ServerAdapter>;
  /** Closes what `open` returned and releases anything it created (temp dirs, connections). */
  close(adapter: ServerAdapter): Promise<void>;
  /**
   * True when other clients may use the same server at the same time (a real CouchDB): tests then never rely on
   * fixed database names and only look at databases they created.
   */
  readonly shared: boolean;
  /** When set, the backend cannot run yet: its tests are reported as skipped with this note. */
  readonly pending?: string;
}

const memoryEngine: Backend = {
  name: 'engine:memory',
  shared: false,
  open: async () => createEngine({ storage: 'memory' }),
  close: (adapter) => adapter.close(),
};

/** Each open() gets its own temp directory, removed again by close(). */
const sqliteDirs = new WeakMap<ServerAdapter, string>();

const sqliteEngine: Backend = {
  name: 'engine:sqlite',
  shared: false,
  async open() {
    const dir = mkdtempSync(join(tmpdir(), 'settee-conformance-'));
    try {
      const adapter = createEngine({ storage: 'sqlite', dir });
      sqliteDirs.set(adapter, dir);
      return adapter;
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  },
  async close(adapter) {
    try {
      await adapter.close();
    } finally {
      const dir = sqliteDirs.get(adapter);
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    }
  },
};

/**
 * A real CouchDB 3.x at `COUCHDB_URL` (e.g. `http://admin:password@127.0.0.1:5984`), or a pouchdb-server.
 * Placeholder: the HTTP adapter `@settee/http` does not exist yet. When it does, `open` becomes
 * `createHttpAdapter({ url: process.env.COUCHDB_URL })` (or whatever its factory is called) and `pending` goes away.
 * It is `shared`: the suite only touches the uniquely named scratch databases it creates.
 */
function remoteCouchDb(url: string): Backend {
  return {
    name: 'http:couchdb',
    shared: true,
    pending: `COUCHDB_URL is set (${url.replace(/\/\/[^@/]*@/, '//***@')}) but @settee/http does not exist yet`,
    open: () => Promise.reject(new Error('@settee/http does not exist yet')),
    close: async () => {},
  };
}

/** Every backend the suite runs against, in the order they are reported. */
export const backends: readonly Backend[] = [
  memoryEngine,
  sqliteEngine,
  ...(process.env['COUCHDB_URL'] ? [remoteCouchDb(process.env['COUCHDB_URL'])] : []),
];
