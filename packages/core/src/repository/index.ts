export { Repository, type RepositoryOptions } from './repository.js';
export { RevisionConflictError } from './revision-conflict-error.js';
export type { BulkResult, BulkSuccess, BulkFailure, BulkDeleteResult } from './bulk-writes.js';
export type { ConflictSet, Resolver } from './conflict-resolution.js';
export type { Mutation, MergeHook, UpdateOptions } from './update-entity.js';
export type { BackoffOptions } from './backoff.js';
export type { ModelChange, ModelChangesOptions } from './model-changes.js';
export type { ResumeOptions } from './resumable-feed.js';
export type { FindOptions, ModelSelector, Queryable } from './find-entities.js';
