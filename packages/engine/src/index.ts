export { createEngine, Engine, type EngineOptions } from './engine.js';
export type { Storage, StorageProvider, KeyRange, StorageOp } from './storage/storage.js';
export { MemoryStorageProvider } from './storage/memory-storage.js';
export { SqliteStorageProvider } from './storage/sqlite-storage.js';
export { ENGINE_VERSION } from './version.js';
