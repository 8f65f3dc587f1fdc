import type { DatabaseAdapter } from '@settee/core';

/**
 * Everything a client can observe of a database's contents: counts, every document with its conflicts, the
 * changes feed (all leaves) and the `_local` documents. Two equal snapshots mean nothing was written in between.
 * Sequences are left out: they are opaque tokens, never compared.
 */
export async function databaseState(db: DatabaseAdapter): Promise<unknown> {
  const info = await db.info();
  const docs = await db.allDocs({ include_docs: true, conflicts: true });
  const changes = await db.changes({ style: 'all_docs' });
  const local = await db.localDocs({ include_docs: true });
  return {
    doc_count: info.doc_count,
    doc_del_count: info.doc_del_count,
    docs: docs.rows,
    changes: changes.results.map(({ seq: _seq, ...row }) => row),
    local: local.rows,
  };
}
