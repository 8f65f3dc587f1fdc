import { defer, finalize } from 'rxjs';
import type { DatabaseAdapter, LiveChangesOptions, ServerAdapter } from '@settee/core';

/** A real server adapter whose databases count their open live change feeds. */
export interface CountedServer {
  readonly server: ServerAdapter;
  /** Live change feeds subscribed right now, over every database of the server. */
  openFeeds(): number;
  /** Live change feeds ever opened. */
  openedFeeds(): number;
}

/**
 * Wraps `server` (the real engine) so tests can prove that hooks close what they open: every call goes to the
 * engine unchanged; `liveChanges` is counted from subscription to teardown.
 */
export function countFeeds(server: ServerAdapter): CountedServer {
  let open = 0;
  let opened = 0;
  const countedDb = (db: DatabaseAdapter): DatabaseAdapter =>
    new Proxy(db, {
      get(target, key) {
        if (key === 'liveChanges') {
          return (options?: LiveChangesOptions) =>
            defer(() => {
              open++;
              opened++;
              return target.liveChanges(options).pipe(finalize(() => open--));
            });
        }
        return bound(target, key);
      },
    });
  const counted = new Proxy(server, {
    get(target, key) {
      if (key === 'db') return (name: string) => countedDb(target.db(name));
      return bound(target, key);
    },
  });
  return { server: counted, openFeeds: () => open, openedFeeds: () => opened };
}

/** The member `key` of `target`, with methods bound to it (engine classes use private fields). */
function bound(target: object, key: PropertyKey): unknown {
  const value: unknown = Reflect.get(target, key, target);
  return typeof value === 'function' ? value.bind(target) : value;
}
