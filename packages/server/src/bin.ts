import { parseArgs } from 'node:util';
import { createEngine } from '@settee/engine';
import { createServer } from './create-server.js';
import { SERVER_VERSION } from './version.js';

const HELP = `settee-server ${SERVER_VERSION}: Settee's bundled engine over CouchDB 3's HTTP API

Usage: settee-server --dir ./data [--port 5984] [--host 127.0.0.1] [--admin name:password]

  --dir <path>           engine data directory (SQLite files), created if missing (default ./settee-data)
  --in-memory            keep databases in memory only (tests, benchmarks); --dir is ignored
  --port <n>             port to listen on (default 5984; 0 picks a free one)
  --host <addr>          interface to bind (default 127.0.0.1)
  --admin <name:pass>    the server admin (or the SETTEE_ADMIN environment variable)
  --admin-party          no admin at all, everyone is admin (loopback only)
  --max-body <bytes>     largest request body accepted (default 64 MiB)
  --cors <origins>       allow these browser origins (comma-separated, or *); off by default
  --users-db-security-editable
                         let the admin change _users/_security, e.g. to open self-signup (off, as in CouchDB)
  -h, --help             this text
`;

/** `name:password` → the admin; the password may itself contain colons. */
function parseAdmin(text: string | undefined): { name: string; password: string } | undefined {
  if (text === undefined || text === '') return undefined;
  const colon = text.indexOf(':');
  if (colon <= 0 || colon === text.length - 1) throw new Error('The admin must be given as name:password.');
  return { name: text.slice(0, colon), password: text.slice(colon + 1) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dir: { type: 'string', default: './settee-data' },
      'in-memory': { type: 'boolean', default: false },
      port: { type: 'string', default: '5984' },
      host: { type: 'string', default: '127.0.0.1' },
      admin: { type: 'string' },
      'admin-party': { type: 'boolean', default: false },
      'max-body': { type: 'string' },
      cors: { type: 'string' },
      'users-db-security-editable': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const admin = parseAdmin(values.admin ?? process.env['SETTEE_ADMIN']);
  const server = await createServer({
    ...(values['in-memory'] ? { engine: createEngine({ storage: 'memory' }) } : { dir: values.dir }),
    port: Number(values.port),
    host: values.host,
    ...(admin === undefined ? {} : { admin }),
    adminParty: values['admin-party'],
    usersDbSecurityEditable: values['users-db-security-editable'],
    ...(values['max-body'] === undefined ? {} : { maxBodyBytes: Number(values['max-body']) }),
    ...(values.cors === undefined
      ? {}
      : { cors: { origins: values.cors === '*' ? ('*' as const) : values.cors.split(',').map((origin) => origin.trim()) } }),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`settee-server listening on ${server.url}${admin ? ` (admin: ${admin.name})` : ' (admin party)'}\n`);
  const stop = (): void => {
    server
      .close()
      .then(() => (values['in-memory'] ? server.engine.close() : undefined))
      .then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  // Only the message: it never holds the password (parseAdmin's errors do not quote it).
  process.stderr.write(`settee-server: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
