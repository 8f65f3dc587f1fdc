import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Settee, type ServerAdapter } from '@settee/core';
import { createEngine } from '@settee/engine';
import { createServer, type SetteeServer } from '@settee/server';
import { build, createServer as createViteServer, preview, type InlineConfig, type ProxyOptions } from 'vite';
import { Playlist } from '../src/playlist.js';

/** The example's folder (where vite.config.ts and index.html are). */
export const EXAMPLE_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The database the page reads, and the playlists it starts with. */
export const DATABASE = 'playlists';
const SEED: ReadonlyArray<{ _id: string; name: string; songs: Playlist['songs'] }> = [
  { _id: 'road-trip', name: 'Road trip', songs: [{ title: 'Holocene', artist: 'Bon Iver' }] },
  { _id: 'rainy-day', name: 'Rainy day', songs: [] },
];

/** Options of {@link startPlaylists}. */
export interface StartOptions {
  /** `dev` (Vite's dev server, live reload) or `preview` (a production build, served as is). Default `dev`. */
  readonly mode?: 'dev' | 'preview';
  /** Where the production build goes in `preview` mode (default `dist` in the example). */
  readonly outDir?: string;
  /** In `preview` mode, serve the build already in `outDir` instead of building first. */
  readonly prebuilt?: boolean;
  /** The engine the settee-server serves (default: a fresh memory engine). */
  readonly engine?: ServerAdapter;
  /** Port of the page (default 0: a free one). */
  readonly port?: number;
}

/** A running example: the page's URL, the settee-server behind it, and how to stop both. */
export interface RunningPlaylists {
  readonly url: string;
  readonly server: SetteeServer;
  close(): Promise<void>;
}

/**
 * Starts a settee-server (admin with a random password, on 127.0.0.1), seeds the playlists, and serves the page
 * with Vite. The page calls the database at its own origin under `/couch/`, which Vite forwards to the server with
 * the admin's `Authorization` header: the password stays in this process, and the server needs no CORS.
 */
export async function startPlaylists(options: StartOptions = {}): Promise<RunningPlaylists> {
  const admin = { name: 'admin', password: randomBytes(18).toString('base64url') };
  const engine = options.engine ?? createEngine({ storage: 'memory' });
  const server = await createServer({ engine, port: 0, host: '127.0.0.1', admin });
  try {
    await seed(engine);
    const config: InlineConfig = {
      configFile: `${EXAMPLE_ROOT}/vite.config.ts`,
      logLevel: 'warn',
      server: { host: '127.0.0.1', port: options.port ?? 0, strictPort: true, proxy: couchProxy(server.url, admin) },
      preview: { host: '127.0.0.1', port: options.port ?? 0, strictPort: true, proxy: couchProxy(server.url, admin) },
      build: options.outDir === undefined ? {} : { outDir: options.outDir, emptyOutDir: true },
    };
    const page = options.mode === 'preview' ? await startPreview(config, options.prebuilt ?? false) : await startDev(config);
    return {
      url: page.url,
      server,
      async close() {
        await page.close();
        await server.close();
        await engine.close();
      },
    };
  } catch (error) {
    await server.close();
    throw error;
  }
}

/** `/couch/...` on the page's origin to the settee-server, authenticated as the admin. */
function couchProxy(target: string, admin: { name: string; password: string }): Record<string, ProxyOptions> {
  const authorization = `Basic ${Buffer.from(`${admin.name}:${admin.password}`).toString('base64')}`;
  return {
    '/couch': { target, rewrite: (path) => path.replace(/^\/couch/, '') || '/', headers: { authorization } },
  };
}

async function seed(engine: ServerAdapter): Promise<void> {
  // Left open on purpose: closing a Settee closes its adapter, and the server goes on serving this engine.
  const settee = await Settee.open(engine, DATABASE);
  const playlists = settee.repository(Playlist);
  for (const playlist of SEED) if ((await playlists.maybe(playlist._id)) === undefined) await playlists.create(playlist);
}

interface Page {
  readonly url: string;
  close(): Promise<void>;
}

async function startDev(config: InlineConfig): Promise<Page> {
  const vite = await createViteServer(config);
  await vite.listen();
  const url = vite.resolvedUrls?.local[0];
  if (url === undefined) throw new Error('Vite did not report the URL it listens on');
  return { url, close: () => vite.close() };
}

async function startPreview(config: InlineConfig, prebuilt: boolean): Promise<Page> {
  if (!prebuilt) await build(config);
  const vite = await preview(config);
  const url = vite.resolvedUrls?.local[0];
  if (url === undefined) throw new Error('Vite did not report the URL it listens on');
  return { url, close: () => vite.close() };
}
