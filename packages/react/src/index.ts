// React hooks over Settee's live observables: one subscription per hook instance through useSyncExternalStore.
export { SetteeProvider, useSettee, type SetteeProviderProps } from './settee-context.js';
export { useRepository } from './use-repository.js';
export { useDoc, type UseDocOptions } from './use-doc.js';
export { useFind, type UseFindOptions } from './use-find.js';
export { useChanges, type UseChangesOptions } from './use-changes.js';
export { useReplication, type ReplicationState, type ReplicationStatus } from './use-replication.js';
export { useObservable } from './use-observable.js';
export { useMutation, type MutationHandle, type MutationState } from './use-mutation.js';
export { useMutations, type RepositoryMutations } from './use-mutations.js';
export { failureOf, type MutationFailure, type MutationOutcome } from './mutation-outcome.js';
export { LiveStore, type LiveStoreOptions, type Reducer } from './live-store.js';
export { useLiveStore, type LiveOptions } from './use-live-store.js';
export type { LiveState, PendingState, SuccessState, ErrorState } from './live-state.js';
