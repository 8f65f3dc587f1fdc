import { startPouchDbServer, startSetteeServer, type ServerProcess } from '../server/servers.js';

/** A server to measure against and how to stop it. */
export interface BenchServer {
  readonly url: string;
  readonly label: string;
  /** A short name for headings and database names: `pouchdb-server`, `settee-server` or `COUCHDB_URL`. */
  readonly name: string;
  /** The server's process id when the bench started it (its CPU time can then be read); absent for COUCHDB_URL. */
  readonly pid?: number;
  stop(): Promise<void>;
}

/** COUCHDB_URL when set; otherwise a pouchdb-server (in memory, 127.0.0.1) started for the run. */
export async function benchServer(): Promise<BenchServer> {
  const given = process.env['COUCHDB_URL'];
  if (given) return { url: given, label: 'COUCHDB_URL', name: 'COUCHDB_URL', stop: async () => {} };
  return named('pouchdb-server', await startPouchDbServer());
}

/** settee-server (in memory, Basic auth) in its own process, started as `bench:server` starts it. */
export async function setteeBenchServer(): Promise<BenchServer> {
  return named('settee-server', await startSetteeServer());
}

/**
 * The servers a bench runs on, in order: the reference (pouchdb-server, or COUCHDB_URL) and then settee-server.
 * BENCH_SERVERS (comma-separated `pouchdb`, `settee`) keeps only some of them.
 */
export function wantedServers(): Array<() => Promise<BenchServer>> {
  const wanted = (process.env['BENCH_SERVERS'] ?? 'pouchdb,settee').split(',').map((name) => name.trim());
  const all: Array<[string, () => Promise<BenchServer>]> = [
    ['pouchdb', benchServer],
    ['settee', setteeBenchServer],
  ];
  return all.filter(([name]) => wanted.includes(name)).map(([, start]) => start);
}

function named(name: string, server: ServerProcess): BenchServer {
  return { url: server.url, label: server.label, name, pid: server.pid, stop: () => server.stop() };
}
