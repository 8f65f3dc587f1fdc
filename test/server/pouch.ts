import { createRequire } from 'node:module';

/** The slice of PouchDB 9's API the interop tests call (PouchDB ships no types). */
export interface Pouch {
  bulkDocs(docs: readonly object[], options?: { new_edits?: boolean }): Promise<object[]>;
  put(doc: object): Promise<{ id: string; rev: string }>;
  get(id: string, options?: object): Promise<{ _id: string; _rev: string } & Record<string, unknown>>;
  remove(id: string, rev: string): Promise<{ rev: string }>;
  changes(options: { style?: 'all_docs' }): Promise<{ results: Array<{ id: string; changes: Array<{ rev: string }> }> }>;
  destroy(): Promise<unknown>;
}

/** PouchDB's constructor with its static `replicate`. */
export interface PouchStatic {
  new (name: string, options?: { adapter?: string }): Pouch;
  plugin(plugin: unknown): PouchStatic;
  replicate(source: Pouch | string, target: Pouch | string): Promise<{ ok: boolean; docs_written: number; doc_write_failures: number }>;
}

let loaded: PouchStatic | undefined;

/** PouchDB (CommonJS) with the in-memory adapter, loaded once. */
export function pouchDb(): PouchStatic {
  if (loaded === undefined) {
    const require = createRequire(import.meta.url);
    loaded = require('pouchdb') as PouchStatic;
    loaded.plugin(require('pouchdb-adapter-memory'));
  }
  return loaded;
}

/** `id → sorted leaf revs` from a `style=all_docs` changes answer, ids sorted. */
export function leafTable(results: ReadonlyArray<{ id: string; changes: ReadonlyArray<{ rev: string }> }>): Record<string, string[]> {
  const rows = results.map((row) => [row.id, row.changes.map((change) => change.rev).sort()] as const);
  return Object.fromEntries([...rows].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
