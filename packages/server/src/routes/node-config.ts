import { BadRequestError, NotFoundError } from '@settee/core';
import { SESSION_TIMEOUT } from '../auth/session-cookie.js';
import type { RequestContext } from '../http/context.js';
import { isRead, methodNotAllowed } from '../http/method.js';
import { sendJson } from '../http/respond.js';

type Sections = Record<string, Record<string, string>>;

/**
 * This server's settings under CouchDB's configuration names (`[section] key = value`, every value a string), so
 * that tools reading `/_node/{node}/_config` learn what really holds here. Only settings the server actually has are
 * listed; they come from its start options, which is why the configuration is read-only.
 */
async function sections(ctx: RequestContext): Promise<Sections> {
  const { state } = ctx;
  const info = await ctx.engine.info();
  const couchdb: Record<string, string> = {
    single_node: 'true',
    default_security: 'admin_only',
    users_db_security_editable: String(state.usersDbSecurityEditable),
  };
  if (info.uuid !== undefined) couchdb['uuid'] = info.uuid;
  const socket = ctx.req.socket;
  const config: Sections = {
    couchdb,
    chttpd: {
      bind_address: socket.localAddress ?? '127.0.0.1',
      port: String(socket.localPort ?? ''),
      max_http_request_size: String(state.maxBodyBytes),
    },
    chttpd_auth: { iterations: String(state.iterations), pbkdf2_prf: 'sha256', timeout: String(SESSION_TIMEOUT) },
    httpd: { enable_cors: String(state.cors !== undefined) },
    // CouchDB lists each admin with its password hash in this form (couch_passwords); never the password.
    admins:
      state.admin === undefined
        ? {}
        : { [state.admin.name]: `-pbkdf2:sha256-${state.admin.hash.derived_key},${state.admin.hash.salt},${state.admin.hash.iterations}` },
  };
  if (state.cors !== undefined) {
    const { origins, credentials } = state.cors;
    config['cors'] = { origins: origins === '*' ? '*' : origins.join(','), credentials: String(origins !== '*' && credentials !== false) };
  }
  return config;
}

/** CouchDB's answer to a write of a key that `[httpd] config_whitelist` leaves out. */
function readOnly(): BadRequestError {
  return new BadRequestError('This config variable is read-only', { error: 'modification_not_allowed' });
}

/**
 * `/_node/{node}/_config[/{section}[/{key}]]` (chttpd_node), for server admins: the whole configuration, a section
 * (`{}` when unknown) or one value (404 `unknown_config_value`). Writes answer as CouchDB does for variables outside
 * its `config_whitelist`: settee-server takes its settings when it starts. `POST .../_config/_reload` answers ok
 * (there is no file to read again). `path` are the segments after `_config`.
 */
export async function nodeConfig(ctx: RequestContext, path: readonly string[]): Promise<void> {
  const [section, key, ...rest] = path;
  if (section === '_reload' && key === undefined) {
    if (ctx.method !== 'POST') throw methodNotAllowed('POST');
    sendJson(ctx, 200, { ok: true });
    return;
  }
  if (rest.length > 0) throw new NotFoundError('missing');
  if (key !== undefined) {
    if (ctx.method === 'PUT' || ctx.method === 'DELETE') throw readOnly();
    if (!isRead(ctx)) throw methodNotAllowed('GET,PUT,DELETE');
    const value = (await sections(ctx))[section!]?.[key];
    if (value === undefined) throw new NotFoundError('unknown_config_value');
    sendJson(ctx, 200, value);
    return;
  }
  if (!isRead(ctx)) throw methodNotAllowed('GET');
  const config = await sections(ctx);
  sendJson(ctx, 200, section === undefined ? config : (config[section] ?? {}));
}
