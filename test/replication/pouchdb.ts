import { createRequire } from 'node:module';

/** The slice of PouchDB's API these tests and the benchmark call (PouchDB ships no types). */
export interface PouchDatabase {
  bulkDocs(docs: readonly object[], options?: { new_edits?: boolean }): Promise<object[]>;
  put(doc: object): Promise<{ id: string; rev: string }>;
  get(id: string, options?: object): Promise<{ _id: string; _rev: string } & Record<string, unknown>>;
  remove(id: string, rev: string): Promise<{ rev: string }>;
  changes(options: { style?: 'all_docs'; since?: number | string }): Promise<{ results: Array<{ id: string; changes: Array<{ rev: string }> }> }>;
  info(): Promise<{ doc_count: number }>;
  destroy(): Promise<unknown>;
}

/** PouchDB's static `replicate`, and the constructor. */
export interface PouchConstructor {
  new (name: string, options?: { adapter?: string }): PouchDatabase;
  plugin(plugin: unknown): PouchConstructor;
  replicate(source: PouchDatabase | string, target: PouchDatabase | string, options?: { batch_size?: number }): Promise<{ ok: boolean; docs_written: number }>;
}

let loaded: PouchConstructor | undefined;

/** PouchDB 9 (CommonJS) with the in-memory adapter, loaded once. */
export function pouchDb(): PouchConstructor {
  if (loaded === undefined) {
    const require = createRequire(import.meta.url);
    loaded = require('pouchdb') as PouchConstructor;
    loaded.plugin(require('pouchdb-adapter-memory'));
  }
  return loaded;
}

/** A PouchDB database's leaves, `id → sorted revs`, comparable with `leafTable` of a Settee database. */
export async function pouchLeafTable(db: PouchDatabase): Promise<Record<string, string[]>> {
  const feed = await db.changes({ style: 'all_docs' });
  const rows = feed.results.map((row) => [row.id, row.changes.map((change) => change.rev).sort()] as const);
  return Object.fromEntries(rows.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
