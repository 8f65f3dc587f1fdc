// @vitest-environment happy-dom
import { StrictMode } from 'react';
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Settee, type Repository } from '@settee/core';
import { createEngine } from '@settee/engine';
import { SetteeProvider } from './settee-context.js';
import { countFeeds, type CountedServer } from './test-support/feed-counter.js';
import { Playlist } from './test-support/playlist-model.js';
import { useDoc } from './use-doc.js';
import { useRepository } from './use-repository.js';

let counted: CountedServer;
let settee: Settee;
let playlists: Repository<Playlist>;
const renders = new Map<string, number>();

beforeEach(async () => {
  counted = countFeeds(createEngine({ storage: 'memory' }));
  settee = await Settee.open(counted.server, 'music');
  playlists = settee.repository(Playlist);
  renders.clear();
});
afterEach(async () => {
  cleanup();
  await settee.close();
});

/** Shows one playlist and counts its own renders. */
function PlaylistName({ id }: { id: string }) {
  renders.set(id, (renders.get(id) ?? 0) + 1);
  const repo = useRepository(Playlist);
  const playlist = useDoc(repo, id);
  if (playlist.status === 'pending') return <p data-testid={id}>loading</p>;
  if (playlist.status === 'error') return <p data-testid={id}>error: {playlist.error.message}</p>;
  return <p data-testid={id}>{playlist.data === undefined ? 'missing' : `${playlist.data.name} (${playlist.data.songs.length})`}</p>;
}

function App({ ids, strict = false }: { ids: readonly string[]; strict?: boolean }) {
  const tree = (
    <SetteeProvider settee={settee}>
      {ids.map((id) => (
        <PlaylistName key={id} id={id} />
      ))}
    </SetteeProvider>
  );
  return strict ? <StrictMode>{tree}</StrictMode> : tree;
}

const text = (id: string) => screen.getByTestId(id).textContent;

describe('useDoc', () => {
  it('shows pending, then the entity, then each new revision written through the repository', async () => {
    const a = await playlists.create({ name: 'Road trip', owner: 'ana', songs: [] });
    render(<App ids={[a._id]} />);
    expect(text(a._id)).toBe('loading');
    await waitFor(() => expect(text(a._id)).toBe('Road trip (0)'));
    await act(() => playlists.update(a._id, (p) => void p.songs.push({ title: 'Holocene', artist: 'Bon Iver' })));
    await waitFor(() => expect(text(a._id)).toBe('Road trip (1)'));
  });

  it('re-renders only the component whose document changed', async () => {
    const a = await playlists.create({ name: 'A', owner: 'ana', songs: [] });
    const b = await playlists.create({ name: 'B', owner: 'ana', songs: [] });
    render(<App ids={[a._id, b._id]} />);
    await waitFor(() => expect([text(a._id), text(b._id)]).toEqual(['A (0)', 'B (0)']));
    const before = { a: renders.get(a._id), b: renders.get(b._id) };

    await act(() => playlists.update(a._id, (p) => void (p.name = 'A2')));
    await waitFor(() => expect(text(a._id)).toBe('A2 (0)'));
    expect(renders.get(a._id)).toBe(before.a! + 1);
    expect(renders.get(b._id)).toBe(before.b);

    // B's feed was open all along: a change to B now reaches B, and A stays as it was.
    await act(() => playlists.update(b._id, (p) => void (p.name = 'B2')));
    await waitFor(() => expect(text(b._id)).toBe('B2 (0)'));
    expect(renders.get(b._id)).toBe(before.b! + 1);
    expect(renders.get(a._id)).toBe(before.a! + 1);
  });

  it('shows a missing document as undefined, then its creation and its deletion', async () => {
    render(<App ids={['later']} />);
    await waitFor(() => expect(text('later')).toBe('missing'));
    const created = await act(() => playlists.create({ _id: 'later', name: 'Late', owner: 'ana', songs: [] }));
    await waitFor(() => expect(text('later')).toBe('Late (0)'));
    await act(() => playlists.delete(created));
    await waitFor(() => expect(text('later')).toBe('missing'));
  });

  it('opens one feed per hook under StrictMode double mounting, and closes them all on unmount', async () => {
    const a = await playlists.create({ name: 'A', owner: 'ana', songs: [] });
    const b = await playlists.create({ name: 'B', owner: 'ana', songs: [] });
    const view = render(<App ids={[a._id, b._id]} strict />);
    await waitFor(() => expect([text(a._id), text(b._id)]).toEqual(['A (0)', 'B (0)']));
    // StrictMode subscribed, unsubscribed and subscribed again: some feeds were opened twice, two remain.
    await waitFor(() => expect(counted.openFeeds()).toBe(2));
    expect(counted.openedFeeds()).toBeGreaterThanOrEqual(2);
    await act(() => playlists.update(a._id, (p) => void (p.name = 'A2')));
    await waitFor(() => expect(text(a._id)).toBe('A2 (0)'));
    view.unmount();
    expect(counted.openFeeds()).toBe(0);
  });

  it('closes the old feed and opens a new one when the id changes', async () => {
    const a = await playlists.create({ name: 'A', owner: 'ana', songs: [] });
    const b = await playlists.create({ name: 'B', owner: 'ana', songs: [] });
    function Switching({ id }: { id: string }) {
      const playlist = useDoc(playlists, id);
      return <p data-testid="current">{playlist.data?.name ?? '-'}</p>;
    }
    const view = render(<Switching id={a._id} />);
    await waitFor(() => expect(screen.getByTestId('current').textContent).toBe('A'));
    view.rerender(<Switching id={b._id} />);
    await waitFor(() => expect(screen.getByTestId('current').textContent).toBe('B'));
    await waitFor(() => expect(counted.openFeeds()).toBe(1));
    view.unmount();
    expect(counted.openFeeds()).toBe(0);
  });

  it('opens nothing while the id is undefined', async () => {
    function Waiting() {
      return <p data-testid="w">{useDoc(playlists, undefined).status}</p>;
    }
    const view = render(<Waiting />);
    expect(screen.getByTestId('w').textContent).toBe('pending');
    expect(counted.openedFeeds()).toBe(0);
    view.unmount();
  });

  it('marks the state complete when the Settee closes', async () => {
    const a = await playlists.create({ name: 'A', owner: 'ana', songs: [] });
    function Closing() {
      const playlist = useDoc(playlists, a._id);
      return <p data-testid="c">{`${playlist.status} ${String(playlist.complete)}`}</p>;
    }
    render(<Closing />);
    await waitFor(() => expect(screen.getByTestId('c').textContent).toBe('success false'));
    await act(() => settee.close());
    await waitFor(() => expect(screen.getByTestId('c').textContent).toBe('success true'));
    expect(counted.openFeeds()).toBe(0);
  });
});
