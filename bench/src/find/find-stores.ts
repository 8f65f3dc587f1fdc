import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseAdapter, MangoSelector } from '@settee/core';
import type { RankedPlaylist } from './find-docs.js';

/** What the find benchmark does with a database; the same calls for every contender. */
export interface FindStore {
  insert(docs: readonly RankedPlaylist[]): Promise<void>;
  /** Creates the JSON index on `rank`. */
  createIndex(): Promise<void>;
  /** Runs `_find`; resolves with the number of documents returned (checked by the caller). */
  find(selector: MangoSelector, limit: number): Promise<number>;
  destroy(): Promise<void>;
}

export type FindContenderId = 'engine-memory' | 'engine-sqlite' | 'pouchdb-memory' | 'pouchdb-leveldb';

export interface FindContender {
  readonly id: FindContenderId;
  openFresh(): Promise<FindStore>;
  close(): Promise<void>;
}

const BATCH = 1_000;

/** The Settee engine on memory or SQLite (in a temp directory). */
export async function setteeFindContender(storage: 'memory' | 'sqlite'): Promise<FindContender> {
  const { createEngine } = await import('@settee/engine');
  const dir = storage === 'sqlite' ? mkdtempSync(join(tmpdir(), 'settee-find-bench-')) : undefined;
  const engine = dir === undefined ? createEngine({ storage: 'memory' }) : createEngine({ storage: 'sqlite', dir });
  let counter = 0;
  return {
    id: storage === 'memory' ? 'engine-memory' : 'engine-sqlite',
    async openFresh() {
      const name = `find-${counter++}`;
      await engine.createDb(name);
      return setteeStore(engine.db(name), () => engine.deleteDb(name).then(() => undefined));
    },
    async close() {
      await engine.close();
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

function setteeStore(db: DatabaseAdapter, destroy: () => Promise<void>): FindStore {
  return {
    async insert(docs) {
      for (let i = 0; i < docs.length; i += BATCH) await db.bulkDocs(docs.slice(i, i + BATCH));
    },
    async createIndex() {
      await db.createIndex({ index: { fields: ['rank'] }, ddoc: 'by-rank', name: 'rank' });
    },
    async find(selector, limit) {
      return (await db.find({ selector, limit })).docs.length;
    },
    destroy,
  };
}

/** The slice of PouchDB (with pouchdb-find) the benchmark calls; PouchDB ships no types. */
interface PouchDatabase {
  bulkDocs(docs: readonly object[]): Promise<object[]>;
  createIndex(index: object): Promise<unknown>;
  find(request: object): Promise<{ docs: unknown[] }>;
  destroy(): Promise<unknown>;
}

interface PouchConstructor {
  new (name: string, options?: { adapter?: string }): PouchDatabase;
  plugin(plugin: unknown): PouchConstructor;
}

/** PouchDB 9 with pouchdb-find, on memdown or LevelDB (in a temp directory). */
export async function pouchFindContender(adapter: 'memory' | 'leveldb'): Promise<FindContender> {
  const require = createRequire(import.meta.url);
  const PouchDB = require('pouchdb') as PouchConstructor;
  PouchDB.plugin(require('pouchdb-find'));
  if (adapter === 'memory') PouchDB.plugin(require('pouchdb-adapter-memory'));
  const dir = adapter === 'leveldb' ? mkdtempSync(join(tmpdir(), 'pouch-find-bench-')) : undefined;
  let counter = 0;
  return {
    id: adapter === 'memory' ? 'pouchdb-memory' : 'pouchdb-leveldb',
    async openFresh() {
      const name = `find-${counter++}`;
      const db = dir === undefined ? new PouchDB(name, { adapter: 'memory' }) : new PouchDB(join(dir, name));
      return {
        async insert(docs) {
          for (let i = 0; i < docs.length; i += BATCH) await db.bulkDocs(docs.slice(i, i + BATCH));
        },
        async createIndex() {
          await db.createIndex({ index: { fields: ['rank'] }, ddoc: 'by-rank', name: 'rank' });
        },
        async find(selector, limit) {
          return (await db.find({ selector, limit })).docs.length;
        },
        async destroy() {
          await db.destroy();
        },
      };
    },
    async close() {
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}
