import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PreconditionFailedError, type ServerAdapter } from '@settee/core';
import { createEngine } from '@settee/engine';
import { authenticate } from './auth/authenticate.js';
import { Lockout } from './auth/lockout.js';
import { DEFAULT_ITERATIONS, hashPassword } from './auth/pbkdf2.js';
import { splitUrl, type RequestContext } from './http/context.js';
import { applyCors } from './http/cors.js';
import { sendError } from './http/respond.js';
import { isLoopback, type ServerOptions, type SetteeServer } from './options.js';
import { route } from './router.js';
import { trackRequest } from './http/request-stats.js';
import { createAdminOnlyDb } from './auth/security.js';
import { PERMANENT_SYSTEM_DBS, SYSTEM_DBS, USERS_DB, type ServerState } from './server-state.js';
import { ensureAuthDesignDoc } from './auth/users-auth-ddoc.js';
import { ReplicationScheduler, guardReplicatorDb } from './replication/index.js';
import { SERVER_VERSION } from './version.js';

const DEFAULT_MAX_BODY = 64 * 1024 * 1024;

function engineOf(options: ServerOptions): { engine: ServerAdapter; owned: boolean } {
  if (options.engine !== undefined) return { engine: options.engine, owned: false };
  if (options.dir === undefined) throw new Error('createServer needs `dir` (an engine data directory) or `engine`.');
  return { engine: createEngine({ storage: 'sqlite', dir: options.dir }), owned: true };
}

/** Refuses configurations that would expose an open server. */
function checkSecurity(options: ServerOptions, host: string): void {
  if (options.admin !== undefined) {
    if (options.admin.name === '' || options.admin.password === '') throw new Error('The admin needs a name and a password.');
    if (options.admin.name.includes(':')) throw new Error('The admin name must not contain ":".');
    return;
  }
  if (options.adminParty === true && isLoopback(host)) return;
  if (options.adminParty === true) throw new Error(`Refusing an admin party on ${host}: only loopback may run without an admin.`);
  throw new Error('An admin is required (admin: { name, password }); an admin party needs adminParty: true on loopback.');
}

/** Creates `_users` and `_replicator` (under their engine names) on first start, and `_users`' `_design/_auth`. */
async function ensureSystemDbs(engine: ServerAdapter): Promise<void> {
  for (const [visible, name] of SYSTEM_DBS) {
    if (!PERMANENT_SYSTEM_DBS.has(visible)) continue;
    try {
      await createAdminOnlyDb(engine, name);
    } catch (error) {
      if (!(error instanceof PreconditionFailedError)) throw error;
    }
  }
  await ensureAuthDesignDoc(engine.db(USERS_DB));
}

/**
 * Starts a CouchDB 3-compatible HTTP server over the bundled engine.
 *
 * ```ts
 * const server = await createServer({ dir: './data', admin: { name: 'admin', password: 'secret' } });
 * console.log(server.url); // http://127.0.0.1:54321
 * await server.close();
 * ```
 */
export async function createServer(options: ServerOptions): Promise<SetteeServer> {
  const host = options.host ?? '127.0.0.1';
  checkSecurity(options, host);
  const { engine, owned } = engineOf(options);
  const iterations = options.pbkdf2Iterations ?? DEFAULT_ITERATIONS;
  const log = options.log ?? (() => {});
  const replicatorDb = SYSTEM_DBS.get('_replicator') ?? '_replicator';
  const state: ServerState = {
    // Writes into `_replicator` are checked (403 for an invalid replication) and get their `owner`.
    engine: guardReplicatorDb(engine, replicatorDb),
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY,
    adminParty: options.admin === undefined,
    admin:
      options.admin === undefined
        ? undefined
        : { name: options.admin.name, hash: await hashPassword(options.admin.password, iterations) },
    secret: options.secret ?? randomBytes(32).toString('hex'),
    iterations,
    usersDbSecurityEditable: options.usersDbSecurityEditable === true,
    log,
    credentials: new Map(),
    security: new Map(),
    cors: options.cors,
    lockout: new Lockout(),
    feeds: new Set(),
    startTime: String(Date.now() * 1000),
    serverHeader: `CouchDB/${(await engine.info()).version} (Settee/${SERVER_VERSION})`,
    replication: new ReplicationScheduler(engine, replicatorDb, log),
  };
  await ensureSystemDbs(engine);
  state.replication.start();

  const http = createHttpServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    void handle(state, req, res);
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const { port } = http.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    engine,
    close() {
      closed ??= (async () => {
        for (const end of [...state.feeds]) end();
        await state.replication.close();
        const stopped = new Promise<void>((resolve) => http.close(() => resolve()));
        http.closeAllConnections();
        await stopped;
        if (owned) await engine.close();
      })();
      return closed;
    },
  };
}

/** Methods a POST may stand in for with `X-HTTP-Method-Override`, as chttpd allows. */
const OVERRIDES: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'TRACE', 'CONNECT', 'COPY']);

/** The request's method: a POST's `X-HTTP-Method-Override` for clients that cannot send others; else its own. */
function effectiveMethod(req: IncomingMessage): string {
  const method = req.method ?? 'GET';
  const override = req.headers['x-http-method-override'];
  if (method !== 'POST' || typeof override !== 'string' || !OVERRIDES.has(override)) return method;
  // The connection still carries a POST, whose answer has a body: CouchDB's mochiweb sends it for a HEAD override
  // too, so such a request is answered as a GET (a HEAD answer would announce bytes it never sends).
  return override === 'HEAD' ? 'GET' : override;
}

/** One request: authenticate, route, and turn a failure into CouchDB's error answer. */
async function handle(state: ServerState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  // CouchDB tags every answer with a request id, the client's own when it sent one (chttpd).
  const requestId = req.headers['x-couch-request-id'];
  const given = typeof requestId === 'string' && /^[\x21-\x7e]{1,64}$/.test(requestId) ? requestId : undefined;
  res.setHeader('X-Couch-Request-ID', given ?? randomBytes(5).toString('hex'));
  res.setHeader('Server', state.serverHeader);
  // Raised by readBody for requests with a body.
  res.setHeader('X-CouchDB-Body-Time', '0');
  if (applyCors(state.cors, req, res)) return;
  const { segments, rawQuery } = splitUrl(req.url ?? '/');
  const ctx: RequestContext = {
    req,
    res,
    method: effectiveMethod(req),
    segments,
    rawQuery,
    user: { name: null, roles: [] },
    state,
    engine: state.engine,
    setCookie: undefined,
  };
  trackRequest(ctx);
  try {
    const { user, method } = await authenticate(req, state);
    ctx.user = user;
    await route(ctx, method);
  } catch (error) {
    sendError(ctx, error);
    // An unread body would otherwise hold the connection.
    if (!req.complete) req.resume();
  }
}
