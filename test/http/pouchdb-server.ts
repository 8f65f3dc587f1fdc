import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** A running pouchdb-server and how to stop it. */
export interface RunningServer {
  readonly url: string;
  stop(): Promise<void>;
}

const BIN = resolve(import.meta.dirname, '../../node_modules/.bin/pouchdb-server');

/** A port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitUntilUp(url: string, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`pouchdb-server exited with ${child.exitCode}:\n${output()}`);
    try {
      const answer = await fetch(url);
      if (answer.ok) {
        await answer.arrayBuffer();
        return;
      }
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`pouchdb-server did not answer at ${url} within ${timeoutMs} ms:\n${output()}`);
}

/**
 * Starts pouchdb-server on 127.0.0.1 with in-memory databases, in a temp directory (it writes config.json and
 * log.txt into its working directory), and waits until it answers.
 */
export async function startPouchDbServer(): Promise<RunningServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'settee-pouchdb-server-'));
  const child = spawn(BIN, ['--in-memory', '--host', '127.0.0.1', '--port', String(port), '--no-stdout-logs', '--no-color'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-20000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.once('exit', (code, signal) => {
    if (!stopping) console.error(`pouchdb-server exited unexpectedly (${code ?? signal}):\n${output}`);
  });
  let stopping = false;
  const url = `http://127.0.0.1:${port}/`;
  const stop = async (): Promise<void> => {
    stopping = true;
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilUp(url, child, () => output, 20_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}
