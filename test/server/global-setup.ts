// vitest globalSetup: one settee-server (memory engine, with an admin) for the http:settee-server conformance
// backend. Its URL carries the admin's credentials, which @settee/http turns into Basic auth and never shows.
import type { TestProject } from 'vitest/node';
import { spawnServer, type SpawnedServer } from './spawn-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL (with admin credentials) of the settee-server started for this run. */
    setteeServerUrl: string;
  }
}

/** The conformance server's admin: a test-only credential of a loopback server that lives for one run. */
const ADMIN = { name: 'admin', password: 'conformance-only' };

let server: SpawnedServer | undefined;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  server = await spawnServer(ADMIN);
  const url = new URL(server.url);
  url.username = ADMIN.name;
  url.password = ADMIN.password;
  project.provide('setteeServerUrl', url.toString());
  return async () => {
    await server?.stop();
    server = undefined;
  };
}
