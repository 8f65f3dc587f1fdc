export type * from './documents.js';
export type * from './bulk.js';
export type * from './all-docs.js';
export type * from './changes.js';
export type * from './attachments.js';
export type * from './info.js';
export type * from './find.js';
export type { DatabaseAdapter } from './database-adapter.js';
export type { ServerAdapter } from './server-adapter.js';
