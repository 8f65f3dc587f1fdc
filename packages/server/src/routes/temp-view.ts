import { SetteeError } from '@settee/core';
import type { DbTarget } from './db-target.js';

/**
 * `/db/_temp_view`, whatever the method: CouchDB 3 removed temporary views and answers 410 `gone`
 * (chttpd_view handle_temp_view_req), once the database is known to exist.
 */
export async function tempViewRoute(target: DbTarget): Promise<never> {
  await target.db.info();
  throw new SetteeError(410, 'gone', 'Temporary views are not supported in CouchDB');
}
