import type { Observable } from 'rxjs';
import { describe, expectTypeOf, it } from 'vitest';
import type { ChangesRow } from '@settee/core';
import type { DbUpdate, HttpDatabase, HttpServer } from './exports.js';

declare const server: HttpServer;
declare const db: HttpDatabase;

describe('feed types', () => {
  it('liveChanges takes a wire format; changesStream requires one', () => {
    expectTypeOf(db.liveChanges({ feed: 'eventsource', since: 'now' })).toEqualTypeOf<Observable<ChangesRow>>();
    // @ts-expect-error normal and longpoll are not streamed formats
    db.liveChanges({ feed: 'longpoll' });
    expectTypeOf(db.changesStream({ feed: 'continuous', timeout: 1000 })).toEqualTypeOf<Observable<ChangesRow>>();
    // @ts-expect-error the format is required for a one-shot stream
    db.changesStream({ since: 0 });
  });

  it('liveDbUpdates emits DbUpdate entries', () => {
    expectTypeOf(server.liveDbUpdates({ since: 'now', feed: 'eventsource' })).toEqualTypeOf<Observable<DbUpdate>>();
    expectTypeOf<DbUpdate['seq']>().toEqualTypeOf<string | number>();
    // @ts-expect-error longpoll is a one-shot (dbUpdates), not a live format
    server.liveDbUpdates({ feed: 'longpoll' });
  });
});
