import { isIP } from 'node:net';
import { BadRequestError, PreconditionFailedError } from '@settee/core';
import { verifyPassword } from '../auth/pbkdf2.js';
import { createAdminOnlyDb, requireServerAdmin } from '../auth/security.js';
import { isObject, readBody, requireJsonType } from '../http/body.js';
import type { RequestContext } from '../http/context.js';
import { queryParams } from '../http/query.js';
import { sendJson } from '../http/respond.js';
import { engineDbName } from '../server-state.js';
import { methodNotAllowed } from '../http/method.js';

/** `setup:cluster_system_dbs()` of CouchDB 3.x (`_global_changes` left the list when it became optional in 3.0). */
export const CLUSTER_SYSTEM_DBS: readonly string[] = ['_users', '_replicator'];

const SINGLE_NODE = 'settee-server is a single node: it cannot join or form a cluster.';
const FIXED_ADMIN = "settee-server's admin is set when it starts; _cluster_setup can only name that admin.";

/**
 * Where CouchDB's setup code crashes on a value of the wrong type (a 500 `function_clause` or `badarg`), the server
 * answers 400 with what was wrong, as it does for CouchDB's other crashes.
 */
function crash(reason: string): BadRequestError {
  return new BadRequestError(reason);
}

/** True when the database exists (CouchDB's `fabric:get_db_info` inside `catch`: every failure counts as missing). */
async function dbExists(ctx: RequestContext, name: unknown): Promise<boolean> {
  if (typeof name !== 'string') return false;
  const engineName = engineDbName(name);
  if (engineName === undefined) return false;
  try {
    await ctx.engine.db(engineName).info();
    return true;
  } catch {
    return false;
  }
}

/** `setup:has_cluster_system_dbs/1`: every listed database exists (a non-list is refused). */
async function hasDbs(ctx: RequestContext, dbs: unknown): Promise<boolean> {
  for (const db of dbList(dbs)) if (!(await dbExists(ctx, db))) return false;
  return true;
}

/** The list of database names; anything else crashes `has_cluster_system_dbs/1` in CouchDB. */
function dbList(dbs: unknown): readonly unknown[] {
  if (!Array.isArray(dbs)) throw crash('ensure_dbs_exist must be a JSON array of database names.');
  return dbs;
}

/** Creates one database as `PUT /{db}` would; failures are ignored, as `fabric:create_db` results are in setup. */
async function createDb(ctx: RequestContext, name: unknown): Promise<void> {
  if (typeof name !== 'string') {
    throw new BadRequestError(`Name: '${JSON.stringify(name)}'. Only lowercase characters (a-z), digits (0-9), and any of the characters _, $, (, ), +, -, and / are allowed. Must begin with a letter.`, { error: 'illegal_database_name' });
  }
  const engineName = engineDbName(name);
  if (engineName === undefined) return;
  try {
    await createAdminOnlyDb(ctx.engine, engineName);
  } catch (error) {
    if (error instanceof PreconditionFailedError || error instanceof BadRequestError) return;
    throw error;
  }
}

/** `setup:finish_cluster_int/2`: creates the databases unless all exist already (then reports it finished). */
async function ensureDbs(ctx: RequestContext, dbs: unknown): Promise<'created' | 'finished'> {
  if (await hasDbs(ctx, dbs)) return 'finished';
  for (const db of dbList(dbs)) await createDb(ctx, db);
  return 'created';
}

/** `?ensure_dbs_exist=[...]` (JSON, first occurrence wins), else CouchDB's default list. */
function ensureDbsQuery(rawQuery: string): unknown {
  const raw = queryParams(rawQuery).get('ensure_dbs_exist');
  if (raw === null) return CLUSTER_SYSTEM_DBS;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new BadRequestError('invalid UTF-8 JSON');
  }
}

/**
 * `GET /_cluster_setup`: a settee-server is one node with `[cluster] n = 1`, so the answer is CouchDB's single-node
 * branch: `single_node_enabled` when an admin is configured and every `ensure_dbs_exist` database exists.
 */
async function setupState(ctx: RequestContext): Promise<void> {
  const dbs = ensureDbsQuery(ctx.rawQuery);
  // CouchDB evaluates the databases before looking at the admins, so a malformed list fails even without admins.
  const haveDbs = await hasDbs(ctx, dbs);
  const enabled = ctx.state.admin !== undefined && haveDbs;
  sendJson(ctx, 200, { state: enabled ? 'single_node_enabled' : 'single_node_disabled' });
}

/** The request body: CouchDB answers any unreadable or non-object body with this 400 (quote included). */
async function setupBody(ctx: RequestContext): Promise<Record<string, unknown>> {
  const text = (await readBody(ctx)).toString('utf8');
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    body = undefined;
  }
  if (!isObject(body)) throw new BadRequestError("Missing JSON body'");
  return body;
}

