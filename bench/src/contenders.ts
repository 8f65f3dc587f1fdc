import { createPouchContender } from './pouchdb-store.js';
import { createSetteeContender } from './settee-store.js';
import type { Contender, ContenderId } from './store.js';

export const CONTENDER_IDS: readonly ContenderId[] = ['engine-memory', 'pouchdb-memory', 'engine-sqlite', 'pouchdb-leveldb'];

/** The Settee contender and the PouchDB contender of each storage class, compared only with each other. */
export const PAIRS = [
  { storageClass: 'memory', settee: 'engine-memory', pouchdb: 'pouchdb-memory' },
  { storageClass: 'disk', settee: 'engine-sqlite', pouchdb: 'pouchdb-leveldb' },
] as const;

export function createContender(id: ContenderId): Promise<Contender> {
  switch (id) {
    case 'engine-memory':
      return createSetteeContender('memory');
    case 'engine-sqlite':
      return createSetteeContender('sqlite');
    case 'pouchdb-memory':
      return createPouchContender('memory');
    case 'pouchdb-leveldb':
      return createPouchContender('leveldb');
  }
}

export function isContenderId(value: string | undefined): value is ContenderId {
  return CONTENDER_IDS.some((id) => id === value);
}
