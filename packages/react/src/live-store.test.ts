import { firstValueFrom, filter, Subject, tap } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Settee, type Repository } from '@settee/core';
import { createEngine } from '@settee/engine';
import { initialState, PENDING, previousState } from './live-state.js';
import { LiveStore } from './live-store.js';
import { Playlist } from './test-support/playlist-model.js';
import { sameRevision } from './use-doc.js';
import { sameEntities } from './use-find.js';
import { latest } from './use-live-store.js';

describe('LiveStore over a subject', () => {
  it('opens on the first listener, closes on the last, and starts pending', () => {
    const source = new Subject<number>();
    const store = new LiveStore({ open: () => source, reduce: latest<number> });
    expect(store.getSnapshot()).toBe(PENDING);
    const offA = store.subscribe(() => {});
    const offB = store.subscribe(() => {});
    expect(source.observed).toBe(true);
    offA();
    offA(); // a second call removes nothing more
    expect(source.observed).toBe(true);
    offB();
    expect(source.observed).toBe(false);
    expect(store.isOpen).toBe(false);
  });

  it('notifies only when the reduced value, the status or the completion changes', () => {
    const source = new Subject<number>();
    // Keeps the previous value when the new one has the same parity: "nothing visible changed".
    const store = new LiveStore<number, number>({ open: () => source, reduce: (prev, n) => (prev !== undefined && prev % 2 === n % 2 ? prev : n) });
    let notified = 0;
    const off = store.subscribe(() => notified++);
    source.next(1);
    const first = store.getSnapshot();
    expect(first).toEqual({ status: 'success', data: 1, error: undefined, complete: false, isInitial: false, isPrevious: false });
    source.next(3);
    expect(store.getSnapshot()).toBe(first);
    expect(notified).toBe(1);
    source.next(2);
    expect(store.getSnapshot().data).toBe(2);
    source.complete();
    expect(store.getSnapshot()).toMatchObject({ status: 'success', data: 2, complete: true });
    expect(notified).toBe(3);
    off();
  });

  it('keeps the last data beside the error, and starts over when subscribed again', () => {
    let source = new Subject<number>();
    const store = new LiveStore({ open: () => source, reduce: latest<number> });
    const off = store.subscribe(() => {});
    source.next(7);
    source.error('boom');
    const failed = store.getSnapshot();
    expect(failed).toMatchObject({ status: 'error', data: 7, complete: true });
    expect(failed.error).toBeInstanceOf(Error);
    expect(failed.error?.message).toBe('boom');
    off();
    source = new Subject<number>();
    const again = store.subscribe(() => {});
    expect(store.getSnapshot()).toBe(PENDING);
    source.next(8);
    expect(store.getSnapshot().data).toBe(8);
    again();
  });

  it('hands the shown value to open, so a feed can resume after it', () => {
    const source = new Subject<number>();
    const shown: Array<number | undefined> = [];
    const store = new LiveStore({ open: (value: number | undefined) => (shown.push(value), source), reduce: latest<number> });
    store.subscribe(() => {})();
    const off = store.subscribe(() => {});
    source.next(4);
    off();
    store.subscribe(() => {})();
    expect(shown).toEqual([undefined, undefined, 4]);
  });

  it('serves the initial snapshot to the server renderer whatever it shows on the client', () => {
    const source = new Subject<string>();
    const initial = initialState('from the server');
    const store = new LiveStore({ open: () => source, reduce: latest<string>, initial });
    const off = store.subscribe(() => {});
    source.next('live');
    expect(store.getSnapshot().data).toBe('live');
    expect(store.getServerSnapshot()).toBe(initial);
    off();
  });
});

