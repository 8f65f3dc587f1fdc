import { resolve } from 'node:path';
import type { ServerAdapter } from '@settee/core';
import { createEngine } from '@settee/engine';
import { createHttpAdapter } from '@settee/http';
import { replicateBackup } from './backup-replica.js';
import { runPlaylistBackup } from './playlist-backup.js';

// npm sets INIT_CWD to where `npm run example` was typed, so the data lands in ./data of the repository.
const dataDir = resolve(process.env.INIT_CWD ?? process.cwd(), 'data');
// Where the replica goes: a CouchDB server given as argument or SETTEE_BACKUP_URL, else a second engine database.
const backupUrl = process.argv[2] ?? process.env['SETTEE_BACKUP_URL'];
const engine = createEngine({ storage: 'sqlite', dir: dataDir });
const backup: ServerAdapter = backupUrl ? createHttpAdapter({ url: backupUrl }) : engine;
try {
  console.log(`Settee playlist backup on the bundled engine (SQLite files in ${dataDir})`);
  await runPlaylistBackup(engine, (line) => console.log(`  ${line}`));
  await replicateBackup(engine, backup, (line) => console.log(`  ${line}`));
} finally {
  if (backup !== engine) await backup.close();
  await engine.close();
}
