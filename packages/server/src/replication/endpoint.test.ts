import { createEngine } from '@settee/engine';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveEndpoint } from './endpoint.js';

describe('resolveEndpoint', () => {
  const engine = createEngine({ storage: 'memory' });
  afterAll(() => engine.close());

  it('shows URLs without their credentials, with CouchDB\'s trailing slash', async () => {
    const endpoint = resolveEndpoint(engine, 'http://admin:s3cret@127.0.0.1:9/prefix/my%2Fdb');
    try {
      expect(endpoint.display).toBe('http://127.0.0.1:9/prefix/my%2Fdb/');
      expect(endpoint.db.name).toBe('my/db');
      expect(endpoint.db.location).not.toContain('s3cret');
    } finally {
      await endpoint.close();
    }
  });

  it('maps local names to the engine (system databases included) and refuses other shapes', async () => {
    expect(resolveEndpoint(engine, 'music').display).toBe('music');
    expect(resolveEndpoint(engine, { url: '_users' }).db.name).toBe('settee$users');
    expect(() => resolveEndpoint(engine, 42)).toThrow(expect.objectContaining({ status: 400 }));
    const local = resolveEndpoint(engine, 'made');
    await local.create();
    await local.create();
    expect(await engine.db('made').getSecurity()).toEqual({ members: { roles: ['_admin'] }, admins: { roles: ['_admin'] } });
  });
});