describe('LiveStore with a placeholder', () => {
  it('folds the first emission into initial data, resumes after it, and keeps it when nothing changed', () => {
    const source = new Subject<number>();
    const shown: Array<number | undefined> = [];
    const parity = (prev: number | undefined, n: number) => (prev !== undefined && prev % 2 === n % 2 ? prev : n);
    const initial = initialState(1);
    const store = new LiveStore<number, number>({ open: (value) => (shown.push(value), source), reduce: parity, initial });
    let notified = 0;
    const off = store.subscribe(() => notified++);
    expect(shown).toEqual([1]);
    source.next(3);
    expect(store.getSnapshot()).toBe(initial);
    expect(notified).toBe(0);
    source.next(2);
    expect(store.getSnapshot()).toEqual({ status: 'success', data: 2, error: undefined, complete: false, isInitial: false, isPrevious: false });
    expect(notified).toBe(1);
    off();
  });

  it('keeps initial data beside an error, flagged as initial', () => {
    const source = new Subject<string>();
    const store = new LiveStore({ open: () => source, reduce: latest<string>, initial: initialState('cached') });
    const off = store.subscribe(() => {});
    source.error(new Error('offline'));
    expect(store.getSnapshot()).toMatchObject({ status: 'error', data: 'cached', isInitial: true, isPrevious: false });
    off();
  });

  it('never folds nor resumes from the previous input\'s data, and replaces it with the first emission, equal or not', () => {
    const source = new Subject<number>();
    const shown: Array<number | undefined> = [];
    const folded: Array<number | undefined> = [];
    const store = new LiveStore<number, number>({
      open: (value) => (shown.push(value), source),
      reduce: (prev, n) => (folded.push(prev), prev ?? n),
      initial: previousState(5),
    });
    let notified = 0;
    const off = store.subscribe(() => notified++);
    expect(store.getSnapshot()).toMatchObject({ status: 'success', data: 5, isPrevious: true });
    source.next(5);
    expect(store.getSnapshot()).toEqual({ status: 'success', data: 5, error: undefined, complete: false, isInitial: false, isPrevious: false });
    expect(notified).toBe(1);
    expect(shown).toEqual([undefined]);
    expect(folded).toEqual([undefined]);
    off();
  });

  it('drops the previous input\'s data when the new source fails', () => {
    const source = new Subject<number>();
    const store = new LiveStore({ open: () => source, reduce: latest<number>, initial: previousState(5) });
    const off = store.subscribe(() => {});
    source.error('boom');
    expect(store.getSnapshot()).toMatchObject({ status: 'error', data: undefined, isInitial: false, isPrevious: false });
    off();
  });
});

describe('LiveStore over repository streams (the engine)', () => {
  let settee: Settee;
  let playlists: Repository<Playlist>;
  beforeEach(async () => {
    settee = await Settee.open(createEngine({ storage: 'memory' }), 'music');
    playlists = settee.repository(Playlist);
  });
  afterEach(() => settee.close());

  it('a re-subscription that reads the same revision again keeps the snapshot and notifies nobody', async () => {
    const a = await playlists.create({ name: 'A', owner: 'ana', songs: [] });
    const emitted = new Subject<void>();
    const store = new LiveStore<Playlist | undefined, Playlist | undefined>({
      open: () => playlists.get$(a._id).pipe(tap(() => emitted.next())),
      reduce: sameRevision,
    });
    const loaded = firstValueFrom(emitted);
    const off = store.subscribe(() => {});
    await loaded;
    const shown = store.getSnapshot();
    expect(shown.data?.name).toBe('A');
    off();

    let notified = 0;
    const reread = firstValueFrom(emitted);
    const again = store.subscribe(() => notified++);
    await reread;
    expect(store.getSnapshot()).toBe(shown);
    expect(notified).toBe(0);

    const updated = firstValueFrom(emitted);
    await playlists.update(a._id, (p) => void (p.name = 'A2'));
    await updated;
    expect(store.getSnapshot().data?.name).toBe('A2');
    expect(notified).toBe(1);
    again();
  });

  it('a live find re-read after re-subscription keeps the same array when nothing changed', async () => {
    await playlists.create({ name: 'A', owner: 'ana', songs: [] });
    await playlists.create({ name: 'B', owner: 'ana', songs: [] });
    const store = new LiveStore({ open: () => playlists.find$({ owner: 'ana' }), reduce: sameEntities<Playlist> });
    const results = new Subject<void>();
    const off = store.subscribe(() => results.next());
    await firstValueFrom(results.pipe(filter(() => store.getSnapshot().status !== 'pending')));
    const shown = store.getSnapshot();
    expect(shown.error).toBeUndefined();
    expect(shown.data?.map((p) => p.name).sort()).toEqual(['A', 'B']);
    off();
    // A fresh read of the same documents at the same revisions gives back the array on screen.
    const fresh = await firstValueFrom(playlists.find$({ owner: 'ana' }));
    expect(fresh).not.toBe(shown.data);
    expect(sameEntities(shown.data, fresh)).toBe(shown.data);
    const fewer = fresh.slice(1);
    expect(sameEntities(shown.data, fewer)).toBe(fewer);
  });
});
