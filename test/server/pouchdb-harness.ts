// What the PouchDB-driven suites share: PouchDB 9 itself, a settee-server started for the file, and fresh PouchDB
// http databases on it.
import { createRequire } from 'node:module';
import { afterAll, beforeAll } from 'vitest';
import { ADMIN, startServer } from './start.js';

// PouchDB ships no types: its answers are read as loose JSON.
export type Loose = any;

const require = createRequire(import.meta.url);
export const PouchDB = require('pouchdb') as Loose;

type Server = Awaited<ReturnType<typeof startServer>>;

/**
 * Starts a settee-server before the file's tests and stops it after. `freshDb` opens a PouchDB http database on a
 * name no other test uses (PouchDB creates it on first use); `remoteUrl` is a database's URL with the admin's
 * credentials, as PouchDB takes it.
 */
export function usePouchServer(defaultPrefix: string): {
  readonly server: Server;
  remoteUrl(name: string): string;
  freshDb(prefix?: string): Loose;
  /** A number no earlier call in this file returned, for unique database names. */
  next(): number;
} {
  let server: Server | undefined;
  let counter = 0;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.closeAll();
  });
  const started = (): Server => {
    if (server === undefined) throw new Error('the server starts in beforeAll');
    return server;
  };
  const remoteUrl = (name: string): string => {
    const url = new URL(started().url);
    url.username = ADMIN.name;
    url.password = ADMIN.password;
    return `${url.toString()}${name}`;
  };
  return {
    get server() {
      return started();
    },
    remoteUrl,
    freshDb(prefix = defaultPrefix) {
      return new PouchDB(remoteUrl(`${prefix}_${(counter += 1)}`));
    },
    next: () => (counter += 1),
  };
}

/** The rejection of `promise` (fails the test if it resolves). */
export async function failure(promise: Promise<unknown>): Promise<Loose> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}
