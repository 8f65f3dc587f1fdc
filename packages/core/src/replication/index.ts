export { replicate } from './replicate.js';
export { sync } from './sync.js';
export { untilComplete, type CompletionOf } from './until-complete.js';
export { replicationId, REPLICATION_ID_VERSION } from './replication-id.js';
export { fetchFilterCode } from './filter-code.js';
export type * from './types.js';
