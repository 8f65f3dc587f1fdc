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
// settee-server's `_rewrite` runs a design document's JavaScript `rewrites` function through this.
export { runRewriteFunction } from './design/rewrite-function.js';
// CouchDB's rules that settee-server applies itself: how attachments are stored, what a partition may be named.
export { isCompressible, storedAttachmentBytes } from './database/attachment-meta.js';
export { assertPartitionName } from './database/partition-ids.js';
export type { DesignInfo, ViewIndexInfo } from './views/view-index-info.js';
