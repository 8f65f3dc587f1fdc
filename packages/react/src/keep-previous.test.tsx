// @vitest-environment happy-dom
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Settee, type Repository } from '@settee/core';
import { createEngine } from '@settee/engine';
import type { LiveState } from './live-state.js';
import { countFeeds, type CountedServer } from './test-support/feed-counter.js';
import { Playlist } from './test-support/playlist-model.js';
import { useChanges } from './use-changes.js';
import { useDoc } from './use-doc.js';
import { useFind } from './use-find.js';

let counted: CountedServer;
let settee: Settee;
let playlists: Repository<Playlist>;
/** What the component showed at each render, in order. */
let frames: string[];

beforeEach(async () => {
  counted = countFeeds(createEngine({ storage: 'memory' }));
  settee = await Settee.open(counted.server, 'music');
  playlists = settee.repository(Playlist);
  frames = [];
});
afterEach(async () => {
  cleanup();
  await settee.close();
});

/** One line per state: status, data, and `(previous)` while the data belongs to the previous input. */
function frame<T>(state: LiveState<T>, show: (data: T) => string): string {
  if (state.status === 'pending') return 'pending';
  if (state.status === 'error') return `error${state.data === undefined ? '' : ` with ${show(state.data)}`}`;
  return `${show(state.data)}${state.isPrevious ? ' (previous)' : ''}`;
}

function OnePlaylist({ id, keepPrevious }: { id: string; keepPrevious: boolean }) {
  const playlist = useDoc(playlists, id, { keepPrevious });
  const line = frame(playlist, (p) => p?.name ?? 'missing');
  frames.push(line);
  return <p data-testid="one">{line}</p>;
}

function OwnersPlaylists({ owner }: { owner: string }) {
  const result = useFind(playlists, { owner }, { sort: [{ owner: 'asc' }, { name: 'asc' }], keepPrevious: true });
  const line = frame(result, (list) => list.map((p) => p.name).join(', '));
  frames.push(line);
  return <p data-testid="all">{line}</p>;
}

const text = (id: string) => screen.getByTestId(id).textContent;

