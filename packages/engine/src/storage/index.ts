export type { KeyRange, Storage, StorageOp, StorageProvider } from './storage.js';
export { MemoryStorage, MemoryStorageProvider } from './memory-storage.js';
export {
  SqliteStorage,
  SqliteStorageProvider,
  type SqliteStorageOptions,
  type SqliteStorageProviderOptions,
  type SqliteSynchronous,
} from './sqlite-storage.js';
export { compareUtf8 } from './compare-utf8.js';
