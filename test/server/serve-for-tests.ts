// Run by global-setup.ts in a child process (tsx, settee-source condition) so the server runs the packages'
// current sources: starts a settee-server on a free loopback port and prints its URL as one JSON line.
import { createEngine } from '@settee/engine';
import { createServer } from '@settee/server';

const admin = { name: process.env['SETTEE_TEST_ADMIN_NAME'] ?? 'admin', password: process.env['SETTEE_TEST_ADMIN_PASSWORD'] ?? '' };
const server = await createServer({
  engine: createEngine({ storage: 'memory' }),
  port: 0,
  host: '127.0.0.1',
  admin,
  // Test-only: cheap password hashing keeps the start of every vitest run short.
  pbkdf2Iterations: 1000,
  log: (line) => process.stderr.write(`settee-server: ${line}\n`),
});
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
const stop = (): void => {
  void server.close().finally(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
// The parent holds our stdin open: when it dies without tearing down (a killed test run), stdin ends and the
// server goes too instead of lingering.
process.stdin.once('end', stop);
process.stdin.once('close', stop);
process.stdin.resume();
