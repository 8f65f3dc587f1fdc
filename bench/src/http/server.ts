import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** A server to measure against and how to stop it. */
export interface BenchServer {
  readonly url: string;
  readonly label: string;
  stop(): Promise<void>;
}

const BIN = resolve(import.meta.dirname, '../../../node_modules/.bin/pouchdb-server');

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
    });
  });
}

/** COUCHDB_URL when set; otherwise a pouchdb-server (in memory, 127.0.0.1) started for the run. */
export async function benchServer(): Promise<BenchServer> {
  const given = process.env['COUCHDB_URL'];
  if (given) return { url: given, label: 'COUCHDB_URL', stop: async () => {} };
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'settee-bench-pouchdb-server-'));
  const child = spawn(BIN, ['--in-memory', '--host', '127.0.0.1', '--port', String(port), '--no-stdout-logs', '--no-color'], {
    cwd: dir,
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const answer = await fetch(url);
      await answer.arrayBuffer();
      if (answer.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('pouchdb-server did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    label: 'pouchdb-server 4.2 (in memory)',
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 100));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