/**
 * `enable_single_node`'s credentials. CouchDB would store them as the admin; here the admin is fixed when the server
 * starts, so they are accepted only when they name that admin (with its password), and refused with a 400 otherwise.
 * Giving only one of them crashes CouchDB (`badarg`): a 400 here.
 */
async function checkCredentials(ctx: RequestContext, body: Record<string, unknown>): Promise<void> {
  const username = body['username'];
  const password = body['password_hash'] ?? body['password'];
  if (username === undefined && password === undefined) return;
  if (typeof username !== 'string' || typeof password !== 'string') throw crash('Setup needs both username and password, as strings.');
  const admin = ctx.state.admin;
  if (admin === undefined || username !== admin.name || body['password_hash'] !== undefined) {
    throw new BadRequestError(FIXED_ADMIN);
  }
  if (!(await verifyPassword(password, { ...admin.hash }))) throw new BadRequestError(FIXED_ADMIN);
}

/**
 * `bind_address` and `port` of `enable_single_node`. CouchDB requires a bind address (a missing one crashes its
 * `setup_node` with `badarg`; a 400 here) that parses as an IP address; it then rebinds. The server cannot rebind while it runs:
 * the values are checked and not applied (the host and port are options of `createServer`).
 */
function checkAddress(body: Record<string, unknown>): void {
  const bindAddress = body['bind_address'];
  if (typeof bindAddress !== 'string') throw crash('Setup requires a valid IP bind_address.');
  if (isIP(bindAddress) === 0) {
    // CouchDB means to say this, but its formatting call returns `ok`, so it answers 500 `{"error":"error","reason":"ok"}`.
    throw new BadRequestError(`Setup requires a valid IP bind_address. ${JSON.stringify(bindAddress)} is invalid.`);
  }
  const port = body['port'];
  if (port !== undefined && typeof port !== 'string' && !Number.isInteger(port)) {
    throw new BadRequestError('port must be an integer or a string.');
  }
}

async function enableSingleNode(ctx: RequestContext, body: Record<string, unknown>): Promise<void> {
  await checkCredentials(ctx, body);
  checkAddress(body);
  // CouchDB ignores `cluster_finished` here: enabling a single node twice answers 201 again.
  await ensureDbs(ctx, body['ensure_dbs_exist'] ?? CLUSTER_SYSTEM_DBS);
}

async function finishCluster(ctx: RequestContext, body: Record<string, unknown>): Promise<void> {
  const outcome = await ensureDbs(ctx, body['ensure_dbs_exist'] ?? CLUSTER_SYSTEM_DBS);
  if (outcome === 'finished') throw new BadRequestError('Cluster is already finished');
}

/** CouchDB's `is_cluster_enabled()`: an admin exists and the server listens beyond 127.0.0.1. */
function clusterEnabled(ctx: RequestContext): boolean {
  const host = ctx.req.socket.localAddress ?? '127.0.0.1';
  return ctx.state.admin !== undefined && host !== '127.0.0.1' && host !== '::ffff:127.0.0.1';
}

/** Runs one action; resolves when CouchDB would answer 201 `{"ok": true}`. */
async function runAction(ctx: RequestContext, action: string, body: Record<string, unknown>): Promise<void> {
  switch (action) {
    case 'enable_single_node':
      return enableSingleNode(ctx, body);
    case 'finish_cluster':
      return finishCluster(ctx, body);
    case 'enable_cluster':
      if (clusterEnabled(ctx) && body['remote_node'] === undefined) throw new BadRequestError('Cluster is already enabled');
      throw new BadRequestError(SINGLE_NODE);
    case 'add_node':
      // CouchDB's answer on a node that was never enabled for clustering.
      if (!clusterEnabled(ctx)) throw new BadRequestError('Cluster is not enabled.');
      throw new BadRequestError(SINGLE_NODE);
    case 'receive_cookie':
      throw new BadRequestError(SINGLE_NODE);
    case 'remove_node':
      // CouchDB only logs this action and answers 201: there is nothing to remove on one node either.
      return;
    default:
      throw new BadRequestError("Invalid Action'");
  }
}

/** `GET|POST /_cluster_setup`: server admins only. */
export async function clusterSetup(ctx: RequestContext): Promise<void> {
  requireServerAdmin(ctx.user);
  // CouchDB answers HEAD like GET.
  if (ctx.method === 'GET' || ctx.method === 'HEAD') return setupState(ctx);
  if (ctx.method !== 'POST') throw methodNotAllowed('GET,POST');
  requireJsonType(ctx);
  const body = await setupBody(ctx);
  const action = body['action'] ?? 'missing';
  if (typeof action !== 'string') throw crash("Invalid Action'");
  await runAction(ctx, action, body);
  sendJson(ctx, 201, { ok: true });
}
