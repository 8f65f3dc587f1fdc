import { describe, expectTypeOf, it } from 'vitest';
import type { DatabaseAdapter } from '../adapter/index.js';
import type { Doc } from '../model/doc.js';
import type { Repository } from '../repository/repository.js';
import { defineView, queryView, type Emit, type ViewStats } from './define-view.js';

interface Sale {
  region: string;
  amount: number;
}

declare const db: DatabaseAdapter;
declare const repository: Repository<Doc>;

const byRegion = defineView({ ddoc: 's', name: 'r', reduce: '_sum', map: (doc: Sale, emit: Emit<string, number>) => emit(doc.region, doc.amount) });
const stats = defineView({ ddoc: 's', name: 'st', reduce: '_stats', map: (doc: Sale, emit: Emit<string, number>) => emit(doc.region, doc.amount) });
const counted = defineView({ ddoc: 's', name: 'c', reduce: '_count', map: (doc: Sale, emit: Emit<[string, number], null>) => emit([doc.region, doc.amount], null) });
const mapOnly = defineView({ ddoc: 's', name: 'm', map: (doc: Sale, emit: Emit<number, string>) => emit(doc.amount, doc.region) });

describe('typed views', () => {
  it('types map rows, reduced rows and grouped rows', async () => {
    const rows = await queryView(db, byRegion, { reduce: false });
    expectTypeOf(rows.rows[0]!.key).toEqualTypeOf<string>();
    expectTypeOf(rows.rows[0]!.value).toEqualTypeOf<number>();
    const total = await queryView(db, byRegion);
    expectTypeOf(total.rows[0]!.key).toEqualTypeOf<string | null>();
    const grouped = await queryView(db, stats, { group: true });
    expectTypeOf(grouped.rows[0]!.value).toEqualTypeOf<ViewStats>();
    const counts = await queryView(db, counted, { group_level: 1 });
    expectTypeOf(counts.rows[0]!.value).toEqualTypeOf<number>();
    const plain = await queryView(db, mapOnly);
    expectTypeOf(plain.rows[0]!.value).toEqualTypeOf<string>();
  });

  it('checks keys against the emitted key type', () => {
    void queryView(db, mapOnly, { key: 3 });
    // @ts-expect-error a string is not a key of this view
    void queryView(db, mapOnly, { key: 'three' });
    // @ts-expect-error emit's value must match the declared value type
    defineView({ ddoc: 's', name: 'x', map: (doc: Sale, emit: Emit<string, number>) => emit(doc.region, doc.region) });
  });

  it('types repository.view and view$ the same way', async () => {
    const grouped = await repository.view(byRegion, { group: true });
    expectTypeOf(grouped.rows[0]!.key).toEqualTypeOf<string>();
    expectTypeOf(grouped.rows[0]!.value).toEqualTypeOf<number>();
    repository.view$(mapOnly).subscribe((answer) => expectTypeOf(answer.rows[0]!.key).toEqualTypeOf<number>());
  });
});
