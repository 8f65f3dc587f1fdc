// @vitest-environment happy-dom
import { StrictMode, useState } from 'react';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Settee, type Repository } from '@settee/core';
import { createEngine } from '@settee/engine';
import { countFeeds, type CountedServer } from './test-support/feed-counter.js';
import { Playlist } from './test-support/playlist-model.js';
import { useFind } from './use-find.js';

let counted: CountedServer;
let settee: Settee;
let playlists: Repository<Playlist>;
let renders = 0;

beforeEach(async () => {
  counted = countFeeds(createEngine({ storage: 'memory' }));
  settee = await Settee.open(counted.server, 'music');
  playlists = settee.repository(Playlist);
  renders = 0;
});
afterEach(async () => {
  cleanup();
  await settee.close();
});

/** Ana's playlists by name, with an inline selector (a new object every render) and a button that re-renders. */
function AnasPlaylists() {
  renders++;
  const [clicks, setClicks] = useState(0);
  const result = useFind(playlists, { owner: 'ana' }, { sort: [{ owner: 'asc' }, { name: 'asc' }] });
  return (
    <div>
      <button onClick={() => setClicks(clicks + 1)}>again</button>
      <p data-testid="names">{result.status === 'success' ? result.data.map((p) => p.name).join(', ') : result.status}</p>
      {result.status === 'error' && <p data-testid="error">{result.error.message}</p>}
    </div>
  );
}

const names = () => screen.getByTestId('names').textContent;

describe('useFind', () => {
  it('lists the matches, then follows creations, updates and deletions', async () => {
    const a = await playlists.create({ name: 'Autumn', owner: 'ana', songs: [] });
    await playlists.create({ name: 'Other', owner: 'bob', songs: [] });
    render(<AnasPlaylists />);
    await waitFor(() => expect(names()).toBe('Autumn'));
    await act(() => playlists.create({ name: 'Beach', owner: 'ana', songs: [] }));
    await waitFor(() => expect(names()).toBe('Autumn, Beach'));
    await act(() => playlists.update(a._id, (p) => void (p.name = 'Winter')));
    await waitFor(() => expect(names()).toBe('Beach, Winter'));
    await act(() => playlists.delete(a._id));
    await waitFor(() => expect(names()).toBe('Beach'));
  });

  it('does not re-render for a write that leaves the result as it was', async () => {
    await playlists.create({ name: 'Autumn', owner: 'ana', songs: [] });
    const bob = await playlists.create({ name: 'Other', owner: 'bob', songs: [] });
    render(<AnasPlaylists />);
    await waitFor(() => expect(names()).toBe('Autumn'));
    const before = renders;
    // Bob's playlist re-runs the query (same model) but Ana's result is unchanged; then Ana gets one more.
    await act(() => playlists.update(bob._id, (p) => void (p.name = 'Other 2')));
    await act(() => playlists.create({ name: 'Beach', owner: 'ana', songs: [] }));
    await waitFor(() => expect(names()).toBe('Autumn, Beach'));
    expect(renders).toBe(before + 1);
  });

  it('keeps one feed across re-renders with an inline selector, under StrictMode too, and closes it on unmount', async () => {
    await playlists.create({ name: 'Autumn', owner: 'ana', songs: [] });
    const view = render(
      <StrictMode>
        <AnasPlaylists />
      </StrictMode>,
    );
    await waitFor(() => expect(names()).toBe('Autumn'));
    await waitFor(() => expect(counted.openFeeds()).toBe(1));
    const opened = counted.openedFeeds();
    fireEvent.click(screen.getByText('again'));
    fireEvent.click(screen.getByText('again'));
    expect(counted.openedFeeds()).toBe(opened);
    expect(counted.openFeeds()).toBe(1);
    view.unmount();
    expect(counted.openFeeds()).toBe(0);
  });

  it('shows a query CouchDB refuses as an error state', async () => {
    function BadQuery() {
      const result = useFind(playlists, { owner: { $regex: '(' } });
      return <p data-testid="state">{result.status === 'error' ? `error: ${result.error.name}` : result.status}</p>;
    }
    render(<BadQuery />);
    await waitFor(() => expect(screen.getByTestId('state').textContent).toMatch(/^error: \w+Error$/));
    expect(counted.openFeeds()).toBe(0);
  });
});
