import { createEngine } from '@settee/engine';
import { createServer, type ServerOptions, type SetteeServer } from '@settee/server';

/** The admin of the servers tests start (loopback, per test file). */
export const ADMIN = { name: 'admin', password: 'test-admin-pw' };

/** `Authorization` header of the test admin. */
export const ADMIN_AUTH = `Basic ${Buffer.from(`${ADMIN.name}:${ADMIN.password}`).toString('base64')}`;

/** Basic auth header for a user. */
export function basic(name: string, password: string): string {
  return `Basic ${Buffer.from(`${name}:${password}`).toString('base64')}`;
}

/** A server on a free loopback port over a memory engine; cheap PBKDF2 so creating users stays fast. */
export async function startServer(options: Partial<ServerOptions> = {}): Promise<SetteeServer & { closeAll(): Promise<void> }> {
  const engine = createEngine({ storage: 'memory' });
  const server = await createServer({ engine, port: 0, host: '127.0.0.1', admin: ADMIN, pbkdf2Iterations: 1000, ...options });
  return Object.assign(server, {
    async closeAll() {
      await server.close();
      await engine.close();
    },
  });
}

/** fetch against the server as the admin unless `auth` says otherwise (`null` = anonymous). */
export function request(
  server: { url: string },
  path: string,
  init: RequestInit & { auth?: string | null; json?: unknown } = {},
): Promise<Response> {
  const { auth = ADMIN_AUTH, json, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (auth !== null && !headers.has('authorization')) headers.set('authorization', auth);
  let body = rest.body;
  if (json !== undefined) {
    body = JSON.stringify(json);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  }
  return fetch(`${server.url}${path}`, { ...rest, headers, body });
}

/**
 * Creates user `name` in `_users` as the admin (CouchDB's user document shape) and checks the 201; `roles` are the
 * user's own roles.
 */
export async function createUser(server: { url: string }, name: string, password: string, roles: readonly string[] = []): Promise<void> {
  const id = `org.couchdb.user:${name}`;
  const res = await request(server, `/_users/${id}`, { method: 'PUT', json: { _id: id, name, password, roles, type: 'user' } });
  const body = await res.text();
  if (res.status !== 201) throw new Error(`creating user ${name} answered ${res.status}: ${body}`);
}
