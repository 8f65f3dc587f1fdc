import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryStorageProvider } from './memory-storage.js';
import { SqliteStorageProvider } from './sqlite-storage.js';
import type { KeyRange, Storage, StorageOp, StorageProvider } from './storage.js';

interface Backend {
  kind: string;
  provider(dir: string): StorageProvider;
  /** True when a new provider on the same directory sees the data (SQLite); memory data lives in its provider. */
  persistent: boolean;
}

const backends: Backend[] = [
  { kind: 'memory', provider: () => new MemoryStorageProvider(), persistent: false },
  { kind: 'sqlite', provider: (dir) => new SqliteStorageProvider({ dir }), persistent: true },
];

/** The reference order: UTF-8 bytes. */
const byBytes = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

function expected(entries: Array<[string, string]>, r: KeyRange): Array<[string, string]> {
  let list = [...entries].sort((a, b) => byBytes(a[0], b[0]));
  list = list.filter(([k]) =>
    (r.gt === undefined || byBytes(k, r.gt) > 0) &&
    (r.gte === undefined || byBytes(k, r.gte) >= 0) &&
    (r.lt === undefined || byBytes(k, r.lt) < 0) &&
    (r.lte === undefined || byBytes(k, r.lte) <= 0));
  if (r.reverse) list.reverse();
  return r.limit === undefined ? list : list.slice(0, r.limit);
}

const put = (space: string, key: string, value: string): StorageOp => ({ type: 'put', space, key, value });
const del = (space: string, key: string): StorageOp => ({ type: 'del', space, key });

/** Names with every special character CouchDB allows in database names. */
const SPECIAL_NAMES = ['plain', 'a/b', 'x$y(z)+w-v', 'under_score', 'a/b/c', 'q-1', '100%.db'];

