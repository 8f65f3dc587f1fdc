import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** A server process the bench drives, with its pid so that its CPU time can be read. */
export interface ServerProcess {
  readonly url: string;
  readonly label: string;
  readonly pid: number;
  stop(): Promise<void>;
}

const ROOT = resolve(import.meta.dirname, '../../..');
const SETTEE_BIN = join(ROOT, 'packages/server/src/bin.ts');
const POUCHDB_BIN = join(ROOT, 'node_modules/.bin/pouchdb-server');

/** The benchmark's admin on a loopback server that lives for one run (not a secret). */
const ADMIN = { name: 'admin', password: 'bench-only' };

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

/** CPU time (user + system, ms) a process has used so far; NaN where /proc is not available. */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

async function waitUp(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const answer = await fetch(url);
      await answer.arrayBuffer();
      if (answer.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`server at ${url} did not start`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function stopper(child: ChildProcess, cleanup = (): void => {}): () => Promise<void> {
  return async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
    }
    cleanup();
  };
}

/**
 * settee-server from the package's sources in its own node process (tsx as a loader, so the pid is the server's),
 * in memory, with an admin: its URL carries the credentials and the clients send Basic auth on every request.
 */
export async function startSetteeServer(): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--conditions=settee-source', '--import', 'tsx', SETTEE_BIN, '--in-memory', '--port', String(port), '--admin', `${ADMIN.name}:${ADMIN.password}`],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const url = `http://${ADMIN.name}:${ADMIN.password}@127.0.0.1:${port}/`;
  await waitUp(`http://127.0.0.1:${port}/`, child);
  return { url, label: 'settee-server (in memory, Basic auth)', pid: child.pid ?? -1, stop: stopper(child) };
}

/** pouchdb-server 4.2 in its own process, in memory, admin party (its default). */
export async function startPouchDbServer(): Promise<ServerProcess> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'settee-bench-server-pouchdb-'));
  const child = spawn(POUCHDB_BIN, ['--in-memory', '--host', '127.0.0.1', '--port', String(port), '--no-stdout-logs', '--no-color'], {
    cwd: dir,
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}/`;
  await waitUp(url, child);
  return {
    url,
    label: 'pouchdb-server 4.2 (in memory)',
    pid: child.pid ?? -1,
    stop: stopper(child, () => rmSync(dir, { recursive: true, force: true })),
  };
}
