import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { compareUtf8 } from './compare-utf8.js';
import { OrderedMap, type ScanOptions } from './ordered-map.js';

function seeded(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/** The obvious, slow model: a sorted array of entries. */
function modelScan(model: Map<string, number> | Array<[string, number]>, o: ScanOptions): Array<[string, number]> {
  let list = Array.isArray(model) ? model : [...model.entries()].sort((a, b) => compareUtf8(a[0], b[0]));
  list = list.filter(([k]) =>
    (o.gt === undefined || compareUtf8(k, o.gt) > 0) &&
    (o.gte === undefined || compareUtf8(k, o.gte) >= 0) &&
    (o.lt === undefined || compareUtf8(k, o.lt) < 0) &&
    (o.lte === undefined || compareUtf8(k, o.lte) <= 0));
  if (o.reverse) list.reverse();
  return o.limit === undefined ? list : list.slice(0, o.limit);
}

const pad = (n: number): string => String(n).padStart(6, '0');

describe('OrderedMap', () => {
  it('gets, replaces and deletes entries', () => {
    const map = new OrderedMap<string>();
    expect(map.get('a')).toBeUndefined();
    expect(map.set('b', 'B')).toBeUndefined();
    expect(map.set('a', 'A')).toBeUndefined();
    expect(map.set('b', 'B2')).toBe('B');
    expect(map.get('b')).toBe('B2');
    expect(map.has('a')).toBe(true);
    expect(map.size).toBe(2);
    expect(map.delete('zz')).toBeUndefined();
    expect(map.delete('a')).toBe('A');
    expect(map.has('a')).toBe(false);
    expect(map.size).toBe(1);
    expect(map.entries()).toEqual([['b', 'B2']]);
    map.clear();
    expect(map.size).toBe(0);
    expect(map.entries()).toEqual([]);
    expect(map.count({ gte: 'a' })).toBe(0);
  });

  it('scans with every bound combination across many chunks', () => {
    const map = new OrderedMap<number>();
    const model = new Map<string, number>();
    const rand = seeded(3);
    for (let i = 0; i < 3000; i++) {
      const k = pad(Math.floor(rand() * 6000));
      map.set(k, i);
      model.set(k, i);
    }
    map.assertValid();
    const sorted = modelScan(model, {});
    const probes = ['', '000000', pad(17), pad(2999), pad(3000), pad(5999), '999999', 'zzz'];
    for (let t = 0; t < 400; t++) {
      const pick = (): string | undefined =>
        rand() < 0.4 ? undefined : rand() < 0.3 ? probes[Math.floor(rand() * probes.length)] : pad(Math.floor(rand() * 6000));
      const o: ScanOptions = { gt: pick(), gte: pick(), lt: pick(), lte: pick() };
      if (rand() < 0.5) o.reverse = true;
      if (rand() < 0.3) o.limit = Math.floor(rand() * 700);
      expect(map.entries(o), JSON.stringify(o)).toEqual(modelScan(sorted, o));
      const bounds = { gt: o.gt, gte: o.gte, lt: o.lt, lte: o.lte };
      expect(map.count(bounds), JSON.stringify(bounds)).toBe(modelScan(sorted, bounds).length);
    }
  });

  it('stays consistent with a model under random inserts and deletes', () => {
    const map = new OrderedMap<number>();
    const model = new Map<string, number>();
    const rand = seeded(11);
    for (let i = 0; i < 40_000; i++) {
      const k = pad(Math.floor(rand() * 5000));
      // Phases: mostly inserts, then mostly deletes (to exercise chunk merging), then mixed.
      const delP = i < 15_000 ? 0.1 : i < 30_000 ? 0.9 : 0.5;
      if (rand() < delP) {
        expect(map.delete(k)).toBe(model.get(k));
        model.delete(k);
      } else {
        expect(map.set(k, i)).toBe(model.get(k));
        model.set(k, i);
      }
      if (i % 5000 === 0) map.assertValid();
    }
    map.assertValid();
    expect(map.size).toBe(model.size);
    expect(map.entries()).toEqual(modelScan(model, {}));
    for (const [k, v] of model) expect(map.get(k)).toBe(v);
  });

  it('keeps UTF-8 order once keys beyond U+D800 are present', () => {
    const map = new OrderedMap<number>();
    const keys = ['a', '\uffff', '\u{1f600}', '\ue000', 'z', '\u{10000}', '\ud7ff', 'x\u{1f600}', 'x\uffff'];
    keys.forEach((k, i) => map.set(k, i));
    map.assertValid();
    expect(map.entries().map(([k]) => k)).toEqual([...keys].sort(compareUtf8));
    expect(map.entries({ gt: '\uffff' }).map(([k]) => k)).toEqual(['\u{10000}', '\u{1f600}']);
    expect(map.entries({ lt: '\u{10000}', gte: '\ue000' }).map(([k]) => k)).toEqual(['\ue000', '\uffff']);
    expect(map.get('\u{1f600}')).toBe(2);
    expect(map.count({ gte: '\ue000' })).toBe(4);
  });

  it('appends keys that sort after every stored key, by UTF-8 order', () => {
    const map = new OrderedMap<number>();
    // '\u{1f600}' sorts before '\uffff' as UTF-16 but after it as UTF-8, so it is appended after '\uffff'.
    const ascending = ['a', 'b', '\ue000', '\uffff', '\u{1f600}', '\u{1f601}'];
    for (const [i, key] of ascending.entries()) {
      expect(map.get(key)).toBeUndefined();
      map.set(key, i);
      expect(map.get(key)).toBe(i);
    }
    map.assertValid();
    expect(map.entries().map(([k]) => k)).toEqual(ascending);
    expect(map.get('\u{1f602}')).toBeUndefined();
    expect(map.get('c')).toBeUndefined();
  });

  it('handles ascending and descending insertion', () => {
    const up = new OrderedMap<number>();
    const down = new OrderedMap<number>();
    for (let i = 0; i < 5000; i++) {
      up.set(pad(i), i);
      down.set(pad(4999 - i), i);
    }
    up.assertValid();
    down.assertValid();
    expect(up.entries({ gte: pad(1000), limit: 3 })).toEqual([[pad(1000), 1000], [pad(1001), 1001], [pad(1002), 1002]]);
    expect(down.entries({ lt: pad(10), reverse: true, limit: 2 }).map(([k]) => k)).toEqual([pad(9), pad(8)]);
    expect(up.count({ gt: pad(10), lte: pad(4000) })).toBe(3990);
  });

  it('inserts 100k random uuids quickly and scans without re-sorting', () => {
    const keys = Array.from({ length: 100_000 }, () => randomUUID());
    const map = new OrderedMap<string>();
    // CPU time rather than wall time: other processes on a busy machine must not fail the test.
    const cpuMs = (since: NodeJS.CpuUsage): number => {
      const { user, system } = process.cpuUsage(since);
      return (user + system) / 1000;
    };
    const c0 = process.cpuUsage();
    for (const k of keys) map.set(k, k);
    const insertMs = cpuMs(c0);
    map.assertValid();
    const c1 = process.cpuUsage();
    for (let i = 0; i < 1000; i++) map.entries({ gte: keys[i], limit: 10 });
    const scanMs = cpuMs(c1);
    // The real figures are ~150 ms and a few ms.
    expect(insertMs).toBeLessThan(1000);
    expect(scanMs).toBeLessThan(200);
    expect(map.entries({ limit: 5 }).map(([k]) => k)).toEqual([...keys].sort().slice(0, 5));
  });
});
