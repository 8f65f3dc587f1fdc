import { resolve } from 'node:path';
import { createEngine } from '@settee/engine';
import { runPlaylistBackup } from './playlist-backup.js';

// npm sets INIT_CWD to where `npm run example` was typed, so the data lands in ./data of the repository.
const dataDir = resolve(process.env.INIT_CWD ?? process.cwd(), 'data');
const engine = createEngine({ storage: 'sqlite', dir: dataDir });
try {
  console.log(`Settee playlist backup on the bundled engine (SQLite files in ${dataDir})`);
  await runPlaylistBackup(engine, (line) => console.log(`  ${line}`));
} finally {
  await engine.close();
}
