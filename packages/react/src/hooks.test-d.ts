import { describe, expectTypeOf, it } from 'vitest';
import { replicate, sync } from '@settee/core';
import type {
  ConflictError,
  DatabaseAdapter,
  ModelChange,
  ReplicationProgressEvent,
  ReplicationResult,
  Repository,
  SyncDirection,
  ValidationError,
  WriteResult,
} from '@settee/core';
import type { LiveState } from './live-state.js';
import type { MutationOutcome } from './mutation-outcome.js';
import type { Playlist, Song } from './test-support/playlist-model.js';
import { useChanges } from './use-changes.js';
import { useDoc, type UseDocOptions } from './use-doc.js';
import { useFind, type UseFindOptions } from './use-find.js';
import type { LiveOptions } from './use-live-store.js';
import { useMutations } from './use-mutations.js';
import { useObservable } from './use-observable.js';
import { useReplication } from './use-replication.js';
import { of } from 'rxjs';

declare const playlists: Repository<Playlist>;
declare const local: DatabaseAdapter;
declare const remote: DatabaseAdapter;
declare const playlist: Playlist;
declare const song: Song;

describe('hook types follow the model', () => {
  it('useDoc: pending has no data, success has the entity or undefined, error has an Error', () => {
    const state = useDoc(playlists, 'id');
    expectTypeOf(state).toEqualTypeOf<LiveState<Playlist | undefined>>();
    if (state.status === 'pending') expectTypeOf(state.data).toEqualTypeOf<undefined>();
    if (state.status === 'success') expectTypeOf(state.data).toEqualTypeOf<Playlist | undefined>();
    if (state.status === 'error') expectTypeOf(state.error).toEqualTypeOf<Error>();
  });

  it('useFind: the selector and sort are checked against the model', () => {
    const state = useFind(playlists, { owner: 'ana' }, { sort: [{ name: 'asc' }] });
    if (state.status === 'success') expectTypeOf(state.data).toEqualTypeOf<readonly Playlist[]>();
    // @ts-expect-error owner is a string
    useFind(playlists, { owner: 3 });
  });

  it('initialData has the hook\'s data type; the flags are booleans, false while pending', () => {
    const state = useDoc(playlists, 'id', { initialData: playlist, keepPrevious: true });
    expectTypeOf(state).toEqualTypeOf<LiveState<Playlist | undefined>>();
    expectTypeOf<UseDocOptions<Playlist>['initialData']>().toEqualTypeOf<Playlist | undefined>();
    if (state.status === 'pending') expectTypeOf(state.isInitial).toEqualTypeOf<false>();
    if (state.status === 'success') expectTypeOf(state.isPrevious).toEqualTypeOf<boolean>();
    if (state.status === 'error') expectTypeOf(state.isPrevious).toEqualTypeOf<false>();
    // @ts-expect-error useDoc's initial data is one entity, not a list
    useDoc(playlists, 'id', { initialData: [playlist] });
    // @ts-expect-error an entity of another model
    useDoc(playlists, 'id', { initialData: song });
    // @ts-expect-error keepPrevious is a boolean
    useDoc(playlists, 'id', { keepPrevious: 'yes' });

    const found = useFind(playlists, { owner: 'ana' }, { sort: [{ name: 'asc' }], initialData: [playlist], keepPrevious: true });
    expectTypeOf(found).toEqualTypeOf<LiveState<readonly Playlist[]>>();
    expectTypeOf<UseFindOptions<Playlist>['initialData']>().toEqualTypeOf<readonly Playlist[] | undefined>();
    // @ts-expect-error useFind's initial data is a list
    useFind(playlists, {}, { initialData: playlist });
    // @ts-expect-error the query's options are still checked against the model
    useFind(playlists, {}, { sort: [{ title: 'asc' }], initialData: [playlist] });

    expectTypeOf(useChanges(playlists, { initialData: [] }).data).toEqualTypeOf<readonly ModelChange<Playlist>[] | undefined>();
    // @ts-expect-error changes, not entities
    useChanges(playlists, { initialData: [playlist] });

    expectTypeOf(useObservable(() => of(1), [], { initialData: 0 })).toEqualTypeOf<LiveState<number>>();
    // @ts-expect-error the observable emits numbers
    useObservable(() => of(1), [], { initialData: 'zero' });
    expectTypeOf<LiveOptions<number>>().toEqualTypeOf<{ readonly initialData?: number | undefined; readonly keepPrevious?: boolean | undefined }>();
  });

  it('useChanges: changes of the model', () => {
    expectTypeOf(useChanges(playlists).data).toEqualTypeOf<readonly ModelChange<Playlist>[] | undefined>();
  });

  it('useMutations: inputs from the model, failures as typed values', async () => {
    const { create, remove } = useMutations(playlists);
    // @ts-expect-error songs is required
    void create.mutate({ name: 'x', owner: 'ana' });
    const outcome = await create.mutate({ name: 'x', owner: 'ana', songs: [] });
    expectTypeOf(outcome).toEqualTypeOf<MutationOutcome<Playlist>>();
    if (outcome.ok) expectTypeOf(outcome.data).toEqualTypeOf<Playlist>();
    else if (outcome.kind === 'conflict') expectTypeOf(outcome.error).toEqualTypeOf<ConflictError>();
    else if (outcome.kind === 'invalid') expectTypeOf(outcome.error).toEqualTypeOf<ValidationError>();
    expectTypeOf(remove.mutate).returns.resolves.toEqualTypeOf<MutationOutcome<WriteResult>>();
  });

  it('useReplication: progress and result of replicate, progress with its direction for sync', () => {
    const backup = useReplication(() => replicate(local, remote), []);
    expectTypeOf(backup.progress).toEqualTypeOf<ReplicationProgressEvent | undefined>();
    expectTypeOf(backup.result).toEqualTypeOf<ReplicationResult | undefined>();
    const both = useReplication(() => sync(local, remote), []);
    expectTypeOf(both.progress).toEqualTypeOf<(ReplicationProgressEvent & { readonly direction: SyncDirection }) | undefined>();
    // @ts-expect-error only replication events
    useReplication(() => of({ docsWritten: 1 }), []);
  });
});
