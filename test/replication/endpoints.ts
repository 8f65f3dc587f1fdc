import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerAdapter } from '@settee/core';
import { createEngine } from '@settee/engine';
import { createHttpAdapter } from '@settee/http';
import { inject } from 'vitest';

/** One kind of server a replication test runs on: the engine (memory, SQLite) or pouchdb-server over HTTP. */
export interface ServerKind {
  readonly name: string;
  /**
   * Set when the server cannot serve a `_selector` changes filter. pouchdb-server 4.2 takes `_selector` for a
   * design-document filter `_design/_selector` and its process dies on the unhandled 404.
   */
  readonly noSelectorFilter?: string;
  /**
   * Set when a `_changes` read that runs while another client updates a document can leave that document out
   * (pouchdb-server: the read finds the document's old sequence entry, sees the document now has a newer one and
   * skips it, but stops before the newer entry). A one-shot replication then misses that update until its next run.
   */
  readonly racyChanges?: string;
  open(): Promise<{ server: ServerAdapter; close(): Promise<void> }>;
}

/** The pouchdb-server test/http/global-setup.ts started ('' when COUCHDB_URL replaces it). */
export function remoteUrl(): string {
  if (process.env['COUCHDB_URL']) return process.env['COUCHDB_URL'];
  try {
    return inject('pouchdbServerUrl');
  } catch {
    return '';
  }
}

export const memoryEngine: ServerKind = {
  name: 'engine:memory',
  async open() {
    const server = createEngine({ storage: 'memory' });
    return { server, close: () => server.close() };
  },
};

export const sqliteEngine: ServerKind = {
  name: 'engine:sqlite',
  async open() {
    const dir = mkdtempSync(join(tmpdir(), 'settee-replication-'));
    const server = createEngine({ storage: 'sqlite', dir });
    return {
      server,
      async close() {
        await server.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

export const remoteServer: ServerKind = {
  name: process.env['COUCHDB_URL'] ? 'http:couchdb' : 'http:pouchdb-server',
  ...(process.env['COUCHDB_URL']
    ? {}
    : {
        noSelectorFilter: 'pouchdb-server 4.2 reads filter=_selector as the design document _design/_selector and crashes',
        racyChanges: 'pouchdb-server 4.2 can skip a document updated while a _changes read runs',
      }),
  async open() {
    const server = createHttpAdapter({ url: remoteUrl() });
    return { server, close: () => server.close() };
  },
};

/** A source → target pair of server kinds. */
export interface Pair {
  readonly source: ServerKind;
  readonly target: ServerKind;
}

const remote = remoteUrl() ? [remoteServer] : [];

/** engine↔engine on both storages, engine↔HTTP both ways and HTTP↔HTTP when a server is at hand. */
export const pairs: readonly Pair[] = [
  { source: memoryEngine, target: memoryEngine },
  { source: sqliteEngine, target: sqliteEngine },
  { source: memoryEngine, target: sqliteEngine },
  ...remote.flatMap((r) => [
    { source: memoryEngine, target: r },
    { source: r, target: memoryEngine },
    { source: r, target: r },
  ]),
];

let counter = 0;

/** A database name no other test (or parallel run on a shared server) uses. */
export function uniqueDbName(label: string): string {
  counter += 1;
  return `repl_${label}_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}_${counter}`;
}
