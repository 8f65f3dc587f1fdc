export { assertPartitionedOption, createEngine, Engine, type EngineCommonOptions, type EngineOptions } from './engine.js';
export {
  MemoryStorage,
  MemoryStorageProvider,
  SqliteStorage,
  SqliteStorageProvider,
  type KeyRange,
  type SqliteStorageOptions,
  type SqliteStorageProviderOptions,
  type SqliteSynchronous,
  type Storage,
  type StorageOp,
  type StorageProvider,
} from './storage/index.js';
export { ENGINE_VERSION } from './version.js';
export { RevHashPool, sharedRevHashPool, type RevHashBatch, type RevHashItem } from './revs/rev-hash-pool.js';
export { setDesignLogger, type DesignLogger } from './design/design-log.js';
// CouchDB's attachment storage rule, which settee-server follows when it sends attachments.
export { isCompressible, storedAttachmentBytes } from './database/attachment-meta.js';
export type { DesignInfo, ViewIndexInfo } from './views/view-index-info.js';
