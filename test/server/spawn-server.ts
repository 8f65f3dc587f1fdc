import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

/** A settee-server running in a child process. */
export interface SpawnedServer {
  /** Its URL, without credentials. */
  readonly url: string;
  stop(): Promise<void>;
}

const TSX = resolve(import.meta.dirname, '../../node_modules/.bin/tsx');
const SCRIPT = resolve(import.meta.dirname, 'serve-for-tests.ts');

/**
 * Starts `serve-for-tests.ts` under tsx with the `settee-source` condition (vitest's global setup cannot resolve
 * the workspace packages' sources itself) and waits for the URL it prints.
 */
export function spawnServer(admin: { name: string; password: string }): Promise<SpawnedServer> {
  const child = spawn(TSX, ['--conditions=settee-source', SCRIPT], {
    // stdin stays open as a lifeline: the child exits when this process goes away.
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, SETTEE_TEST_ADMIN_NAME: admin.name, SETTEE_TEST_ADMIN_PASSWORD: admin.password },
  });
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => {
    errors = (errors + chunk.toString()).slice(-20_000);
    process.stderr.write(chunk);
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  return new Promise<SpawnedServer>((resolveServer, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const newline = out.indexOf('\n');
      if (newline < 0) return;
      try {
        const { url } = JSON.parse(out.slice(0, newline)) as { url: string };
        resolveServer({ url, stop });
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    child.once('exit', (code) => reject(new Error(`settee-server exited with ${code}:\n${errors}`)));
  });
}
