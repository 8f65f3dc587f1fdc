// `/_node/{node}/_config` on settee-server: its real settings under CouchDB's configuration names, read-only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, basic, createUser, request, startServer } from './start.js';

let server: Awaited<ReturnType<typeof startServer>>;

beforeAll(async () => {
  server = await startServer({ usersDbSecurityEditable: true });
  await createUser(server, 'bob', 'bob-pw');
});

afterAll(async () => {
  await server.closeAll();
});

async function answer(path: string, init: Parameters<typeof request>[2] = {}): Promise<[number, unknown, string | null]> {
  const res = await request(server, path, init);
  return [res.status, JSON.parse(await res.text()) as unknown, res.headers.get('allow')];
}

describe('/_node/{node}/_config', () => {
  it('is for server admins only', async () => {
    const refused = { error: 'unauthorized', reason: 'You are not a server admin.' };
    expect((await answer('/_node/_local/_config', { auth: null })).slice(0, 2)).toStrictEqual([401, refused]);
    expect((await answer('/_node/_local/_config/couchdb/single_node', { auth: basic('bob', 'bob-pw') })).slice(0, 2)).toStrictEqual([401, refused]);
    // The node itself too, like every `_` path but a few public ones.
    expect((await answer('/_node/_local', { auth: null })).slice(0, 2)).toStrictEqual([401, refused]);
    expect((await answer('/_node/_local')).slice(0, 2)).toStrictEqual([200, { name: 'settee@localhost' }]);
  });

  it('reads the server\'s settings as strings: all, a section, one value, by _local or by the node name', async () => {
    const [status, all] = await answer('/_node/_local/_config');
    expect(status).toBe(200);
    const config = all as Record<string, Record<string, unknown>>;
    for (const section of Object.values(config)) for (const value of Object.values(section)) expect(typeof value).toBe('string');
    expect(config['couchdb']).toMatchObject({ single_node: 'true', default_security: 'admin_only', users_db_security_editable: 'true' });
    expect(config['chttpd']).toMatchObject({ bind_address: '127.0.0.1', port: String(server.port) });
    expect(config['chttpd_auth']).toMatchObject({ iterations: '1000', pbkdf2_prf: 'sha256', timeout: '600' });
    // The admin with its hash in CouchDB's form; never the password.
    expect(config['admins']?.[ADMIN.name]).toMatch(/^-pbkdf2:sha256-[0-9a-f]+,[0-9a-f]+,\d+$/);
    expect(JSON.stringify(all)).not.toContain(ADMIN.password);
    expect(await answer('/_node/settee@localhost/_config/couchdb')).toStrictEqual([200, config['couchdb'], null]);
    expect(await answer('/_node/_local/_config/couchdb/single_node')).toStrictEqual([200, 'true', null]);
    expect(await answer('/_node/_local/_config/no_such_section')).toStrictEqual([200, {}, null]);
  });

  it('answers 404 unknown_config_value for a missing key and for an unknown node 404', async () => {
    expect(await answer('/_node/_local/_config/couchdb/nope')).toStrictEqual([404, { error: 'not_found', reason: 'unknown_config_value' }, null]);
    expect((await answer('/_node/other@host/_config'))[0]).toBe(404);
  });

  it('refuses writes as CouchDB does outside its config_whitelist, and changes nothing', async () => {
    const readOnly = { error: 'modification_not_allowed', reason: 'This config variable is read-only' };
    expect((await answer('/_node/_local/_config/chttpd/port', { method: 'PUT', json: '1234' })).slice(0, 2)).toStrictEqual([400, readOnly]);
    expect((await answer('/_node/_local/_config/couchdb/single_node', { method: 'DELETE' })).slice(0, 2)).toStrictEqual([400, readOnly]);
    expect((await answer('/_node/_local/_config/chttpd/port'))[1]).toBe(String(server.port));
    expect(await answer('/_node/_local/_config', { method: 'POST', json: {} })).toStrictEqual([
      405,
      { error: 'method_not_allowed', reason: 'Only GET allowed' },
      'GET',
    ]);
  });

  it('answers POST _reload (there is no file to read again) and 405 to other methods there', async () => {
    expect(await answer('/_node/_local/_config/_reload', { method: 'POST' })).toStrictEqual([200, { ok: true }, null]);
    expect((await answer('/_node/_local/_config/_reload'))[2]).toBe('POST');
  });
});
