import {
  BadRequestError,
  NotFoundError,
  type CreateDbOptions,
  PreconditionFailedError,
  type BulkDocsOptions,
  type DatabaseAdapter,
  type ServerAdapter,
  type UserContext,
} from '@settee/core';
import { createHttpAdapter, type HttpAdapterOptions } from '@settee/http';
import { createAdminOnlyDb } from '../auth/security.js';
import { engineDbName } from '../server-state.js';

/** One side of a server-side replication, opened: the database, how to create it, and how to show it. */
export interface ResolvedEndpoint {
  readonly db: DatabaseAdapter;
  /** CouchDB's credential-free form of the endpoint (`http://host/db/`, or a local name). */
  readonly display: string;
  /** `create_target`: creates the database unless it exists (with `create_target_params`). */
  create(options?: CreateDbOptions): Promise<void>;
  /** Releases the connection pool of a remote endpoint. */
  close(): Promise<void>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Runs `create`; a database that exists already (412 `file_exists`) is fine. */
async function ignoreExisting(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (error) {
    if (!(error instanceof PreconditionFailedError)) throw error;
  }
}

/** A database of this server, named as clients name it (`_users`, `_replicator` map to their engine names). */
function localEndpoint(engine: ServerAdapter, name: string): ResolvedEndpoint {
  const engineName = engineDbName(name);
  if (engineName === undefined || name === '') throw new NotFoundError(`could not open ${name}`, { error: 'db_not_found' });
  return {
    db: writingAsServerAdmin(engine.db(engineName)),
    display: name,
    async create(options) {
      // A database the replicator creates is admin-only like one created with PUT (CouchDB 3's default).
      await ignoreExisting(() => createAdminOnlyDb(engine, engineName, options));
    },
    close: async () => {},
  };
}

const SERVER_ADMIN: UserContext = { name: null, roles: ['_admin'] };

/**
 * A local endpoint's database whose replicated writes run `validate_doc_update` as a server admin: only server admins
 * start jobs on local names (see the scheduler), and CouchDB's replicator writes with its job owner's roles. Without
 * this the engine would judge them as an anonymous user, and `_users`' own `_design/_auth` would refuse user documents.
 */
function writingAsServerAdmin(db: DatabaseAdapter): DatabaseAdapter {
  const bulkDocs: DatabaseAdapter['bulkDocs'] = (docs, options?: BulkDocsOptions) => db.bulkDocs(docs, { userCtx: SERVER_ADMIN, ...options });
  return new Proxy(db, {
    get(target, property) {
      if (property === 'bulkDocs') return bulkDocs;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Headers of a `{url, headers}` endpoint, as strings. */
function headersOf(value: unknown): Record<string, string> | undefined {
  if (!isRecord(value)) return undefined;
  const out: Record<string, string> = {};
  for (const [name, header] of Object.entries(value)) if (typeof header === 'string') out[name] = header;
  return out;
}

/** `{auth: {basic: {username, password}}}`, CouchDB 3's way to keep credentials out of the URL. */
function basicAuthOf(value: unknown): { username: string; password: string } | undefined {
  if (!isRecord(value) || !isRecord(value['basic'])) return undefined;
  const { username, password } = value['basic'];
  return typeof username === 'string' && typeof password === 'string' ? { username, password } : undefined;
}

/** A database reached over HTTP: `http(s)://[user:pass@]host[:port][/prefix]/db`. */
function remoteEndpoint(raw: string, headers: Record<string, string> | undefined, basic: { username: string; password: string } | undefined): ResolvedEndpoint {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new BadRequestError('Invalid replication endpoint URL');
  }
  const segments = url.pathname.split('/').filter((segment) => segment !== '');
  const last = segments.pop();
  if (last === undefined) throw new BadRequestError('The replication endpoint URL names no database');
  const credentials =
    basic ?? (url.username === '' ? undefined : { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) });
  const base = `${url.protocol}//${url.host}/${segments.map((s) => `${s}/`).join('')}`;
  const options: HttpAdapterOptions = {
    url: base,
    ...(credentials === undefined ? {} : { auth: { type: 'basic' as const, ...credentials } }),
    ...(headers === undefined ? {} : { headers }),
  };
  const server = createHttpAdapter(options);
  const name = decodeURIComponent(last);
  return {
    db: server.db(name),
    display: `${base}${last}/`,
    async create(options) {
      await ignoreExisting(() => server.createDb(name, options));
    },
    close: () => server.close(),
  };
}

/**
 * Opens a `source` or `target` of a replication request: a local database name, a URL (credentials in its user
 * info), or `{url, headers, auth}`. Throws CouchDB's 400 for anything else.
 */
export function resolveEndpoint(engine: ServerAdapter, value: unknown): ResolvedEndpoint {
  if (typeof value === 'string') {
    return /^https?:\/\//i.test(value) ? remoteEndpoint(value, undefined, undefined) : localEndpoint(engine, value);
  }
  if (isRecord(value) && typeof value['url'] === 'string') {
    const url = value['url'];
    if (!/^https?:\/\//i.test(url)) return localEndpoint(engine, url);
    return remoteEndpoint(url, headersOf(value['headers']), basicAuthOf(value['auth']));
  }
  throw new BadRequestError('Invalid replication endpoint: give a database name, a URL or {"url": ...}');
}
