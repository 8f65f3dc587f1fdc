// The public API shared by every entry point; only the default transport differs between them.
export { HttpServer, type DefaultTransport } from './http-server.js';
export { HttpDatabase, HttpPartition } from './http-database.js';
// Core's type, kept here for code that imported it from this package.
export type { PartitionInfo } from '@settee/core';
export { InvalidResponseError, NetworkError, RequestTimeoutError, UnsupportedFeedError } from './http-errors.js';
export type { CallOptions, HttpAdapterOptions, HttpAuth, HttpFeedOptions, HttpRetryOptions } from './options.js';
export type * from './extras-types.js';
export type { ChangesStreamOptions, HttpLiveChangesOptions } from './live-changes.js';
export { EventStreamParser, type ServerSentEvent } from './event-stream.js';
export type { DirectSend, TransportHints } from './raw-body.js';
export type { FeedFormat } from './feed-decoders.js';
