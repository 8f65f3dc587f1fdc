import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerAdapter } from '@settee/core';
import { createEngine } from '@settee/engine';
import { createHttpAdapter } from '@settee/http';
import { inject } from 'vitest';
import { POUCHDB_SERVER_QUIRKS, type Quirk } from './quirks.js';

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
  /**
   * Known, named differences of this server from CouchDB 3 (see quirks.ts). A test consults one quirk at the one
   * assertion it affects; backends without quirks (the engines, a real CouchDB) are held to CouchDB's answer.
   */
  readonly quirks?: ReadonlySet<Quirk>;
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
 * A server reached through `@settee/http`. It is `shared`: the suite only touches the uniquely named scratch
 * databases it creates, so parallel test files (and other clients) can use the same server.
 */
function httpBackend(name: string, url: string, quirks: ReadonlySet<Quirk> = new Set()): Backend {
  return {
    name,
    shared: true,
    quirks,
    open: async () => createHttpAdapter({ url }),
    close: (adapter) => adapter.close(),
  };
}

/** The pouchdb-server test/http/global-setup.ts started, unless COUCHDB_URL names a real CouchDB instead. */
function pouchdbServerUrl(): string {
  try {
    return inject('pouchdbServerUrl');
  } catch {
    return '';
  }
}

/** The settee-server test/server/global-setup.ts started ('' when it did not run). */
function setteeServerUrl(): string {
  try {
    return inject('setteeServerUrl');
  } catch {
    return '';
  }
}

/** settee-server has no quirks: it is held to CouchDB's answers. */
const setteeServer: Backend[] = setteeServerUrl() ? [httpBackend('http:settee-server', setteeServerUrl())] : [];

const remote: Backend[] = process.env['COUCHDB_URL']
  ? [httpBackend('http:couchdb', process.env['COUCHDB_URL'])]
  : pouchdbServerUrl()
    ? [httpBackend('http:pouchdb-server', pouchdbServerUrl(), POUCHDB_SERVER_QUIRKS)]
    : [];

/** Every backend the suite runs against, in the order they are reported. */
export const backends: readonly Backend[] = [
  memoryEngine,
  sqliteEngine,
  ...remote,
  ...setteeServer,
];
