import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createEngine } from '@settee/engine';
import { NotFoundError } from '../errors/index.js';
import { Doc, field, model } from '../model/index.js';
import { Settee } from './settee.js';

@model('item')
class Item extends Doc {
  @field(z.string()) name!: string;
}

describe('Settee', () => {
  it('creates the database when missing and opens an existing one', async () => {
    const engine = createEngine({ storage: 'memory' });
    const first = await Settee.open(engine, 'shop');
    expect(await engine.allDbs()).toEqual(['shop']);
    await first.repository(Item).create({ _id: 'i1', name: 'chair' });
    const second = await Settee.open(engine, 'shop');
    expect((await second.repository(Item).get('i1')).name).toBe('chair');
    await first.close();
  });

  it('with create: false, refuses a missing database', async () => {
    const engine = createEngine({ storage: 'memory' });
    await expect(Settee.open(engine, 'nothing', { create: false })).rejects.toBeInstanceOf(NotFoundError);
    expect(await engine.allDbs()).toEqual([]);
    await engine.close();
  });

  it('hands out one repository per model class', async () => {
    const settee = await Settee.open(createEngine({ storage: 'memory' }), 'shop');
    expect(settee.repository(Item)).toBe(settee.repository(Item));
    expect(settee.repository(Item).model.type).toBe('item');
    await settee.close();
  });

  it('on close, completes live streams and closes the adapter', async () => {
    const engine = createEngine({ storage: 'memory' });
    const settee = await Settee.open(engine, 'shop');
    const items = settee.repository(Item);
    let completed = 0;
    items.changes$({ since: 'now' }).subscribe({ complete: () => (completed += 1) });
    items.get$('x').subscribe({ complete: () => (completed += 1) });
    await new Promise((resolve) => setTimeout(resolve, 10));
    await settee.close();
    expect(completed).toBe(2);
    await expect(engine.allDbs()).rejects.toThrow();
    expect(() => settee.repository(Item)).toThrow('This Settee is closed');
    await settee.close();
  });
});
