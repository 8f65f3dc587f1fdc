import type { Observable } from 'rxjs';
import { describe, expectTypeOf, it } from 'vitest';
import type { DatabaseAdapter, DbUpdate, DbUpdatesAdapter, DbUpdatesResponse, Document, PartitionInfo } from './index.js';

interface Reading {
  sensor: string;
  value: number;
}

declare const db: DatabaseAdapter;
declare const updates: DbUpdatesAdapter;

describe('partitions on the adapter contract', () => {
  it('types a partition\'s documents, rows and info like the database\'s', async () => {
    const partition = db.partition('sensor-1');
    const found = await partition.find<Reading>({ selector: { value: { $gt: 2 } } });
    expectTypeOf(found.docs).toEqualTypeOf<Array<Document<Reading>>>();
    const rows = (await partition.query<number, string>('d', 'v', { startkey: 1 })).rows;
    expectTypeOf(rows[0]!.key).toEqualTypeOf<number>();
    expectTypeOf(rows[0]!.value).toEqualTypeOf<string>();
    expectTypeOf(await partition.info()).toEqualTypeOf<PartitionInfo>();
  });

  it('takes the partition view parameter as a string', () => {
    void db.query('d', 'v', { partition: 'sensor-1' });
    // @ts-expect-error a partition is named by a string
    void db.query('d', 'v', { partition: 1 });
  });
});

describe('_db_updates on the contract', () => {
  it('answers requests with the events and the next since, and streams events', async () => {
    expectTypeOf(await updates.dbUpdates({ since: 'now', feed: 'longpoll', timeout: 1000 })).toEqualTypeOf<DbUpdatesResponse>();
    expectTypeOf(updates.liveDbUpdates({ since: 0 })).toEqualTypeOf<Observable<DbUpdate>>();
    // @ts-expect-error one request is normal or longpoll; a stream is liveDbUpdates
    void updates.dbUpdates({ feed: 'continuous' });
  });
});
