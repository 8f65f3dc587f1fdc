import type { Observable } from 'rxjs';
import { describe, expectTypeOf, it } from 'vitest';
import type { DatabaseAdapter } from '../adapter/database-adapter.js';
import type { Seq } from '../adapter/changes.js';
import type { ServerAdapter } from '../adapter/server-adapter.js';
import type { SetteeError } from '../errors/settee-error.js';
import { replicate } from './replicate.js';
import { sync } from './sync.js';
import type { ReplicationEvent, ReplicationOptions, ReplicationResult, SyncEvent, SyncResult } from './types.js';
import { untilComplete } from './until-complete.js';

declare const db: DatabaseAdapter;
declare const server: ServerAdapter;

describe('replication types', () => {
  it('replicate takes databases or { server, name } and emits the event union', () => {
    expectTypeOf(replicate(db, db)).toEqualTypeOf<Observable<ReplicationEvent>>();
    expectTypeOf(replicate(db, { server, name: 'backup' }, { create_target: true })).toEqualTypeOf<Observable<ReplicationEvent>>();
    // @ts-expect-error a bare name is not an endpoint: say which server it is on
    replicate(db, 'backup');
  });

  it('narrows events by type', () => {
    const handle = (event: ReplicationEvent): void => {
      if (event.type === 'progress') {
        expectTypeOf(event.docs_read).toEqualTypeOf<number>();
        expectTypeOf(event.pending).toEqualTypeOf<number>();
        expectTypeOf(event.last_seq).toEqualTypeOf<Seq>();
      }
      if (event.type === 'error') {
        expectTypeOf(event.error).toEqualTypeOf<SetteeError>();
        expectTypeOf(event.retrying).toEqualTypeOf<boolean>();
      }
      if (event.type === 'complete') expectTypeOf(event.result).toEqualTypeOf<ReplicationResult>();
      // @ts-expect-error no such event
      if (event.type === 'done') return;
    };
    expectTypeOf(handle).toBeFunction();
  });

  it('checks options', () => {
    expectTypeOf<{ continuous: true; batch_size: 100; checkpoint: 'target' }>().toMatchTypeOf<ReplicationOptions>();
    // @ts-expect-error doc_ids is a list
    const ids: ReplicationOptions = { doc_ids: 'a' };
    // @ts-expect-error checkpoints go to 'both', 'source', 'target' or nowhere (false)
    const where: ReplicationOptions = { checkpoint: 'elsewhere' };
    // @ts-expect-error retry takes false or its settings
    const retry: ReplicationOptions = { retry: true };
    expectTypeOf([ids, where, retry]).toBeArray();
  });

  it('tags sync events with a direction and completes with both results', () => {
    const events = sync(db, db);
    expectTypeOf(events).toEqualTypeOf<Observable<SyncEvent>>();
    expectTypeOf<SyncEvent['direction']>().toEqualTypeOf<'push' | 'pull'>();
    expectTypeOf(untilComplete(events)).toEqualTypeOf<Promise<SyncResult>>();
    expectTypeOf(untilComplete(replicate(db, db))).toEqualTypeOf<Promise<ReplicationResult>>();
  });
});
