import type { DatabaseAdapter } from '../adapter/database-adapter.js';
import { BadRequestError } from '../errors/bad-request-error.js';
import { PreconditionFailedError } from '../errors/precondition-failed-error.js';
import type { ReplicationEndpoint } from './types.js';

/** True when the endpoint is a database handle rather than `{ server, name }`. */
function isDatabase(endpoint: ReplicationEndpoint): endpoint is DatabaseAdapter {
  return typeof (endpoint as Partial<DatabaseAdapter>).bulkDocs === 'function';
}

/** The database an endpoint names. */
export function databaseOf(endpoint: ReplicationEndpoint): DatabaseAdapter {
  return isDatabase(endpoint) ? endpoint : endpoint.server.db(endpoint.name);
}

/** `create_target`: creates the target database unless it exists (CouchDB's option is not destructive). */
export async function createTarget(endpoint: ReplicationEndpoint): Promise<void> {
  if (isDatabase(endpoint)) {
    throw new BadRequestError('`create_target` needs the target as `{ server, name }`: a database handle cannot create its database');
  }
  try {
    await endpoint.server.createDb(endpoint.name);
  } catch (error) {
    if (!(error instanceof PreconditionFailedError)) throw error;
  }
}