describe.each(backends)('$kind storage', (backend) => {
  let dir: string;
  let provider: StorageProvider;
  let storage: Storage;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), `settee-storage-${backend.kind}-`));
    provider = backend.provider(dir);
    storage = provider.create('db');
  });

  afterEach(() => {
    provider.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('get and write', () => {
    it('reads nothing from an unknown space', () => {
      expect(storage.get('nope', 'a')).toBeUndefined();
      expect(storage.range('nope')).toEqual([]);
      expect(storage.range('nope', { gte: 'a', limit: 3, reverse: true })).toEqual([]);
      expect(storage.count('nope')).toBe(0);
      expect(storage.count('nope', { lt: 'z' })).toBe(0);
    });

    it('puts, overwrites and deletes', () => {
      storage.write([put('docs', 'a', '1'), put('docs', 'b', '2')]);
      expect(storage.get('docs', 'a')).toBe('1');
      expect(storage.get('docs', 'b')).toBe('2');
      expect(storage.get('docs', 'c')).toBeUndefined();
      storage.write([put('docs', 'a', 'one')]);
      expect(storage.get('docs', 'a')).toBe('one');
      storage.write([del('docs', 'a'), del('docs', 'missing'), del('no-such-space', 'x')]);
      expect(storage.get('docs', 'a')).toBeUndefined();
      expect(storage.range('docs')).toEqual([['b', '2']]);
    });

    it('reads many keys at once, in the order asked, with duplicates and misses', () => {
      expect(storage.getMany('docs', ['a'])).toEqual([undefined]);
      storage.write([put('docs', 'a', '1'), put('docs', 'b', '2'), put('docs', '\u{1F600}', 'smile')]);
      expect(storage.getMany('docs', ['b', 'zz', 'a', 'b', '\u{1F600}'])).toEqual(['2', undefined, '1', '2', 'smile']);
      expect(storage.getMany('docs', [])).toEqual([]);
      expect(storage.getMany('nope', ['a', 'b'])).toEqual([undefined, undefined]);
    });

    it('reads many keys above, below and among the stored ones', () => {
      const id = (n: number) => `doc:${String(n).padStart(4, '0')}`;
      storage.write(Array.from({ length: 50 }, (_, i) => put('docs', id(100 + i), `v${100 + i}`)));
      // A range read moves small logged writes (SQLite's write-behind log) into the tables, where lookups go.
      expect(storage.count('docs')).toBe(50);
      const above = Array.from({ length: 20 }, (_, i) => id(200 + i));
      const below = Array.from({ length: 20 }, (_, i) => id(i));
      expect(storage.getMany('docs', above)).toEqual(above.map(() => undefined));
      expect(storage.getMany('docs', below)).toEqual(below.map(() => undefined));
      // Only the ends of the stored range, among new keys on both sides.
      expect(storage.getMany('docs', [...below, id(100), ...above, id(149)])).toEqual([...below.map(() => undefined), 'v100', ...above.map(() => undefined), 'v149']);
    });

    it('keeps spaces apart', () => {
      storage.write([put('docs', 'k', 'doc'), put('seqs', 'k', 'seq')]);
      expect(storage.get('docs', 'k')).toBe('doc');
      expect(storage.get('seqs', 'k')).toBe('seq');
      expect(storage.count('docs')).toBe(1);
    });

    it('accepts space names of any characters without mixing them up', () => {
      const spaces = ['docs', 'Docs', 'DOCS', 'a b', 'a_b', 'a-b', 'x"; DROP TABLE s_docs; --', 'é', '\u{1f600}', ''];
      storage.write(spaces.map((space, i) => put(space, 'k', String(i))));
      spaces.forEach((space, i) => expect(storage.get(space, 'k'), space).toBe(String(i)));
      storage.clearSpace('Docs');
      expect(storage.get('docs', 'k')).toBe('0');
      expect(storage.get('Docs', 'k')).toBeUndefined();
    });

    it('stores empty strings and large values exactly', () => {
      const big = 'x'.repeat(200_000) + '\u{1f600}é\u0000end';
      storage.write([put('docs', '', ''), put('docs', 'big', big), put('docs', 'nul\u0000key', 'v')]);
      expect(storage.get('docs', '')).toBe('');
      expect(storage.get('docs', 'big')).toBe(big);
      expect(storage.get('docs', 'nul\u0000key')).toBe('v');
      expect(storage.range('docs').map(([k]) => k)).toEqual(['', 'big', 'nul\u0000key']);
    });

    it('hands out arrays the caller may change', () => {
      storage.write([put('docs', 'a', '1'), put('docs', 'b', '2')]);
      const rows = storage.range('docs');
      rows.pop();
      rows[0]![1] = 'changed';
      expect(storage.range('docs')).toEqual([['a', '1'], ['b', '2']]);
    });
  });

  describe('range and count', () => {
    const keys = ['a', 'b', 'ba', 'c', 'd', 'da', 'e', 'f', 'g', 'h'];
    const entries: Array<[string, string]> = keys.map((k, i) => [k, `v${i}`]);
    // Probes on keys, between keys, and beyond both ends.
    const probes = [undefined, '', 'b', 'bb', 'e', 'zz'];

    beforeEach(() => {
      storage.write(entries.map(([k, v]) => put('docs', k, v)));
    });

    it('orders by key and honours a few ranges as read by hand', () => {
      expect(storage.range('docs', { gte: 'b', lt: 'd' })).toEqual([['b', 'v1'], ['ba', 'v2'], ['c', 'v3']]);
      expect(storage.range('docs', { gt: 'b', lte: 'd' })).toEqual([['ba', 'v2'], ['c', 'v3'], ['d', 'v4']]);
      expect(storage.range('docs', { reverse: true, limit: 2 })).toEqual([['h', 'v9'], ['g', 'v8']]);
      expect(storage.range('docs', { lt: 'c', reverse: true, limit: 2 })).toEqual([['ba', 'v2'], ['b', 'v1']]);
      expect(storage.count('docs', { gt: 'a', lt: 'h' })).toBe(8);
    });

    it('matches the reference for every bound combination, reverse and limit', () => {
      let checked = 0;
      for (const gt of probes) {
        for (const gte of probes) {
          for (const lt of probes) {
            for (const lte of probes) {
              const bounds = { gt, gte, lt, lte };
              expect(storage.count('docs', bounds), JSON.stringify(bounds)).toBe(expected(entries, bounds).length);
              for (const reverse of [false, true]) {
                for (const limit of [undefined, 0, 2]) {
                  const r: KeyRange = { ...bounds, reverse, limit };
                  expect(storage.range('docs', r), JSON.stringify(r)).toEqual(expected(entries, r));
                  checked++;
                }
              }
            }
          }
        }
      }
      expect(checked).toBe(probes.length ** 4 * 6);
    });

    it('counts and scans the whole space without a range', () => {
      expect(storage.count('docs')).toBe(keys.length);
      expect(storage.count('docs', {})).toBe(keys.length);
      expect(storage.range('docs')).toEqual(entries);
      expect(storage.range('docs', {})).toEqual(entries);
    });

    it('gives an empty result for crossed bounds', () => {
      expect(storage.range('docs', { gte: 'e', lte: 'b' })).toEqual([]);
      expect(storage.count('docs', { gt: 'c', lt: 'c' })).toBe(0);
    });

    it('rejects a limit that is not a whole number >= 0 and treats Infinity as none', () => {
      expect(() => storage.range('docs', { limit: -1 })).toThrow(RangeError);
      expect(() => storage.range('docs', { limit: 1.5 })).toThrow(RangeError);
      expect(() => storage.range('docs', { limit: Number.NaN })).toThrow(RangeError);
      expect(storage.range('docs', { limit: Infinity })).toHaveLength(keys.length);
    });
  });

  describe('atomic batches', () => {
    it('applies the ops of a batch in order', () => {
      storage.write([put('s', 'k', '1'), put('s', 'k', '2'), put('s', 'gone', 'x'), del('s', 'gone'), del('s', 'back'), put('s', 'back', 'b')]);
      expect(storage.range('s')).toEqual([['back', 'b'], ['k', '2']]);
    });

    it('applies nothing of a batch with a bad op anywhere in it', () => {
      storage.write([put('docs', 'keep', 'old')]);
      const bad = [
        { type: 'put', space: 'docs', key: 'x', value: 42 },
        { type: 'put', space: 'docs', key: 7, value: 'v' },
        { type: 'upsert', space: 'docs', key: 'x', value: 'v' },
        { type: 'del', space: null, key: 'x' },
        null,
        put('docs', 'lone\ud800', 'v'),
        put('docs', 'x', 'lone\udc00 value'),
      ];
      for (const op of bad) {
        const batch = [put('docs', 'keep', 'new'), put('fresh', 'a', '1'), del('docs', 'keep'), op as StorageOp, put('docs', 'z', 'z')];
        expect(() => storage.write(batch), JSON.stringify(op)).toThrow(TypeError);
        expect(storage.get('docs', 'keep')).toBe('old');
        expect(storage.get('docs', 'z')).toBeUndefined();
        expect(storage.range('fresh')).toEqual([]);
      }
      expect(storage.range('docs')).toEqual([['keep', 'old']]);
    });

    it('keeps the order of same-key ops in big batches, across spaces and multi-row statements', () => {
      // A reference model applies the ops one by one; the storage may group them (per space, many rows a statement).
      const model = new Map<string, string>();
      const ops: StorageOp[] = [];
      let state = 7;
      const next = (n: number): number => (state = (state * 1103515245 + 12345) % 2 ** 31) % n;
      for (let i = 0; i < 3000; i++) {
        const space = next(3) === 0 ? 'a' : 'b';
        const key = `k${next(40)}`;
        const op = next(5) === 0 ? del(space, key) : put(space, key, `v${i}`);
        ops.push(op);
        if (op.type === 'put') model.set(`${space}/${key}`, op.value);
        else model.delete(`${space}/${key}`);
      }
      storage.write(ops);
      const stored = [...storage.range('a').map(([k, v]) => [`a/${k}`, v]), ...storage.range('b').map(([k, v]) => [`b/${k}`, v])];
      expect(new Map(stored as Array<[string, string]>)).toEqual(model);
    });

    it('writes a large multi-space batch at once', () => {
      const ops: StorageOp[] = [];
      for (let i = 0; i < 2000; i++) {
        const n = String(i).padStart(5, '0');
        ops.push(put('docs', `doc-${n}`, `{"n":${i}}`), put('seqs', n, `doc-${n}`));
      }
      storage.write(ops);
      expect(storage.count('docs')).toBe(2000);
      expect(storage.count('seqs', { gte: '01000' })).toBe(1000);
      expect(storage.range('seqs', { reverse: true, limit: 1 })).toEqual([['01999', 'doc-01999']]);
      storage.write([]);
      expect(storage.count('docs')).toBe(2000);
    });
  });

  describe('clearSpace', () => {
    it('drops one space only and leaves it writable', () => {
      storage.write([put('a', '1', 'x'), put('a', '2', 'y'), put('b', '1', 'z')]);
      storage.clearSpace('a');
      expect(storage.range('a')).toEqual([]);
      expect(storage.count('a')).toBe(0);
      expect(storage.get('b', '1')).toBe('z');
      storage.clearSpace('never-written');
      storage.write([put('a', '3', 'w')]);
      expect(storage.range('a')).toEqual([['3', 'w']]);
    });
  });

  describe('UTF-8 key order', () => {
    // In UTF-16 the supplementary characters (surrogate pairs) sort below U+E000..U+FFFF; in UTF-8 above.
    const keys = ['a', 'é', '\ud7ff', '\ue000', '\uf8ff', '\ufffd', '\uffff', '\u{10000}', '\u{1f600}', '\u{1f601}', '\u{10ffff}', 'a\u{1f600}', 'a\uffff', 'z'];

    beforeEach(() => {
      storage.write(keys.map((k) => put('u', k, k)));
    });

    it('orders keys by their UTF-8 bytes, not UTF-16 units', () => {
      const order = storage.range('u').map(([k]) => k);
      expect(order).toEqual([...keys].sort(byBytes));
      expect(order.indexOf('\uffff')).toBeLessThan(order.indexOf('\u{10000}'));
      expect(order.indexOf('a\uffff')).toBeLessThan(order.indexOf('a\u{1f600}'));
      expect(storage.range('u', { reverse: true }).map(([k]) => k)).toEqual([...keys].sort(byBytes).reverse());
    });

    it('bounds ranges by UTF-8 order around the surrogate edge', () => {
      const entries = keys.map((k): [string, string] => [k, k]);
      for (const r of [{ gt: '\uffff' }, { gte: '\ue000', lt: '\u{10000}' }, { gt: '\ud7ff', lte: '\u{1f600}' }, { lt: '\ue000' }]) {
        expect(storage.range('u', r), JSON.stringify(r)).toEqual(expected(entries, r));
        expect(storage.count('u', r), JSON.stringify(r)).toBe(expected(entries, r).length);
      }
      expect(storage.range('u', { gt: '\uffff' }).map(([k]) => k)).toEqual(['\u{10000}', '\u{1f600}', '\u{1f601}', '\u{10ffff}']);
    });

    it('reads many keys spread around the surrogate edge (bounds of a lookup in UTF-8 order)', () => {
      // By UTF-16 units '\uffff' would be the greatest of these and the stored '\u{1f600}' would lie above it.
      const sought = ['a0', 'a1', 'a2', 'a3', '\uffff', '\u{1f600}', 'b'];
      expect(storage.getMany('u', sought)).toEqual(sought.map((k) => (keys.includes(k) ? k : undefined)));
      storage.write(keys.filter((k) => k !== '\uffff').map((k) => del('u', k)));
      expect(storage.count('u')).toBe(1);
      expect(storage.getMany('u', sought)).toEqual([undefined, undefined, undefined, undefined, '\uffff', undefined, undefined]);
      storage.write([del('u', '\uffff'), put('u', '\u{1f600}', 'back')]);
      // A range read moves small logged writes (SQLite's write-behind log) into the tables, where lookups go.
      expect(storage.count('u')).toBe(1);
      expect(storage.getMany('u', ['\uffff', 'c0', 'c1', 'c2', 'c3', '\u{1f600}'])).toEqual([undefined, undefined, undefined, undefined, undefined, 'back']);
    });

    it('finds no key with a lone surrogate, and reads a lone surrogate bound as U+FFFD', () => {
      expect(storage.get('u', '\ud83d')).toBeUndefined();
      expect(storage.range('u', { gt: '\ud83d' })).toEqual(storage.range('u', { gt: '\ufffd' }));
      expect(storage.count('u', { lt: '\udc00' })).toBe(storage.count('u', { lt: '\ufffd' }));
    });
  });

  describe('lifecycle', () => {
    it('reports a size that grows with the data', () => {
      const before = storage.sizeInBytes();
      storage.write(Array.from({ length: 500 }, (_, i) => put('docs', `k${i}`, 'v'.repeat(1000))));
      const after = storage.sizeInBytes();
      expect(after).toBeGreaterThan(before);
      expect(after).toBeGreaterThanOrEqual(500_000);
      expect(after).toBeLessThan(5_000_000);
    });

    it('throws on every call after close', () => {
      storage.write([put('docs', 'a', '1')]);
      storage.close();
      storage.close();
      expect(() => storage.get('docs', 'a')).toThrow(/closed/);
      expect(() => storage.range('docs')).toThrow(/closed/);
      expect(() => storage.count('docs')).toThrow(/closed/);
      expect(() => storage.write([put('docs', 'b', '2')])).toThrow(/closed/);
      expect(() => storage.clearSpace('docs')).toThrow(/closed/);
      expect(() => storage.sizeInBytes()).toThrow(/closed/);
    });

    it('keeps the data when a database is closed and opened again', () => {
      storage.write([put('docs', 'a', '1'), put('seqs', '1', 'a')]);
      storage.close();
      const again = provider.open('db');
      expect(again.get('docs', 'a')).toBe('1');
      expect(again.range('seqs')).toEqual([['1', 'a']]);
    });

    it.runIf(backend.persistent)('keeps the data across providers on the same directory', () => {
      storage.write([put('docs', 'a', '1'), put('docs', '\u{1f600}', 'smile'), put('seqs', '1', 'a')]);
      provider.close();
      const next = backend.provider(dir);
      try {
        expect(next.list()).toEqual(['db']);
        const again = next.open('db');
        expect(again.range('docs')).toEqual([['a', '1'], ['\u{1f600}', 'smile']]);
        expect(again.get('seqs', '1')).toBe('a');
        again.write([put('docs', 'b', '2')]);
      } finally {
        next.close();
      }
    });
  });

  describe('provider', () => {
    it('creates, lists, opens and destroys databases with special-character names', () => {
      for (const name of SPECIAL_NAMES) {
        expect(provider.exists(name), name).toBe(false);
        provider.create(name).write([put('docs', 'name', name)]);
      }
      expect(provider.list().sort()).toEqual(['db', ...SPECIAL_NAMES].sort());
      for (const name of SPECIAL_NAMES) {
        expect(provider.exists(name), name).toBe(true);
        expect(provider.open(name).get('docs', 'name')).toBe(name);
      }
      provider.destroy('a/b');
      expect(provider.exists('a/b')).toBe(false);
      expect(provider.exists('a/b/c')).toBe(true);
      expect(provider.list().sort()).toEqual(['db', ...SPECIAL_NAMES.filter((n) => n !== 'a/b')].sort());
      const fresh = provider.create('a/b');
      expect(fresh.get('docs', 'name')).toBeUndefined();
      expect(fresh.count('docs')).toBe(0);
    });

    it('refuses to create an existing database or open a missing one', () => {
      expect(() => provider.create('db')).toThrow(/exists/);
      expect(() => provider.open('missing')).toThrow(/does not exist/);
      expect(() => provider.create('')).toThrow(TypeError);
      expect(provider.exists('')).toBe(false);
      expect(provider.exists('missing')).toBe(false);
    });

    it('closes open storages on destroy and ignores a missing database', () => {
      const second = provider.open('db');
      provider.destroy('db');
      expect(() => storage.get('docs', 'a')).toThrow(/closed/);
      expect(() => second.get('docs', 'a')).toThrow(/closed/);
      expect(provider.exists('db')).toBe(false);
      expect(provider.list()).toEqual([]);
      provider.destroy('db');
      provider.destroy('never');
    });

    it('closes every storage on close but keeps the databases', () => {
      const other = provider.create('other');
      other.write([put('docs', 'a', '1')]);
      provider.close();
      expect(() => storage.count('docs')).toThrow(/closed/);
      expect(() => other.count('docs')).toThrow(/closed/);
      const reopened = backend.persistent ? backend.provider(dir) : provider;
      try {
        expect(reopened.open('other').get('docs', 'a')).toBe('1');
      } finally {
        reopened.close();
      }
    });
  });
});

