import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseAdapter, JsonObject, ViewQueryOptions } from '@settee/core';
import { createEngine } from '@settee/engine';

/** One database under test: insert documents, then query the benchmark's view. */
export interface ViewStore {
  insert(docs: readonly JsonObject[]): Promise<void>;
  /** Writes the design document with the view (not yet built: the first query builds it). */
  defineView(): Promise<void>;
  /** Runs a view query and returns how many rows it answered. */
  query(options: ViewQueryOptions): Promise<number>;
  close(): Promise<void>;
}

export type ViewContenderId = 'engine-memory' | 'engine-sqlite' | 'pouchdb-memory' | 'pouchdb-leveldb';

export interface ViewContender {
  readonly id: ViewContenderId;
  openFresh(): Promise<ViewStore>;
  close(): Promise<void>;
}

/** The benchmark's view: sales by `[region, year]` with their amounts, reduced with `_sum`. */
export const DESIGN_DOC = {
  _id: '_design/bench',
  views: {
    by_region_year: {
      map: 'function (doc) { if (doc.type === "sale") emit([doc.region, doc.year], doc.amount); }',
      reduce: '_sum',
    },
  },
};

export function setteeViewContender(storage: 'memory' | 'sqlite'): ViewContender {
  const dir = storage === 'sqlite' ? mkdtempSync(join(tmpdir(), 'settee-views-bench-')) : undefined;
  const engine = dir === undefined ? createEngine({ storage: 'memory' }) : createEngine({ storage: 'sqlite', dir });
  let counter = 0;
  return {
    id: storage === 'memory' ? 'engine-memory' : 'engine-sqlite',
    async openFresh() {
      const name = `bench-${counter++}`;
      await engine.createDb(name);
      const db: DatabaseAdapter = engine.db(name);
      return {
        async insert(docs) {
          for (let i = 0; i < docs.length; i += 1000) await db.bulkDocs(docs.slice(i, i + 1000));
        },
        async defineView() {
          await db.put(DESIGN_DOC);
        },
        async query(options) {
          return (await db.query('bench', 'by_region_year', options)).rows.length;
        },
        async close() {
          await engine.deleteDb(name);
        },
      };
    },
    async close() {
      await engine.close();
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface PouchDatabase {
  bulkDocs(docs: readonly object[]): Promise<object[]>;
  put(doc: object): Promise<unknown>;
  query(view: string, options: object): Promise<{ rows: unknown[] }>;
  destroy(): Promise<unknown>;
}

interface PouchConstructor {
  new (name: string, options?: { adapter?: string }): PouchDatabase;
  plugin(plugin: unknown): PouchConstructor;
}

/** PouchDB 9's `query` (map/reduce) with the memory adapter or LevelDB in a temp directory. */
export function pouchViewContender(adapter: 'memory' | 'leveldb'): ViewContender {
  const require = createRequire(import.meta.url);
  const PouchDB = require('pouchdb') as PouchConstructor;
  if (adapter === 'memory') PouchDB.plugin(require('pouchdb-adapter-memory'));
  const dir = adapter === 'leveldb' ? mkdtempSync(join(tmpdir(), 'pouch-views-bench-')) : undefined;
  let counter = 0;
  return {
    id: adapter === 'memory' ? 'pouchdb-memory' : 'pouchdb-leveldb',
    async openFresh() {
      const name = `bench-${counter++}`;
      const db = dir === undefined ? new PouchDB(name, { adapter: 'memory' }) : new PouchDB(join(dir, name));
      return {
        async insert(docs) {
          for (let i = 0; i < docs.length; i += 1000) await db.bulkDocs(docs.slice(i, i + 1000));
        },
        async defineView() {
          await db.put(DESIGN_DOC);
        },
        async query(options) {
          return (await db.query('bench/by_region_year', options)).rows.length;
        },
        async close() {
          await db.destroy();
        },
      };
    },
    async close() {
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}
