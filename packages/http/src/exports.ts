// The public API shared by every entry point; only the default transport differs between them.
export { HttpServer, type DefaultTransport } from './http-server.js';
export { HttpDatabase, HttpPartition } from './http-database.js';
export type { PartitionInfo } from './database-extras.js';
export { InvalidResponseError, NetworkError, RequestTimeoutError } from './http-errors.js';
export type { CallOptions, HttpAdapterOptions, HttpAuth, HttpFeedOptions, HttpRetryOptions } from './options.js';
export type * from './extras-types.js';
