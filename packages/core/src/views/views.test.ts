import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createEngine } from '@settee/engine';
import type { DatabaseAdapter, ServerAdapter } from '../adapter/index.js';
import { Doc, field, model } from '../model/index.js';
import { Repository } from '../repository/repository.js';
import { defineView, queryView, type Emit } from './define-view.js';
import { deployDesignDocuments, designDocument } from './design-documents.js';
import { functionSource, mapSource } from './function-source.js';
import { view } from './view-decorator.js';

interface SaleDoc {
  type?: string;
  region: string;
  year: number;
  amount: number;
}

const byRegion = defineView({
  ddoc: 'sales',
  name: 'by_region',
  reduce: '_sum',
  map: (doc: SaleDoc, emit: Emit<[string, number], number>) => {
    if (doc.type === 'sale') emit([doc.region, doc.year], doc.amount);
  },
});

const amounts = defineView({
  ddoc: '_design/sales',
  name: 'amounts',
  map: 'function (doc) { if (doc.type === "sale") emit(doc.amount, doc.region); }',
});

@view(byRegion, amounts)
@model('sale')
class Sale extends Doc {
  @field(z.string()) region!: string;
  @field(z.number()) year!: number;
  @field(z.number()) amount!: number;
}

let server: ServerAdapter;
let db: DatabaseAdapter;
beforeEach(async () => {
  server = createEngine({ storage: 'memory' });
  await server.createDb('db');
  db = server.db('db');
});
afterEach(() => server.close());

describe('function sources', () => {
  it('keep functions and arrows, and turn method shorthand into function expressions', () => {
    const holder = {
      validate(doc: unknown) {
        return doc;
      },
    };
    expect(functionSource(holder.validate)).toMatch(/^function validate\(doc\)/);
    expect(functionSource((a: number) => a + 1)).toMatch(/^\(?a\)? =>/);
    expect(mapSource('function (doc) {}')).toBe('function (doc) {}');
    expect(mapSource((doc: unknown, emit: Emit<string, null>) => emit(String(doc), null))).toMatch(/^function \(doc\) \{ return \(.*\)\(doc, emit\); \}$/s);
  });
});

describe('typed views on the engine', () => {
  it('deploys design documents idempotently: created, then unchanged, then updated when the code changes', async () => {
    const doc = designDocument('sales', { views: [byRegion, amounts] });
    expect((await deployDesignDocuments(db, [doc]))[0]).toMatchObject({ status: 'created' });
    const again = await deployDesignDocuments(db, [designDocument('sales', { views: [byRegion, amounts] })]);
    expect(again[0]).toMatchObject({ status: 'unchanged' });
    const changed = await deployDesignDocuments(db, [designDocument('sales', { views: [byRegion] })]);
    expect(changed[0]).toMatchObject({ status: 'updated' });
    expect(changed[0]!.rev.startsWith('2-')).toBe(true);
  });

  it('serialised TypeScript map functions run on the engine and reduce with their built-in', async () => {
    await deployDesignDocuments(db, [designDocument('sales', { views: [byRegion, amounts] })]);
    await db.bulkDocs([
      { type: 'sale', region: 'eu', year: 2023, amount: 10 },
      { type: 'sale', region: 'eu', year: 2024, amount: 5 },
      { type: 'sale', region: 'us', year: 2023, amount: 7 },
      { type: 'other', region: 'eu', year: 2023, amount: 100 },
    ]);
    const grouped = await queryView(db, byRegion, { group_level: 1 });
    expect(grouped.rows).toEqual([
      { key: ['eu'], value: 15 },
      { key: ['us'], value: 7 },
    ]);
    const rows = await queryView(db, amounts, { descending: true });
    expect(rows.rows.map((r) => [r.key, r.value])).toEqual([[10, 'eu'], [7, 'us'], [5, 'eu']]);
  });

  it('repository: deployViews from @view, view() and a live view$ that follows writes', async () => {
    const sales = new Repository(db, Sale);
    expect((await sales.deployViews()).map((r) => r.status)).toEqual(['created']);
    expect((await sales.deployViews()).map((r) => r.status)).toEqual(['unchanged']);
    await sales.create({ region: 'eu', year: 2023, amount: 3 });
    expect((await sales.view(byRegion, { reduce: false })).rows.map((r) => r.key)).toEqual([['eu', 2023]]);
    // The second sale is written only once the first answer arrived, so the stream must emit exactly [3, 7].
    const seen = await new Promise<unknown[]>((resolve, reject) => {
      const values: unknown[] = [];
      const subscription = sales.view$(byRegion).subscribe({
        next: (answer) => {
          values.push(answer.rows[0]?.value);
          if (values.length === 1) sales.create({ region: 'us', year: 2024, amount: 4 }).catch(reject);
          if (values.length === 2) {
            subscription.unsubscribe();
            resolve(values);
          }
        },
        error: reject,
      });
    });
    expect(seen).toEqual([3, 7]);
  });
});
