import type { DatabaseAdapter, ServerAdapter } from '@settee/core';
import { afterAll, beforeAll } from 'vitest';
import { uniqueDbName, type Pair } from './endpoints.js';

/** The two servers of a pair, open for one test file, and the scratch databases made on them. */
export interface PairServers {
  readonly source: ServerAdapter;
  readonly target: ServerAdapter;
  /** A new, uniquely named database on `server`, deleted after the file's tests. */
  freshDb(server: ServerAdapter, label: string): Promise<DatabaseAdapter>;
  /** Deletes `name` on `server` after the file's tests (a database a test made another way). */
  track(server: ServerAdapter, name: string): void;
}

/** Opens the pair's servers before the file's tests and closes them, with every scratch database, after. */
export function usePairServers(pair: Pair): PairServers {
  let source: ServerAdapter | undefined;
  let target: ServerAdapter | undefined;
  const closers: Array<() => Promise<void>> = [];
  const created: Array<{ server: ServerAdapter; name: string }> = [];

  beforeAll(async () => {
    const s = await pair.source.open();
    const t = await pair.target.open();
    source = s.server;
    target = t.server;
    closers.push(s.close, t.close);
  });

  afterAll(async () => {
    for (const { server, name } of created) await server.deleteDb(name).catch(() => undefined);
    for (const close of closers) await close();
  });

  const opened = (server: ServerAdapter | undefined): ServerAdapter => {
    if (server === undefined) throw new Error('the pair is opened in beforeAll');
    return server;
  };
  return {
    get source() {
      return opened(source);
    },
    get target() {
      return opened(target);
    },
    async freshDb(server, label) {
      const name = uniqueDbName(label);
      await server.createDb(name);
      created.push({ server, name });
      return server.db(name);
    },
    track(server, name) {
      created.push({ server, name });
    },
  };
}
