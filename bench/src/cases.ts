import { makePlaylists, playlistId, seededRandom } from './docs.js';
import type { Store } from './store.js';

export type CaseKey = 'bulk' | 'put' | 'get' | 'update' | 'allDocs' | 'changes';

/**
 * One benchmark case. `setup` fills a fresh store (untimed) and returns the timed action, which resolves with the
 * number of operations it performed. `scale` shrinks the case for warm-up runs (1 = full size).
 */
export interface BenchCase {
  readonly key: CaseKey;
  readonly title: string;
  /** `ops/s` for throughput cases, `ms` for single large reads. */
  readonly unit: 'ops/s' | 'ms';
  /** A read-only action repeats on one store; a writing one needs a fresh store for every timed run. */
  readonly readOnly: boolean;
  /** Required Settee/PouchDB speed ratio. */
  readonly target: number;
  setup(store: Store, scale: number): Promise<() => Promise<number>>;
}

const LOADED_DOCS = 10_000;
const BATCH = 1_000;
const SINGLE_OPS = 2_000;

async function load(store: Store, count: number): Promise<void> {
  for (let from = 0; from < count; from += BATCH) {
    await store.bulkInsert(makePlaylists(from, Math.min(BATCH, count - from)));
  }
}

/** The same pseudo-random existing ids for every contender. */
function randomIds(count: number, among: number): string[] {
  const random = seededRandom(7);
  return Array.from({ length: count }, () => playlistId(Math.floor(random() * among)));
}

const scaled = (n: number, scale: number) => Math.max(1, Math.round(n * scale));

export const CASES: readonly BenchCase[] = [
  {
    key: 'bulk',
    title: 'bulk insert 10k (batches of 1k)',
    unit: 'ops/s',
    readOnly: false,
    target: 5,
    async setup(store, scale) {
      const total = scaled(LOADED_DOCS, scale);
      const batches: ReturnType<typeof makePlaylists>[] = [];
      for (let from = 0; from < total; from += BATCH) batches.push(makePlaylists(from, Math.min(BATCH, total - from)));
      return async () => {
        for (const batch of batches) await store.bulkInsert(batch);
        return total;
      };
    },
  },
  {
    key: 'put',
    title: '2k sequential puts (new docs)',
    unit: 'ops/s',
    readOnly: false,
    target: 3,
    async setup(store, scale) {
      const docs = makePlaylists(0, scaled(SINGLE_OPS, scale));
      return async () => {
        for (const doc of docs) await store.put(doc);
        return docs.length;
      };
    },
  },
  {
    key: 'get',
    title: '2k gets (random ids of 10k)',
    unit: 'ops/s',
    readOnly: true,
    target: 3,
    async setup(store, scale) {
      const among = scaled(LOADED_DOCS, scale);
      await load(store, among);
      const ids = randomIds(scaled(SINGLE_OPS, scale), among);
      return async () => {
        for (const id of ids) await store.get(id);
        return ids.length;
      };
    },
  },
  {
    key: 'update',
    title: '2k get+update (random ids of 10k)',
    unit: 'ops/s',
    readOnly: false,
    target: 3,
    async setup(store, scale) {
      const among = scaled(LOADED_DOCS, scale);
      await load(store, among);
      const ids = randomIds(scaled(SINGLE_OPS, scale), among);
      return async () => {
        for (const id of ids) {
          const doc = await store.get(id);
          doc.name = `${doc.name}+`;
          await store.put(doc);
        }
        return ids.length;
      };
    },
  },
  {
    key: 'allDocs',
    title: 'allDocs include_docs (10k docs)',
    unit: 'ms',
    readOnly: true,
    target: 4,
    async setup(store, scale) {
      const count = scaled(LOADED_DOCS, scale);
      await load(store, count);
      return async () => {
        const rows = await store.allDocsWithDocs();
        if (rows !== count) throw new Error(`allDocs returned ${rows} rows, expected ${count}`);
        return 1;
      };
    },
  },
  {
    key: 'changes',
    title: 'changes since 0 (10k docs)',
    unit: 'ms',
    readOnly: true,
    target: 4,
    async setup(store, scale) {
      const count = scaled(LOADED_DOCS, scale);
      await load(store, count);
      return async () => {
        const results = await store.changesSinceZero();
        if (results !== count) throw new Error(`changes returned ${results} results, expected ${count}`);
        return 1;
      };
    },
  },
];
