import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Playlist } from './docs.js';
import { assertAllWritten, type Contender, type Store, type StoredPlaylist } from './store.js';

/** The slice of PouchDB's API the benchmark calls (PouchDB ships no types and @types/pouchdb is not installed). */
interface PouchDatabase {
  bulkDocs(docs: readonly object[]): Promise<object[]>;
  put(doc: object): Promise<{ rev: string }>;
  get(id: string): Promise<unknown>;
  allDocs(options: { include_docs: boolean }): Promise<{ rows: unknown[] }>;
  changes(options: { since: number }): Promise<{ results: unknown[] }>;
  destroy(): Promise<unknown>;
}

interface PouchConstructor {
  new (name: string, options?: { adapter?: string }): PouchDatabase;
  plugin(plugin: unknown): PouchConstructor;
}

/** PouchDB 9 with the in-memory adapter (memdown) or its default LevelDB adapter in a temp directory. */
export async function createPouchContender(adapter: 'memory' | 'leveldb'): Promise<Contender> {
  // Loaded lazily (PouchDB is CommonJS) so an RSS child only loads the store it measures.
  const require = createRequire(import.meta.url);
  const PouchDB = require('pouchdb') as PouchConstructor;
  if (adapter === 'memory') PouchDB.plugin(require('pouchdb-adapter-memory'));
  const dir = adapter === 'leveldb' ? mkdtempSync(join(tmpdir(), 'pouch-bench-')) : undefined;
  let counter = 0;
  return {
    id: adapter === 'memory' ? 'pouchdb-memory' : 'pouchdb-leveldb',
    family: 'pouchdb',
    storageClass: adapter === 'memory' ? 'memory' : 'disk',
    async openFresh() {
      const name = `bench-${counter++}`;
      const db = dir === undefined ? new PouchDB(name, { adapter: 'memory' }) : new PouchDB(join(dir, name));
      return pouchStore(db);
    },
    async close() {
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

function pouchStore(db: PouchDatabase): Store {
  return {
    async bulkInsert(docs: readonly Playlist[]) {
      assertAllWritten(await db.bulkDocs(docs), docs.length);
    },
    async put(doc) {
      return (await db.put(doc)).rev;
    },
    async get(id) {
      return (await db.get(id)) as StoredPlaylist;
    },
    async allDocsWithDocs() {
      return (await db.allDocs({ include_docs: true })).rows.length;
    },
    async changesSinceZero() {
      return (await db.changes({ since: 0 })).results.length;
    },
    async destroy() {
      await db.destroy();
    },
  };
}
