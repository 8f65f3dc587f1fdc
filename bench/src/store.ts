import type { Playlist } from './docs.js';

/** A playlist as a store returns it: the written fields plus its current revision. */
export type StoredPlaylist = Playlist & { _rev: string };

/**
 * The few operations the benchmark needs, identical for every contender so a case cannot favour one store.
 * Each `Store` is one fresh database; `destroy` removes it and its data.
 */
export interface Store {
  /** Writes new documents in one call; throws if any document failed. */
  bulkInsert(docs: readonly Playlist[]): Promise<void>;
  /** Creates or updates one document (pass `_rev` to update); resolves with the new revision. */
  put(doc: Playlist | StoredPlaylist): Promise<string>;
  /** Reads the winning revision of one document. */
  get(id: string): Promise<StoredPlaylist>;
  /** `allDocs` with `include_docs`; resolves with the number of rows. */
  allDocsWithDocs(): Promise<number>;
  /** The changes feed from sequence 0 without documents; resolves with the number of results. */
  changesSinceZero(): Promise<number>;
  destroy(): Promise<void>;
}

export type ContenderId = 'engine-memory' | 'engine-sqlite' | 'pouchdb-memory' | 'pouchdb-leveldb';
export type StorageClass = 'memory' | 'disk';

/** One database product on one storage kind. */
export interface Contender {
  readonly id: ContenderId;
  readonly family: 'settee' | 'pouchdb';
  readonly storageClass: StorageClass;
  /** A new, empty database. */
  openFresh(): Promise<Store>;
  /** Releases the contender (engine, temp directory). */
  close(): Promise<void>;
}

/** Throws with the first failed entry of a bulk answer, so a silently failing store cannot look fast. */
export function assertAllWritten(results: readonly object[], expected: number): void {
  if (results.length !== expected) throw new Error(`bulk write answered ${results.length} results for ${expected} docs`);
  const failed = results.find((result) => 'error' in result);
  if (failed) throw new Error(`bulk write failed: ${JSON.stringify(failed)}`);
}