describe('sqlite files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'settee-sqlite-files-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets every handle of a file see the tables another handle created', () => {
    // Two providers on one directory, as two engines of one process would have.
    const first = new SqliteStorageProvider({ dir }).create('shared');
    const second = new SqliteStorageProvider({ dir }).open('shared');
    const big = Array.from({ length: 200 }, (_, i) => put('fresh', `k${String(i).padStart(3, '0')}`, `v${i}`));
    first.write(big);
    first.write([put('small', 'a', '1')]);
    expect(second.get('fresh', 'k007')).toBe('v7');
    expect(second.getMany('fresh', ['k000', 'k199', 'k200'])).toEqual(['v0', 'v199', undefined]);
    expect(second.range('fresh')).toHaveLength(200);
    expect(second.range('small')).toEqual([['a', '1']]);
    first.close();
    second.close();
  });

  it('keeps one WAL-mode file per database, named reversibly', () => {
    const provider = new SqliteStorageProvider({ dir: join(dir, 'nested', 'data') });
    provider.create('a/b$c').write([put('docs', 'k', 'v')]);
    provider.create('full').close();
    expect(readdirSync(provider.dir).filter((f) => f.endsWith('.sqlite')).sort()).toEqual(['a%2fb%24c.sqlite', 'full.sqlite']);
    const raw = new Database(join(provider.dir, 'a%2fb%24c.sqlite'), { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      raw.close();
    }
    provider.close();
  });

  it('ignores files it did not name', () => {
    const provider = new SqliteStorageProvider({ dir });
    provider.create('real').close();
    for (const stray of ['notes.txt', 'Upper.sqlite', 'bad%zz.sqlite', 'x.sqlite-wal']) {
      new Database(join(dir, stray)).close();
    }
    expect(provider.list()).toEqual(['real']);
    provider.close();
  });

  it('accepts synchronous=full and removes the WAL companions on destroy', () => {
    const provider = new SqliteStorageProvider({ dir, synchronous: 'full' });
    const storage = provider.create('db');
    storage.write([put('docs', 'k', 'v')]);
    expect(existsSync(join(dir, 'db.sqlite-wal'))).toBe(true);
    provider.destroy('db');
    expect(readdirSync(dir)).toEqual([]);
    provider.close();
  });

  it('rejects an unknown synchronous mode', () => {
    expect(() => new SqliteStorageProvider({ dir, synchronous: 'off' as 'full' })).toThrow(TypeError);
  });
});
