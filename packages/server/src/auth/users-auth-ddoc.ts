import { ConflictError, type DatabaseAdapter, type JsonObject } from '@settee/core';
import { AUTH_VALIDATE_DOC_UPDATE } from './users-auth-validate.js';
import { currentDoc } from './users.js';

/** The design document CouchDB keeps in `_users`: it carries the users database's `validate_doc_update`. */
export const AUTH_DDOC_ID = '_design/_auth';

/**
 * Makes sure `_users` holds `_design/_auth` with settee's validation, as CouchDB's `chttpd_auth_cache` does whenever
 * it starts watching the database: created when missing (also after an admin deleted it), its `validate_doc_update`
 * put back when an admin changed it, other fields kept. Runs at server start; an admin may edit or delete it
 * meanwhile, and the server's native checks of user documents hold either way. Written without a user context, as
 * the server's own write; a concurrent writer's conflict is left to win.
 */
export async function ensureAuthDesignDoc(db: DatabaseAdapter): Promise<void> {
  const current = await currentDoc(db, AUTH_DDOC_ID);
  if (current?.['validate_doc_update'] === AUTH_VALIDATE_DOC_UPDATE) return;
  const doc: JsonObject & { _id: string } =
    current === undefined
      ? { _id: AUTH_DDOC_ID, language: 'javascript', validate_doc_update: AUTH_VALIDATE_DOC_UPDATE }
      : { ...(current as JsonObject), _id: AUTH_DDOC_ID, validate_doc_update: AUTH_VALIDATE_DOC_UPDATE };
  try {
    await db.put(doc);
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
  }
}