describe('keepPrevious', () => {
  it('useDoc: shows the previous entity, flagged, until the new id answers; never pending in between', async () => {
    const a = await playlists.create({ name: 'A', owner: 'ana', songs: [] });
    const b = await playlists.create({ name: 'B', owner: 'ana', songs: [] });
    const view = render(<OnePlaylist id={a._id} keepPrevious />);
    await waitFor(() => expect(text('one')).toBe('A'));
    view.rerender(<OnePlaylist id={b._id} keepPrevious />);
    expect(text('one')).toBe('A (previous)');
    await waitFor(() => expect(text('one')).toBe('B'));
    expect(frames).toEqual(['pending', 'A', 'A (previous)', 'B']);
    // The feed of A closed when B's opened.
    expect(counted.openFeeds()).toBe(1);
    await act(() => playlists.update(b._id, (p) => void (p.name = 'B2')));
    await waitFor(() => expect(text('one')).toBe('B2'));
    await act(() => playlists.update(a._id, (p) => void (p.name = 'A2')));
    expect(text('one')).toBe('B2');
  });

  it('useDoc without it: pending again between the two ids', async () => {
    const a = await playlists.create({ name: 'A', owner: 'ana', songs: [] });
    const b = await playlists.create({ name: 'B', owner: 'ana', songs: [] });
    const view = render(<OnePlaylist id={a._id} keepPrevious={false} />);
    await waitFor(() => expect(text('one')).toBe('A'));
    view.rerender(<OnePlaylist id={b._id} keepPrevious={false} />);
    await waitFor(() => expect(text('one')).toBe('B'));
    expect(frames).toEqual(['pending', 'A', 'pending', 'B']);
  });

  it('useDoc: the previous data stays through several quick changes, and a missing document replaces it', async () => {
    const a = await playlists.create({ name: 'A', owner: 'ana', songs: [] });
    const b = await playlists.create({ name: 'B', owner: 'ana', songs: [] });
    const view = render(<OnePlaylist id={a._id} keepPrevious />);
    await waitFor(() => expect(text('one')).toBe('A'));
    view.rerender(<OnePlaylist id={b._id} keepPrevious />);
    view.rerender(<OnePlaylist id="nothing-here" keepPrevious />);
    expect(text('one')).toBe('A (previous)');
    await waitFor(() => expect(text('one')).toBe('missing'));
    expect(frames).toEqual(['pending', 'A', 'A (previous)', 'A (previous)', 'missing']);
    expect(counted.openFeeds()).toBe(1);
  });

  it('useDoc: an undefined id opens nothing and keeps the last entity, flagged', async () => {
    const a = await playlists.create({ name: 'A', owner: 'ana', songs: [] });
    function Maybe({ id }: { id: string | undefined }) {
      const line = frame(useDoc(playlists, id, { keepPrevious: true }), (p) => p?.name ?? 'missing');
      return <p data-testid="maybe">{line}</p>;
    }
    const view = render(<Maybe id={a._id} />);
    await waitFor(() => expect(text('maybe')).toBe('A'));
    view.rerender(<Maybe id={undefined} />);
    expect(text('maybe')).toBe('A (previous)');
    expect(counted.openFeeds()).toBe(0);
  });

  it('useFind: shows the previous result, flagged, until the new query answers', async () => {
    await playlists.create({ name: 'Autumn', owner: 'ana', songs: [] });
    await playlists.create({ name: 'Beach', owner: 'bob', songs: [] });
    await playlists.create({ name: 'City', owner: 'bob', songs: [] });
    const view = render(<OwnersPlaylists owner="ana" />);
    await waitFor(() => expect(text('all')).toBe('Autumn'));
    view.rerender(<OwnersPlaylists owner="bob" />);
    expect(text('all')).toBe('Autumn (previous)');
    await waitFor(() => expect(text('all')).toBe('Beach, City'));
    expect(frames).toEqual(['pending', 'Autumn', 'Autumn (previous)', 'Beach, City']);
    expect(counted.openFeeds()).toBe(1);
    // Back to the first query: its feed opens again, the previous result (bob's) is shown meanwhile.
    view.rerender(<OwnersPlaylists owner="ana" />);
    expect(text('all')).toBe('Beach, City (previous)');
    await waitFor(() => expect(text('all')).toBe('Autumn'));
  });

  it('useFind: a new query that fails shows the error without the previous query\'s data', async () => {
    function Query({ pattern }: { pattern: string }) {
      const result = useFind(playlists, { name: { $regex: pattern } }, { keepPrevious: true });
      const line = frame(result, (list) => list.map((p) => p.name).join(', '));
      frames.push(line);
      return <p data-testid="q">{line}</p>;
    }
    await playlists.create({ name: 'Autumn', owner: 'ana', songs: [] });
    const view = render(<Query pattern="^A" />);
    await waitFor(() => expect(text('q')).toBe('Autumn'));
    view.rerender(<Query pattern="(" />);
    expect(text('q')).toBe('Autumn (previous)');
    await waitFor(() => expect(text('q')).toBe('error'));
    expect(counted.openFeeds()).toBe(0);
  });

  it('useChanges: the list of the previous options stays until a change reaches the new feed', async () => {
    function Feed({ keep }: { keep: number }) {
      const changes = useChanges(playlists, { keep, keepPrevious: true });
      const line = frame(changes, (list) => list.map((c) => c.id).join(' '));
      frames.push(line);
      return <p data-testid="feed">{line}</p>;
    }
    const view = render(<Feed keep={5} />);
    await waitFor(() => expect(counted.openFeeds()).toBe(1));
    await act(() => playlists.create({ _id: 'one', name: 'One', owner: 'ana', songs: [] }));
    await waitFor(() => expect(text('feed')).toBe('one'));
    view.rerender(<Feed keep={2} />);
    expect(text('feed')).toBe('one (previous)');
    await waitFor(() => expect(counted.openFeeds()).toBe(1));
    // The new feed's list starts empty: the previous options' changes are shown, never folded into it.
    await act(() => playlists.create({ _id: 'two', name: 'Two', owner: 'ana', songs: [] }));
    await waitFor(() => expect(text('feed')).toBe('two'));
  });
});
