// @vitest-environment happy-dom
import { act, cleanup, renderHook, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RevisionConflictError, Settee, ValidationError, type Repository } from '@settee/core';
import { createEngine } from '@settee/engine';
import type { MutationOutcome } from './mutation-outcome.js';
import { Playlist } from './test-support/playlist-model.js';
import { useMutation } from './use-mutation.js';
import { useMutations } from './use-mutations.js';

let settee: Settee;
let playlists: Repository<Playlist>;

beforeEach(async () => {
  settee = await Settee.open(createEngine({ storage: 'memory' }), 'music');
  playlists = settee.repository(Playlist);
});
afterEach(async () => {
  cleanup();
  await settee.close();
});

describe('useMutations', () => {
  it('creates, and follows the latest call from idle through pending to success', async () => {
    const { result } = renderHook(() => useMutations(playlists));
    expect(result.current.create.state.status).toBe('idle');
    let pending: Promise<MutationOutcome<Playlist>> | undefined;
    act(() => {
      pending = result.current.create.mutate({ name: 'Road trip', owner: 'ana', songs: [] });
    });
    expect(result.current.create.state.status).toBe('pending');
    const outcome = await act(() => pending!);
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.data).toBeInstanceOf(Playlist);
    expect(result.current.create.state).toMatchObject({ status: 'success', data: outcome.data });
    expect((await playlists.get(outcome.data._id)).name).toBe('Road trip');
  });

  it('returns invalid data as an `invalid` outcome with the issues, and writes nothing', async () => {
    const { result } = renderHook(() => useMutations(playlists));
    const outcome = await act(() => result.current.create.mutate({ name: '', owner: 'ana', songs: [] }));
    expect(outcome).toMatchObject({ ok: false, kind: 'invalid' });
    if (outcome.ok || outcome.kind !== 'invalid') return;
    expect(outcome.error).toBeInstanceOf(ValidationError);
    expect(outcome.error.issues.map((issue) => issue.path)).toEqual([['name']]);
    expect(result.current.create.state.failure?.kind).toBe('invalid');
    expect(await playlists.count()).toBe(0);
  });

  it('returns a stale save as a `conflict` outcome carrying both revisions', async () => {
    const stale = await playlists.create({ name: 'A', owner: 'ana', songs: [] });
    const fresh = await playlists.get(stale._id);
    await playlists.save(Object.assign(fresh, { name: 'A2' }));
    const { result } = renderHook(() => useMutations(playlists));
    stale.name = 'A3';
    const outcome = await act(() => result.current.save.mutate(stale));
    expect(outcome).toMatchObject({ ok: false, kind: 'conflict' });
    if (outcome.ok || outcome.kind !== 'conflict') return;
    expect(outcome.error).toBeInstanceOf(RevisionConflictError);
    expect(outcome.error).toMatchObject({ attemptedRev: stale._rev, currentRev: fresh._rev });
    expect((await playlists.get(stale._id)).name).toBe('A2');
  });

  it('returns an update or delete of a missing document as `not-found`, and reset goes back to idle', async () => {
    const { result } = renderHook(() => useMutations(playlists));
    const updated = await act(() => result.current.update.mutate('nope', (p) => void (p.name = 'x')));
    expect(updated).toMatchObject({ ok: false, kind: 'not-found' });
    const removed = await act(() => result.current.remove.mutate('nope'));
    expect(removed).toMatchObject({ ok: false, kind: 'not-found' });
    expect(result.current.remove.state.status).toBe('failure');
    act(() => result.current.remove.reset());
    expect(result.current.remove.state.status).toBe('idle');
  });

  it('updates through the mutation function with retries and deletes', async () => {
    const a = await playlists.create({ name: 'A', owner: 'ana', songs: [] });
    const { result } = renderHook(() => useMutations(playlists));
    const updated = await act(() => result.current.update.mutate(a._id, (p) => void p.songs.push({ title: 'T', artist: 'X' })));
    expect(updated.ok && updated.data.songs).toEqual([{ title: 'T', artist: 'X' }]);
    const removed = await act(() => result.current.remove.mutate(a._id));
    expect(removed.ok && removed.data.ok).toBe(true);
    expect(await playlists.maybe(a._id)).toBeUndefined();
  });
});

describe('useMutation', () => {
  it('keeps the state of the latest call when an earlier one settles later, and sorts other failures as `failed`', async () => {
    const gates: Array<(value: string) => void> = [];
    const { result } = renderHook(() => useMutation((label: string) => new Promise<string>((resolve) => gates.push(() => resolve(label)))));
    let first: Promise<MutationOutcome<string>> | undefined;
    let second: Promise<MutationOutcome<string>> | undefined;
    act(() => {
      first = result.current.mutate('first');
      second = result.current.mutate('second');
    });
    await act(async () => {
      gates[1]!('');
      await second;
    });
    expect(result.current.state).toMatchObject({ status: 'success', data: 'second' });
    await act(async () => {
      gates[0]!('');
      await first;
    });
    expect(result.current.state).toMatchObject({ status: 'success', data: 'second' });

    const failing = renderHook(() => useMutation(async () => Promise.reject(new TypeError('bug'))));
    const outcome = await act(() => failing.result.current.mutate());
    expect(outcome).toMatchObject({ ok: false, kind: 'failed' });
    expect(!outcome.ok && outcome.error).toBeInstanceOf(TypeError);
  });

  it('keeps mutate and reset stable across renders', () => {
    const { result, rerender } = renderHook(() => useMutation(async (n: number) => n * 2));
    const { mutate, reset } = result.current;
    rerender();
    expect(result.current.mutate).toBe(mutate);
    expect(result.current.reset).toBe(reset);
  });
});
