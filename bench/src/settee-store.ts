import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseAdapter } from '@settee/core';
import type { Playlist } from './docs.js';
import { assertAllWritten, type Contender, type Store, type StoredPlaylist } from './store.js';

/** The Settee engine on memory or SQLite storage (SQLite in a temp directory removed on close). */
export async function createSetteeContender(storage: 'memory' | 'sqlite'): Promise<Contender> {
  // Imported lazily so an RSS child only loads the store it measures, and a broken engine only disables its rows.
  const { createEngine } = await import('@settee/engine');
  const dir = storage === 'sqlite' ? mkdtempSync(join(tmpdir(), 'settee-bench-')) : undefined;
  const engine = dir === undefined ? createEngine({ storage: 'memory' }) : createEngine({ storage: 'sqlite', dir });
  let counter = 0;
  return {
    id: storage === 'memory' ? 'engine-memory' : 'engine-sqlite',
    family: 'settee',
    storageClass: storage === 'memory' ? 'memory' : 'disk',
    async openFresh() {
      const name = `bench-${counter++}`;
      await engine.createDb(name);
      return setteeStore(engine.db(name), () => engine.deleteDb(name).then(() => undefined));
    },
    async close() {
      await engine.close();
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

function setteeStore(db: DatabaseAdapter, destroy: () => Promise<void>): Store {
  return {
    async bulkInsert(docs: readonly Playlist[]) {
      assertAllWritten(await db.bulkDocs(docs), docs.length);
    },
    async put(doc) {
      return (await db.put(doc)).rev;
    },
    async get(id) {
      return db.get<Playlist>(id) as Promise<StoredPlaylist>;
    },
    async allDocsWithDocs() {
      return (await db.allDocs({ include_docs: true })).rows.length;
    },
    async changesSinceZero() {
      return (await db.changes({ since: 0 })).results.length;
    },
    destroy,
  };
}
