import {
  ForbiddenError,
  SetteeError,
  type BulkDocsInput,
  type BulkDocsOptions,
  type BulkWriteResult,
  type DatabaseAdapter,
  type PutOptions,
  type ServerAdapter,
  type UserContext,
} from '@settee/core';
import { parseReplicationRequest } from './request.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEndpoint(value: unknown): boolean {
  return typeof value === 'string' || (isRecord(value) && typeof value['url'] === 'string');
}

/**
 * CouchDB's checks of a `_replicator` document write: an invalid replication is refused with 403 `forbidden` and
 * the parser's reason, and the writer's name is recorded as `owner` (CouchDB's `before_doc_update`). Deletions,
 * design and `_local` documents pass as they are. Returns the document to store.
 */
export function checkReplicatorDoc(doc: unknown, user: UserContext | undefined): unknown {
  if (!isRecord(doc) || doc['_deleted'] === true) return doc;
  const id = typeof doc['_id'] === 'string' ? doc['_id'] : '';
  if (id.startsWith('_design/') || id.startsWith('_local/')) return doc;
  try {
    parseReplicationRequest(doc);
  } catch (error) {
    throw new ForbiddenError(error instanceof SetteeError ? error.reason : 'Invalid replication document');
  }
  if (!isEndpoint(doc['source']) || !isEndpoint(doc['target'])) {
    throw new ForbiddenError('`source` and `target` must be database names, URLs or objects with a `url`');
  }
  const name = user?.name ?? null;
  return doc['owner'] === undefined && name !== null ? { ...doc, owner: name } : doc;
}

/** The replicator database with its write checks in front of `put`, `post` and `bulkDocs`. */
function guardedDb(db: DatabaseAdapter): DatabaseAdapter {
  const put = (doc: Parameters<DatabaseAdapter['put']>[0], options?: PutOptions): ReturnType<DatabaseAdapter['put']> =>
    db.put(checkReplicatorDoc(doc, options?.userCtx) as typeof doc, options);
  const post = (doc: Parameters<DatabaseAdapter['post']>[0], options?: PutOptions): ReturnType<DatabaseAdapter['post']> =>
    db.post(checkReplicatorDoc(doc, options?.userCtx) as typeof doc, options);
  const bulkDocs = async (docs: BulkDocsInput, options?: BulkDocsOptions): Promise<BulkWriteResult[]> => {
    // Replicated revisions (new_edits=false) are stored as they come.
    if (options?.new_edits === false || !Array.isArray(docs)) return db.bulkDocs(docs, options);
    const refused = new Map<number, BulkWriteResult>();
    const accepted: BulkDocsInput[number][] = [];
    docs.forEach((doc: BulkDocsInput[number], index: number) => {
      try {
        accepted.push(checkReplicatorDoc(doc, options?.userCtx) as BulkDocsInput[number]);
      } catch (error) {
        const id = isRecord(doc) && typeof doc['_id'] === 'string' ? doc['_id'] : '';
        refused.set(index, { id, error: 'forbidden', reason: error instanceof SetteeError ? error.reason : 'forbidden' });
      }
    });
    const written = accepted.length === 0 ? [] : await db.bulkDocs(accepted, options);
    const out: BulkWriteResult[] = [];
    let next = 0;
    for (let index = 0; index < docs.length; index += 1) {
      const result = refused.get(index) ?? written[next++];
      if (result !== undefined) out.push(result);
    }
    return out;
  };
  return new Proxy(db, {
    get(target, property) {
      if (property === 'put') return put;
      if (property === 'post') return post;
      if (property === 'bulkDocs') return bulkDocs;
      const value: unknown = Reflect.get(target, property, target);
      // Methods run on the real adapter (it may keep private fields).
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * The engine as the HTTP routes see it: the same, except that the replicator database (`engineName`) checks what is
 * written into it. The scheduler reads and records through the unguarded engine.
 */
export function guardReplicatorDb(engine: ServerAdapter, engineName: string): ServerAdapter {
  return new Proxy(engine, {
    get(target, property) {
      if (property === 'db') return (name: string): DatabaseAdapter => (name === engineName ? guardedDb(target.db(name)) : target.db(name));
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
