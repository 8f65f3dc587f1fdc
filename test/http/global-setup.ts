// vitest globalSetup: one pouchdb-server for the whole run, unless COUCHDB_URL names a real server to use instead.
import type { TestProject } from 'vitest/node';
import { startPouchDbServer, type RunningServer } from './pouchdb-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the pouchdb-server started for this run ('' when COUCHDB_URL is used instead). */
    pouchdbServerUrl: string;
  }
}

let server: RunningServer | undefined;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env['COUCHDB_URL']) {
    project.provide('pouchdbServerUrl', '');
  } else {
    server = await startPouchDbServer();
    project.provide('pouchdbServerUrl', server.url);
  }
  return async () => {
    await server?.stop();
    server = undefined;
  };
}
