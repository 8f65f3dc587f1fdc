// `npm start` in this folder: a settee-server with seeded playlists, and the page on Vite's dev server.
import { startPlaylists } from './start-playlists.js';

const mode = process.argv.includes('--preview') ? 'preview' : 'dev';
const running = await startPlaylists({ mode, port: Number(process.env['PORT'] ?? 5173) });
console.log(`Playlists: ${running.url} (settee-server at ${running.server.url}). Open it in two tabs; Ctrl-C stops.`);
const stop = (): void => {
  void running.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
