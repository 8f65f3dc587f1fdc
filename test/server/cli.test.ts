// The settee-server CLI (run from source with tsx as a loader): help, refusing an open server, starting with the
// admin from SETTEE_ADMIN, printing the URL without the password, and stopping cleanly on SIGTERM.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = resolve(ROOT, 'packages/server/src/bin.ts');

function run(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--conditions=settee-source', '--import', 'tsx', BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

describe('settee-server CLI', () => {
  it('--help prints the usage and exits 0', async () => {
    const cli = run(['--help']);
    expect(await cli.exited).toBe(0);
    expect(cli.out()).toContain('Usage: settee-server');
  });

  it('refuses to start without an admin off loopback', async () => {
    const cli = run(['--in-memory', '--port', '0', '--host', '0.0.0.0'], { SETTEE_ADMIN: '' });
    expect(await cli.exited).toBe(1);
    expect(cli.err()).toContain('An admin is required');
  });

  it('starts with SETTEE_ADMIN, prints the URL but not the password, stops on SIGTERM', async () => {
    const cli = run(['--in-memory', '--port', '0'], { SETTEE_ADMIN: 'boss:cli-secret' });
    const url = await new Promise<string>((done, fail) => {
      const check = (): void => {
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(cli.out());
        if (match?.[1]) done(match[1]);
      };
      cli.child.stdout.on('data', check);
      void cli.exited.then((code) => fail(new Error(`exited with ${code}: ${cli.err()}`)));
    });
    const welcome = await fetch(`${url}/`, { headers: { authorization: `Basic ${btoa('boss:cli-secret')}` } });
    expect(welcome.status).toBe(200);
    await welcome.arrayBuffer();
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(cli.out() + cli.err()).not.toContain('cli-secret');
  });
});
