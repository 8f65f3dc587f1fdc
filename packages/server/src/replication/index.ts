export { ReplicationScheduler, type ReplicateAnswer } from './scheduler.js';
export { REPLICATOR } from './replicator-docs.js';
export { guardReplicatorDb } from './replicator-guard.js';
